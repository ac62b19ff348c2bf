"""SIGKILL the real `onerecord` command inside its write transactions (killing.py:
the command signals each write's start and end; the kills aim at random moments inside
them, and where each landed is read back and printed) while it writes a note, builds a
demo caseload or syncs, many times. At least 80% of the kills must land inside a write.
Afterwards the profile opens, `check` passes (encryption, structure, journal against
tables, audit chain), every write whose commit had returned is there, none that had
not begun is, and after the next sync against the real `onerecord-server` process no
change is lost or duplicated. (Migrations killed mid-way: test_upgrades.py.)

Counts are small by default; a soak run raises them, e.g.
ONERECORD_SOAK_KILLS=200 pytest tests/reliability/test_crash.py"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services import clock
from app.services.record import people
from storage import profile
from storage.bulk import insert_rows
from storage.tables import AuditEvent, ContactNote
from tests.conftest import PASSPHRASE
from tests.reliability.helpers import (
    ServerProcess,
    assert_sound,
    compare_with_server,
    env_int,
    onerecord,
    open_laptop,
    seeded,
)
from tests.reliability.killing import KillLog, calibrate, kill_inside_a_write
from tests.sync.helpers import shared_state, sync

pytestmark = pytest.mark.slow
Enrolled = Callable[[str], Path]
KILLS = env_int("ONERECORD_SOAK_KILLS", 6)


def _notes_saying(path: Path, text: str) -> int:
    ws = open_laptop(path)
    try:
        with ws.store.read() as session:
            return int(
                session.execute(
                    select(func.count()).where(ContactNote.narrative == text)
                ).scalar_one()
            )
    finally:
        ws.close()


def _audit_events(path: Path) -> int:
    """Counted through the storage layer, whose unlock records nothing itself."""
    store = profile.unlock(path, PASSPHRASE)
    try:
        with store.read() as session:
            return int(session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())
    finally:
        store.close()


def _sync_and_compare(path: Path, server: ServerProcess) -> int:
    ws = assert_sound(path)
    try:
        sync(ws)
        tally = compare_with_server(ws, server)
        assert (tally.lost, tally.duplicated) == (0, 0), tally
        return tally.changes
    finally:
        ws.close()


def _bulk_notes(path: Path, person: str, count: int, tag: str) -> None:
    ws = open_laptop(path)
    try:
        now = clock.now()
        with ws.store.write(ws.actor) as session:
            insert_rows(
                session,
                ContactNote,
                [
                    {
                        "id": str(uuid.uuid4()),
                        "person_id": person,
                        "contact_type": "home_visit",
                        "occurred_at": now,
                        "narrative": f"{tag} {n}: walked to the kitchen with the frame.",
                        "linked_goal_ids": "[]",
                        # As app/services/care/notes.py signs a note: the laptop's own user.
                        "author_id": ws.actor.user_id,
                        "author_role": ws.actor.role,
                        "organisation_id": ws.actor.organisation_id,
                    }
                    for n in range(count)
                ],
            )
    finally:
        ws.close()


def test_killed_while_adding_a_note(server_process: ServerProcess, enrolled: Enrolled) -> None:
    rng = seeded("kill note add")
    path = enrolled("nurse")
    ws = open_laptop(path)
    nhs = "9990000034"
    people.register(ws, people.NewPerson(nhs, "Ivy", "Hartley", "1944-02-02", "DL8 3AB"))
    ws.close()
    args = ["note", "add", "--profile", str(path), "--nhs", nhs, "--text"]
    writes = calibrate(*args, "calibration note")
    # `note add` writes three times, each with one audit event: the unlock, the note
    # (second), the lock.
    assert len(writes.lengths) == 3, writes
    log = KillLog()
    checked = 0
    for i in range(KILLS):
        text = f"crash note {i}"
        before = _audit_events(path)
        killed = kill_inside_a_write([*args, text], writes, rng, log)
        events = _audit_events(path) - before
        # Nothing committed is lost, nothing from a write that never began is there.
        assert killed.committed <= events <= killed.began, (killed, events)
        saved = _notes_saying(path, text)
        assert saved <= 1  # never twice
        if killed.finished or killed.committed >= 2:
            assert saved == 1  # the note's commit had returned: it is there
        if killed.began < 2:
            assert saved == 0
        log.outcomes["note kept" if saved else "note never written"] += 1
        checked = _sync_and_compare(path, server_process)
    print(log.line("note add"), f"; {checked} changes checked against the server")
    log.assert_inside(0.8)


def test_killed_while_syncing(server_process: ServerProcess, enrolled: Enrolled) -> None:
    """Kills land mid-push on the writer and mid-pull (pages, apply) on the reader."""
    rng = seeded("kill sync")
    writer, reader = enrolled("writer"), enrolled("reader")
    nhs = "9990000042"
    ws = open_laptop(writer)
    person = people.register(ws, people.NewPerson(nhs, "Jack", "Dent", "1939-07-19", "BD23 1JD"))
    ws.close()
    # Each laptop's first sync writes more than any later one (the directory, the
    # person): calibrated on it, a kill aimed at one of its last writes never came in
    # the shorter syncs below, and sometimes no run of four was killed at all.
    for laptop in (writer, reader):
        assert onerecord("sync", "--profile", str(laptop)).returncode == 0
    _bulk_notes(writer, person, 2000, "calibration")
    pushing = calibrate("sync", "--profile", str(writer))
    pulling = calibrate("sync", "--profile", str(reader))
    log = KillLog()
    for i in range(max(2, KILLS // 3)):
        _bulk_notes(writer, person, 2000, f"round {i}")
        for laptop, writes in ((writer, pushing), (reader, pulling)):
            kill_inside_a_write(["sync", "--profile", str(laptop)], writes, rng, log)
            assert_sound(laptop).close()
    changes = _sync_and_compare(writer, server_process)
    _sync_and_compare(reader, server_process)
    w, r = open_laptop(writer), open_laptop(reader)
    try:
        assert shared_state(w) == shared_state(r)
    finally:
        w.close()
        r.close()
    print(
        log.line("sync"),
        f"; {len(pushing.lengths)} writes pushing, {len(pulling.lengths)} pulling "
        f"(calibration); {changes} of the writer's changes checked against the server",
    )
    log.assert_inside(0.8)


def test_killed_while_building_a_demo(tmp_path: Path) -> None:
    rng = seeded("kill demo")
    args = ["demo", "--people", "40", "--profile"]
    writes = calibrate(*args, str(tmp_path / "calibration"))
    log = KillLog()
    for i in range(max(2, KILLS // 2)):
        folder = tmp_path / f"demo-{i}"
        kill_inside_a_write([*args, str(folder)], writes, rng, log)
        if not profile.exists(folder):
            # Cut off before the profile existed: the folder is not blocked.
            log.outcomes["no profile yet"] += 1
            again = onerecord(*args, str(folder))
            assert again.returncode == 0, again.stderr
        else:
            log.outcomes["profile made"] += 1
        assert_sound(folder).close()
    print(log.line("demo"))
    log.assert_inside(0.8)
