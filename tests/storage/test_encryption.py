"""The store on disk is ciphertext, and only the right key opens it."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from app.workspace import Workspace, unlock
from storage import profile, unlock_attempts
from storage.engine import build_engine
from storage.errors import WrongPassphraseError
from tests.conftest import PASSPHRASE


def test_database_file_is_not_plain_sqlite(populated: Workspace, profile_path: Path) -> None:
    populated.close()
    raw = (profile_path / profile.DB_FILE).read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    # Nothing typed into the record appears in the file, the WAL or the vault.
    for name in os.listdir(profile_path):
        path = profile_path / name
        if path.is_file():
            data = path.read_bytes()
            assert b"Pritchard" not in data
            assert b"O'Neill" not in data
            assert b"9990000026" not in data


def test_stdlib_sqlite_cannot_read_it(populated: Workspace, profile_path: Path) -> None:
    populated.close()
    conn = sqlite3.connect(profile_path / profile.DB_FILE)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        conn.execute("SELECT * FROM person").fetchall()
    conn.close()


def test_wrong_key_fails_cleanly_and_writes_nothing(
    populated: Workspace, profile_path: Path
) -> None:
    populated.close()
    before = {p.name: p.read_bytes() for p in profile_path.iterdir() if p.is_file()}
    engine = build_engine(profile_path / profile.DB_FILE, os.urandom(32))
    with pytest.raises(WrongPassphraseError), engine.connect():
        pass
    engine.dispose()
    with pytest.raises(WrongPassphraseError):
        unlock(profile_path, "not the passphrase at all")
    after = {p.name: p.read_bytes() for p in profile_path.iterdir() if p.is_file()}
    # The one thing a wrong passphrase writes: the failed-unlock count beside the
    # vault (a count and a time, audited at the next unlock). The store is untouched.
    failures = json.loads(after.pop(unlock_attempts.FAILURES_FILE))
    assert set(failures) == {"count", "times"} and failures["count"] == 1
    assert after == before


def test_connection_settings(workspace: Workspace) -> None:
    with workspace.store.engine.connect() as conn:

        def pragma(name: str) -> str:
            return str(conn.exec_driver_sql(f"PRAGMA {name}").scalar())

        # SQLCipher's own default; a deployment may turn it on (test_deployment.py).
        assert pragma("cipher_memory_security") == "0"
        assert pragma("temp_store") == "2"  # memory
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == "1"
        assert pragma("cipher_version").startswith("4.")


def test_profile_folder_and_files_are_owner_only(workspace: Workspace, profile_path: Path) -> None:
    assert stat.S_IMODE(profile_path.stat().st_mode) == 0o700
    for name in (profile.VAULT_FILE, profile.META_FILE, profile.DB_FILE, "onerecord.db-wal"):
        assert stat.S_IMODE((profile_path / name).stat().st_mode) == 0o600


def test_unlock_after_close_reads_the_data(populated: Workspace, profile_path: Path) -> None:
    populated.close()
    again = unlock(profile_path, PASSPHRASE)
    try:
        from app.services.caseload.caseload import fetch

        total, rows = fetch(again)
        assert total == 2
        assert {r.family_name for r in rows} == {"O'Neill", "Pritchard"}
    finally:
        again.close()
