"""Enrolling a new laptop in one step (the desktop's first run): enrolled and unlocked,
or nothing left behind to trip over."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import InvalidInputError, OneRecordError
from app.workspace import profile_exists, unlock
from sync.client import settings as sync_settings
from sync.client.first_run import check_server_url, enrol_new_laptop
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.sync.conftest import RunningServer
from tests.sync.helpers import sync


def test_a_new_laptop_is_enrolled_signed_in_as_the_server_says_and_syncs(
    server: RunningServer, tmp_path: Path
) -> None:
    folder = tmp_path / "profile"
    ws = enrol_new_laptop(
        folder,
        server_url=server.url,
        code=server.code_for("Ceri Jones"),
        passphrase=PASSPHRASE,
        confirmation=PASSPHRASE,
        kdf=FAST_KDF,
    )
    try:
        assert ws.user_name == "Ceri Jones"
        assert ws.actor.role == "social_worker"
        with ws.store.read() as session:
            assert sync_settings.enrolment(session) is not None
        report = sync(ws)
        assert report.refused == []  # the local placeholder user was never sent
    finally:
        ws.close()
    again = unlock(folder, PASSPHRASE)
    assert again.user_name == "Ceri Jones"
    again.close()


def test_a_wrong_code_leaves_no_profile_behind_and_can_be_retried(
    server: RunningServer, tmp_path: Path
) -> None:
    folder = tmp_path / "profile"
    with pytest.raises(OneRecordError):
        enrol_new_laptop(
            folder,
            server_url=server.url,
            code="WRONG-CODE-1234",
            passphrase=PASSPHRASE,
            confirmation=PASSPHRASE,
            kdf=FAST_KDF,
        )
    assert not profile_exists(folder)
    assert not folder.exists()
    ws = enrol_new_laptop(
        folder,
        server_url=server.url,
        code=server.code_for("Sam Taylor"),
        passphrase=PASSPHRASE,
        confirmation=PASSPHRASE,
        kdf=FAST_KDF,
    )
    assert ws.user_name == "Sam Taylor"
    ws.close()


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"server_url": " "}, "Enter your team server's address"),
        ({"server_url": "ftp://x.example"}, "does not look like a server address"),
        ({"server_url": "http://onerecord.example"}, "must start with https://"),
        ({"code": "  "}, "Enter the one-time code"),
        ({"passphrase": "short", "confirmation": "short"}, "at least 10 characters"),
        ({"confirmation": "another passphrase"}, "The two passphrases are different"),
        ({"ca_file": "/nowhere/ca.pem"}, "Cannot read the certificate file"),
    ],
)
def test_what_was_typed_is_checked_before_anything_is_made(
    tmp_path: Path, fields: dict[str, str], says: str
) -> None:
    typed = {
        "server_url": "https://onerecord.example",
        "code": "ABCD-EFGH",
        "passphrase": PASSPHRASE,
        "confirmation": PASSPHRASE,
        **fields,
    }
    with pytest.raises(InvalidInputError, match=says):
        enrol_new_laptop(tmp_path / "profile", kdf=FAST_KDF, **typed)
    assert not (tmp_path / "profile").exists()


def test_server_addresses_are_tidied() -> None:
    assert check_server_url("onerecord.example.nhs.uk/") == "https://onerecord.example.nhs.uk"
    assert check_server_url(" http://127.0.0.1:8443 ") == "http://127.0.0.1:8443"
