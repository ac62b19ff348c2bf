"""The deployment settings file: SQLCipher's memory security follows it, off by
default (SQLCipher's own default), on when the organisation says so, and on when the
file cannot be understood (a security setting fails safe).

SQLCipher latches memory security for the life of a process once any connection
turns it on, so what a real connection reports is asked of a process of its own."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import storage.deployment as deployment_module
from app.workspace import create
from storage.deployment import FILE_VARIABLE, Deployment, deployment, deployment_file
from storage.engine import memory_security_pragma
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.storage.own_process import opened_in_own_process


def _memory_security(profile: Path, settings: Path) -> str:
    """What a fresh process opening the profile under these settings reports."""
    return opened_in_own_process(profile, settings)[0]


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "etc" / "deployment.toml"
    path.parent.mkdir()
    monkeypatch.setenv(FILE_VARIABLE, str(path))
    return path


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    path = tmp_path / "profile"
    create(path, PASSPHRASE, user_name="Sam Taylor", kdf=FAST_KDF).close()
    return path


def test_no_file_is_sqlciphers_default(settings: Path, profile: Path) -> None:
    assert deployment() == Deployment(memory_security=False)
    assert memory_security_pragma() == "PRAGMA cipher_memory_security = OFF"
    assert _memory_security(profile, settings) == "0"


def test_the_organisation_turns_it_on(settings: Path, profile: Path) -> None:
    settings.write_text("# set by IT\nmemory_security = true\n")
    assert memory_security_pragma() == "PRAGMA cipher_memory_security = ON"
    assert _memory_security(profile, settings) == "1"
    settings.write_text("memory_security = false\n")
    assert _memory_security(profile, settings) == "0"


@pytest.mark.parametrize(
    "text",
    ["memory_security = tru\n", 'memory_security = "yes"\n', "memory_security = 1\n", "\xff"],
)
def test_a_file_not_understood_fails_safe(
    settings: Path, text: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings.write_bytes(text.encode("latin-1"))
    with caplog.at_level(logging.WARNING, logger="storage.deployment"):
        assert deployment().memory_security is True
        assert memory_security_pragma() == "PRAGMA cipher_memory_security = ON"
    assert "memory security is on" in caplog.text or "not true or false" in caplog.text
    # The file's words are not logged.
    assert "tru\n" not in caplog.text and "yes" not in caplog.text


def test_unreadable_fails_safe_in_a_real_connection(settings: Path, profile: Path) -> None:
    settings.write_text("memory_security = on\n")
    assert _memory_security(profile, settings) == "1"


@pytest.mark.parametrize(
    "text",
    [
        'memory_security = false\nlock_after = "9 minutes"\n',
        "memory_securty = false\n",
        "[onerecord]\nmemory_security = false\n",
    ],
)
def test_an_unknown_setting_is_named_not_valued_and_fails_safe(
    settings: Path, text: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings.write_text(text)
    with caplog.at_level(logging.WARNING, logger="storage.deployment"):
        assert deployment() == Deployment(memory_security=True)
    assert "unknown deployment settings" in caplog.text and "9 minutes" not in caplog.text


def test_the_administrators_file_wins_over_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    system = tmp_path / "etc" / "deployment.toml"
    system.parent.mkdir()
    monkeypatch.setattr(deployment_module, "system_file", lambda: system)
    elsewhere = tmp_path / "mine.toml"
    elsewhere.write_text("memory_security = false\n")
    monkeypatch.setenv(FILE_VARIABLE, str(elsewhere))
    assert deployment_file() == elsewhere  # no administrator's file here
    system.write_text("memory_security = true\n")
    assert deployment_file() == system
    assert deployment() == Deployment(memory_security=True)
