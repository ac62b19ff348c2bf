"""Settings an organisation's IT sets for every profile on a laptop, not a user's choice.

They live in a small TOML file the laptop's administrator owns (the user cannot
write it on a managed laptop): `/etc/onerecord/deployment.toml` on Linux,
`%ProgramData%\\OneRecord\\deployment.toml` on Windows. Where that file exists it
is the one read: `ONERECORD_DEPLOYMENT_FILE` (for packaging and tests) names another
only on a machine without it, so a user cannot point the app away from it. No file:
the defaults below.

    # /etc/onerecord/deployment.toml
    memory_security = true

`memory_security` turns on SQLCipher's `cipher_memory_security`: SQLCipher wipes
every buffer it frees, so decrypted pages do not linger in a running process's
freed heap. It follows SQLCipher's own default (off since 4.5.0, for its cost: it
doubles the time of a large pull) and is there for organisations that want it
(docs/security.md says what it protects and what protects a locked laptop).

A file that cannot be read or understood fails safe: memory security on, and one
warning in the log naming the setting at fault, never its value. A setting this
version does not know (a misspelt `memory_security`, say) counts as not understood.
"""

from __future__ import annotations

import logging
import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

FILE_VARIABLE = "ONERECORD_DEPLOYMENT_FILE"


@dataclass(frozen=True)
class Deployment:
    memory_security: bool = False


SAFE = Deployment(memory_security=True)


def system_file() -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "OneRecord/deployment.toml"
    return Path("/etc/onerecord/deployment.toml")


def deployment_file() -> Path:
    """The administrator's file where there is one, else the one the variable names."""
    system = system_file()
    named = os.environ.get(FILE_VARIABLE)
    return Path(named) if named and not system.exists() else system


def deployment() -> Deployment:
    """This laptop's deployment settings, read afresh (a profile opens rarely)."""
    path = deployment_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Deployment()
    except (OSError, UnicodeDecodeError):
        logger.warning("the deployment settings file cannot be read: memory security is on")
        return SAFE
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        logger.warning("the deployment settings file is not valid TOML: memory security is on")
        return SAFE
    memory_security = values.pop("memory_security", False)
    if not isinstance(memory_security, bool):
        logger.warning("memory_security in the deployment settings is not true or false: on")
        return SAFE
    if values:
        # Named, not valued. A setting this version does not know is a mistake in the
        # file (a misspelling would otherwise leave memory security off unnoticed).
        logger.warning(
            "unknown deployment settings (%s): memory security is on", ", ".join(sorted(values))
        )
        return SAFE
    return Deployment(memory_security=memory_security)
