"""A laptop's first run, enrolled: make the encrypted profile and enrol it in one step.

The desktop's "Enrol with my team's server" calls this on the task runner; it is also
what `onerecord init` followed by `onerecord enrol` does. Either the laptop ends up
enrolled with its profile unlocked, or nothing is left behind: a wrong code, an
unreachable server or an untrusted certificate removes the half-made profile, so the
person can simply try again.
"""

from __future__ import annotations

import logging
import platform
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from app.errors import InvalidInputError
from app.services.profile.profile_setup import passphrase_problem
from app.workspace import Workspace, create, open_workspace
from storage import profile
from storage.keyvault import KdfParams
from sync.client.enrol import enrol

logger = logging.getLogger(__name__)

# The local user a profile starts with until the server says who this is: a directory
# placeholder that is never sent (the server owns the directory).
PLACEHOLDER_USER = "Enrolling user"


def check_server_url(url: str) -> str:
    """The address as typed, tidied, or a plain reason it will not do."""
    url = url.strip().rstrip("/")
    if not url:
        raise InvalidInputError("Enter your team server's address, as your administrator gave it.")
    if "://" not in url:
        url = f"https://{url}"
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidInputError(
            "That does not look like a server address: it should be like "
            "https://onerecord.example.nhs.uk"
        )
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise InvalidInputError(
            "The server's address must start with https:// (plain http only on this computer)."
        )
    return url


def read_ca(ca_file: str) -> str | None:
    """The CA certificate's text, if one was given (PEM)."""
    if not ca_file.strip():
        return None
    try:
        text = Path(ca_file.strip()).expanduser().read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        raise InvalidInputError(
            "Cannot read the certificate file {strip}: choose the .pem file your "
            "administrator gave you.",
            strip=ca_file.strip(),
        ) from None
    if "BEGIN CERTIFICATE" not in text:
        raise InvalidInputError("That file is not a certificate (PEM): choose the .pem file.")
    return text


def enrol_new_laptop(
    path: Path,
    *,
    server_url: str,
    code: str,
    ca_file: str = "",
    passphrase: str,
    confirmation: str,
    kdf: KdfParams | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Workspace:
    """Check what was typed, create the profile, enrol it; the unlocked, enrolled profile."""
    url = check_server_url(server_url)
    if not code.strip():
        raise InvalidInputError("Enter the one-time code your administrator gave you.")
    if reason := passphrase_problem(passphrase, confirmation):
        raise InvalidInputError(reason)
    ca_pem = read_ca(ca_file)
    fresh_folder = not path.exists() or not any(path.iterdir())
    workspace = create(path, passphrase, user_name=PLACEHOLDER_USER, kdf=kdf)
    try:
        enrol(workspace, url, code, ca_pem=ca_pem, device_name=platform.node(), transport=transport)
    except BaseException:
        # Nothing half-made: the code may be retyped on a clean slate.
        workspace.close()
        profile.destroy(path)
        if fresh_folder:
            shutil.rmtree(path, ignore_errors=True)
        raise
    # Who is signed in now comes from the server's answer, saved by enrol().
    return open_workspace(workspace.store)
