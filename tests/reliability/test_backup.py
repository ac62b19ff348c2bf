"""Backups: encrypted with the profile's key, verified before they count; restore
refuses anything else, keeps the current database first, swaps atomically; and a
restored (older) laptop syncs back to where everyone else is, losing nothing."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services.care.notes import add_note
from app.services.profile.backup import backup_profile, restore_profile
from app.services.record import people
from app.workspace import create
from storage.backup import BackupMismatchError
from storage.errors import ProfileDamagedError
from storage.tables import ContactNote, Person
from sync.server.audit_verify import verify_server
from tests.conftest import ALUN, FAST_KDF, PASSPHRASE, ZOE
from tests.reliability.helpers import (
    ServerProcess,
    assert_sound,
    compare_with_server,
    onerecord,
    open_laptop,
)
from tests.sync.helpers import shared_state, sync

Enrolled = Callable[[str], Path]


def _count(path: Path, table: type) -> int:
    ws = open_laptop(path)
    try:
        with ws.store.read() as session:
            return int(session.execute(select(func.count()).select_from(table)).scalar_one())
    finally:
        ws.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_backup_is_encrypted_checked_and_restores(tmp_path: Path) -> None:
    path = tmp_path / "profile"
    ws = create(path, PASSPHRASE, user_name="Sam Taylor", kdf=FAST_KDF)
    people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    add_note(ws, ZOE, "Before the backup.")
    ws.close()
    summary = backup_profile(path, PASSPHRASE, tmp_path / "out" / "zoe.db")
    assert summary.people == 1
    raw = summary.path.read_bytes()
    assert not raw.startswith(b"SQLite format 3") and b"O'Neill" not in raw
    assert os.stat(summary.path).st_mode & 0o077 == 0
    assert not list(summary.path.parent.glob(".*partial"))
    ws = open_laptop(path)
    people.register(ws, people.NewPerson(ALUN, "Alun", "Pritchard", "1951-10-30", "BD23 1JD"))
    add_note(ws, ZOE, "After the backup.")
    ws.close()
    result = restore_profile(path, PASSPHRASE, summary.path)
    assert _count(path, Person) == 1 and _count(path, ContactNote) == 1
    # The database it replaced was kept, whole, with everything written after the backup.
    assert result.kept_as.parent == path / "backups"
    assert result.unsent_set_aside > 0
    kept = restore_profile(path, PASSPHRASE, result.kept_as)
    assert _count(path, Person) == 2 and _count(path, ContactNote) == 2
    assert kept.kept_as != result.kept_as
    assert_sound(path).close()  # journal, audit chain (with the restores in it), anchor


def test_restore_refuses_what_is_not_this_profiles_backup(tmp_path: Path) -> None:
    mine, other = tmp_path / "mine", tmp_path / "other"
    for path in (mine, other):
        create(path, PASSPHRASE, user_name="Sam Taylor", kdf=FAST_KDF).close()
    theirs = backup_profile(other, PASSPHRASE).path
    before = _digest(mine / "onerecord.db")
    with pytest.raises(BackupMismatchError, match="not a backup of this profile"):
        restore_profile(mine, PASSPHRASE, theirs)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(os.urandom(8192))
    with pytest.raises(BackupMismatchError):
        restore_profile(mine, PASSPHRASE, garbage)
    with pytest.raises(BackupMismatchError, match="no backup file"):
        restore_profile(mine, PASSPHRASE, tmp_path / "missing.db")
    # A backup of this profile with a page flipped is damaged, and refused as such.
    good = backup_profile(mine, PASSPHRASE).path
    data = bytearray(good.read_bytes())
    data[5000] ^= 0xFF
    flipped = tmp_path / "flipped.db"
    flipped.write_bytes(bytes(data))
    with pytest.raises((ProfileDamagedError, BackupMismatchError)):
        restore_profile(mine, PASSPHRASE, flipped)
    assert _digest(mine / "onerecord.db") == before  # nothing was changed
    assert not list((mine / "backups").glob("*before-restore*"))
    assert_sound(mine).close()


def test_a_damaged_profile_is_replaced_whole_by_its_backup(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The database being replaced cannot be read: nothing of it is carried over, the
    log says why in a word (no record), and the backup comes back."""
    path = tmp_path / "profile"
    ws = create(path, PASSPHRASE, user_name="Sam Taylor", kdf=FAST_KDF)
    people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    ws.close()
    summary = backup_profile(path, PASSPHRASE, tmp_path / "out" / "zoe.db")
    data = bytearray((path / "onerecord.db").read_bytes())
    data[len(data) - 3000] ^= 0xFF  # a page of the current database, not its first
    (path / "onerecord.db").write_bytes(bytes(data))
    with caplog.at_level("WARNING", logger="storage.restore"):
        result = restore_profile(path, PASSPHRASE, summary.path)
    assert result.unsent_set_aside == 0
    assert _count(path, Person) == 1
    warned = [r.getMessage() for r in caplog.records if r.name == "storage.restore"]
    assert any("profile being replaced" in m for m in warned), warned
    assert "O'Neill" not in caplog.text and ZOE not in caplog.text


