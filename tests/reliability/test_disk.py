"""A full disk and a read-only profile folder, for real: the profile lives on a small
tmpfs that is filled to the last byte, then remounted read-only. Each gives one
plain line (no traceback), nothing is corrupted, and work resumes once space or
write access returns. Needs root to mount; skipped otherwise."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.errors import DiskFullError, OneRecordError, ProfileNotWritableError
from app.services import clock
from app.services.care.notes import add_note
from app.services.profile.backup import backup_profile
from app.services.record import people
from app.workspace import create
from storage.bulk import insert_rows
from storage.tables import ContactNote
from tests.conftest import FAST_KDF, PASSPHRASE, ZOE
from tests.reliability.helpers import assert_sound, onerecord, open_laptop

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")


def _mount(point: Path, *options: str) -> None:
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(point)], check=True
    )


def _remount(point: Path, option: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{option}", str(point)], check=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    point = tmp_path / "disk"
    point.mkdir()
    try:
        _mount(point, "size=6m", "mode=0700")
    except (subprocess.CalledProcessError, FileNotFoundError):
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def _fill(disk: Path) -> Path:
    """Take every free byte (what a download or a video would do)."""
    filler = disk / "filler.bin"
    fd = os.open(filler, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        for size in (65536, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


def _notes(path: Path) -> int:
    ws = open_laptop(path)
    try:
        with ws.store.read() as session:
            return int(session.execute(select(func.count()).select_from(ContactNote)).scalar_one())
    finally:
        ws.close()


def _one_plain_line(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode != 0
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert any(w in done.stderr for w in words), done.stderr


def test_a_full_disk_says_so_corrupts_nothing_and_work_resumes(small_disk: Path) -> None:
    path = small_disk / "profile"
    ws = create(path, PASSPHRASE, user_name="Sam Taylor", kdf=FAST_KDF)
    person = people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    add_note(ws, ZOE, "Before the disk filled.")
    filler = _fill(small_disk)
    # A big batch cannot fit: refused whole, with the plain message.
    with pytest.raises(DiskFullError, match="disk is full"), ws.store.write(ws.actor) as session:
        insert_rows(
            session,
            ContactNote,
            [
                {
                    "id": str(uuid.uuid4()),
                    "person_id": person,
                    "contact_type": "home_visit",
                    "occurred_at": clock.now(),
                    "narrative": "x" * 2000,
                    "linked_goal_ids": "[]",
                }
                for _ in range(2000)
            ],
        )
    ws.close()  # the lock's own audit event may not fit either: it still locks
    done = onerecord("note", "add", "--profile", str(path), "--nhs", ZOE, "--text", "y" * 19_000)
    _one_plain_line(done, "disk is full", "Free some space")
    with pytest.raises(DiskFullError):
        backup_profile(path, PASSPHRASE)
    assert not [p for p in small_disk.rglob("*partial*")]  # no half-written backup left
    filler.unlink()  # space returns
    assert_sound(path).close()
    assert _notes(path) == 1  # nothing half-written, nothing lost
    add_note_done = onerecord(
        "note", "add", "--profile", str(path), "--nhs", ZOE, "--text", "After."
    )
    assert add_note_done.returncode == 0, add_note_done.stderr
    assert _notes(path) == 2
    assert_sound(path).close()


def test_a_read_only_folder_says_so_and_work_resumes(small_disk: Path) -> None:
    path = small_disk / "profile"
    ws = create(path, PASSPHRASE, user_name="Sam Taylor", kdf=FAST_KDF)
    people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    ws.close()
    _remount(small_disk, "ro")
    try:
        for args in (
            ("note", "add", "--profile", str(path), "--nhs", ZOE, "--text", "Read-only."),
            ("list", "--profile", str(path)),
            ("backup", "--profile", str(path)),
        ):
            done = onerecord(*args)
            _one_plain_line(done, "read-only", "Read-only")
        with pytest.raises((ProfileNotWritableError, OneRecordError)):
            open_laptop(path)
    finally:
        _remount(small_disk, "rw")
    assert_sound(path).close()
    done = onerecord(
        "note", "add", "--profile", str(path), "--nhs", ZOE, "--text", "Writable again."
    )
    assert done.returncode == 0, done.stderr
    assert _notes(path) == 1
