"""SIGKILL the real `onerecord` command at random moments while it writes a note,
builds a demo caseload or syncs, many times: afterwards the profile opens, `check`
passes (encryption, structure, journal against tables, audit chain), and after the
next sync against the real `onerecord-server` process no change is lost or duplicated.
(Migrations killed mid-way: test_upgrades.py.)

Counts are small by default; a soak run raises them, e.g.
ONERECORD_SOAK_KILLS=200 pytest tests/reliability/test_crash.py"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services import clock, people
from storage import profile
from storage.bulk import insert_rows
from storage.tables import ContactNote
from tests.reliability.helpers import (
    ServerProcess,
    assert_sound,
    compare_with_server,
    env_int,
    onerecord,
    open_laptop,
    seeded,
)
from tests.reliability.killing import KillLog, kill_time, run_and_kill, timed_run
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
    typical = timed_run(*args, "calibration note")
    log = KillLog()
    checked = 0
    for i in range(KILLS):
        text = f"crash note {i}"
        finished = run_and_kill([*args, text], kill_time(rng, typical), log)
        saved = _notes_saying(path, text)
        assert saved <= 1  # never twice
        if finished is not None:
            assert saved == 1  # a note the command said it saved is there
        log.outcomes["note kept" if saved else "note never written"] += 1
        checked = _sync_and_compare(path, server_process)
    print(log.line("note add"), f"; {checked} changes checked against the server")


def test_killed_while_syncing(server_process: ServerProcess, enrolled: Enrolled) -> None:
    """Kills land mid-push on the writer and mid-pull (pages, apply) on the reader."""
    rng = seeded("kill sync")
    writer, reader = enrolled("writer"), enrolled("reader")
    nhs = "9990000042"
    ws = open_laptop(writer)
    person = people.register(ws, people.NewPerson(nhs, "Jack", "Dent", "1939-07-19", "BD23 1JD"))
    ws.close()
    _bulk_notes(writer, person, 2000, "calibration")
    typical = timed_run("sync", "--profile", str(writer))
    log = KillLog()
    for i in range(max(2, KILLS // 3)):
        _bulk_notes(writer, person, 2000, f"round {i}")
        for laptop in (writer, reader):
            run_and_kill(["sync", "--profile", str(laptop)], kill_time(rng, typical), log)
            assert_sound(laptop).close()
    changes = _sync_and_compare(writer, server_process)
    _sync_and_compare(reader, server_process)
    w, r = open_laptop(writer), open_laptop(reader)
    try:
        assert shared_state(w) == shared_state(r)
    finally:
        w.close()
        r.close()
    print(log.line("sync"), f"; {changes} of the writer's changes checked against the server")


def test_killed_while_building_a_demo(tmp_path: Path) -> None:
    rng = seeded("kill demo")
    args = ["demo", "--people", "40", "--profile"]
    typical = timed_run(*args, str(tmp_path / "calibration"))
    log = KillLog()
    for i in range(max(2, KILLS // 2)):
        folder = tmp_path / f"demo-{i}"
        run_and_kill([*args, str(folder)], kill_time(rng, typical), log)
        if not profile.exists(folder):
            # Cut off before the profile existed: the folder is not blocked.
            log.outcomes["no profile yet"] += 1
            again = onerecord(*args, str(folder))
            assert again.returncode == 0, again.stderr
        else:
            log.outcomes["profile made"] += 1
        assert_sound(folder).close()
    print(log.line("demo"))