@pytest.mark.slow
def test_a_restored_laptop_syncs_back_without_loss(
    server_process: ServerProcess, enrolled: Enrolled
) -> None:
    nurse_path, worker_path = enrolled("nurse"), enrolled("worker")
    nurse = open_laptop(nurse_path)
    nhs = "9990000050"
    people.register(nurse, people.NewPerson(nhs, "Mary", "Alder", "1941-05-05", "DL8 3AB"))
    add_note(nurse, nhs, "Visit 1.")
    sync(nurse)
    nurse.close()
    backup = backup_profile(nurse_path, PASSPHRASE).path
    nurse = open_laptop(nurse_path)
    for k in range(2, 6):
        add_note(nurse, nhs, f"Visit {k}.")
    people.edit(nurse, nhs, {"preferred_name": "Molly"})
    sync(nurse)  # the server has everything the backup lacks
    nurse.close()
    worker = open_laptop(worker_path)
    sync(worker)
    worker.close()

    restored = restore_profile(nurse_path, PASSPHRASE, backup)
    assert restored.unsent_set_aside == 0
    assert _count(nurse_path, ContactNote) == 1
    nurse = assert_sound(nurse_path)
    sync(nurse)  # re-sends what the copy had not marked sent; fetches its own later changes
    worker = open_laptop(worker_path)
    try:
        assert _count_open(nurse) == 5
        assert shared_state(nurse) == shared_state(worker)
        add_note(nurse, nhs, "After the restore.")
        sync(nurse)
        sync(worker)
        assert shared_state(nurse) == shared_state(worker)
        tally = compare_with_server(nurse, server_process)
        assert (tally.lost, tally.duplicated) == (0, 0), tally
        report = verify_server(server_process.store)
        assert not [p for p in report.problems if p.device_id == nurse.store.device_id]
    finally:
        nurse.close()
        worker.close()
    assert_sound(nurse_path).close()


def _count_open(ws: object) -> int:
    with ws.store.read() as session:  # type: ignore[attr-defined]
        return int(session.execute(select(func.count()).select_from(ContactNote)).scalar_one())


def test_backup_and_restore_commands(tmp_path: Path) -> None:
    path = tmp_path / "profile"
    ws = create(path, PASSPHRASE, user_name="Sam Taylor", kdf=FAST_KDF)
    people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    ws.close()
    out = tmp_path / "zoe-backup.db"
    done = onerecord("backup", "--profile", str(path), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "Backup written and checked" in done.stdout and out.exists()
    done = onerecord("restore", "--profile", str(path), "--from", str(out))
    assert done.returncode == 0, done.stderr
    assert "Restored 1 people" in done.stdout
    wrong = onerecord("restore", "--profile", str(path), "--from", str(tmp_path / "nope.db"))
    assert wrong.returncode == 1
    assert wrong.stderr.count("\n") == 1 and "Traceback" not in wrong.stderr


def test_a_creation_cut_off_before_its_key_vault_does_not_block_the_folder(
    tmp_path: Path,
) -> None:
    """A flat battery between the database and the key vault (the last step) left a
    database nobody can open; the folder must not stay blocked ("already exists")."""
    path = tmp_path / "profile"
    create(path, PASSPHRASE, user_name="Sam Taylor", kdf=FAST_KDF).close()
    (path / "keyvault.json").unlink()  # as if the vault was never written
    stale = _digest(path / "onerecord.db")
    create(path, PASSPHRASE, user_name="Sam Taylor", kdf=FAST_KDF).close()
    kept = list((path / "backups").glob("unfinished-*.db"))
    assert [_digest(k) for k in kept] == [stale]  # moved aside, not deleted
    assert_sound(path).close()
