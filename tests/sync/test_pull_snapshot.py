"""A pull reads its laptop's caseload and the stream from one snapshot.

On PostgreSQL each statement of a transaction at READ COMMITTED sees the latest
commit. A pull works out whom the laptop may hold (its settled state, whom to send
whole) and then streams new changes filtered by the caseload as it is *then*:
someone moved onto the team in between had their new changes streamed with no
record that the laptop was sent them. Moved off again before the laptop's next
pull, they were never named for removal, and what it had been sent stayed on the
laptop for good. SQLite's driver starts a transaction only at the first write, so
a quiet pull's reads (which write nothing) each saw the latest commit there too:
another process (an administrator's command) moving someone between the pull's
scope token and its stream did the same. A pull now reads from one snapshot:
REPEATABLE READ on PostgreSQL, BEGIN IMMEDIATE on SQLite.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import select, text, update

from app.services.care.notes import add_note
from app.services.record import people
from storage.tables import ContactNote, KeptAside, Person
from sync.client import settings as sync_settings
from sync.server import directory
from sync.server import schema as s
from sync.server.store import ServerStore
from tests.conftest import ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import moved_by_the_coordinator, sync, zoe_and_alun_held


def _held_of(ws: Any, person_id: str) -> list[str]:
    """What the laptop holds of this person: their record, notes, changes kept aside."""
    with ws.store.read() as session:
        found = []
        if session.get(Person, person_id) is not None:
            found.append("person")
        notes = select(ContactNote.id).where(ContactNote.person_id == person_id)
        if session.execute(notes).first():
            found.append("notes")
        kept = select(KeptAside.change).where(KeptAside.person_id == person_id)
        kept_any = select(KeptAside.change)
        if session.execute(kept).first() or any(
            person_id in text for text in session.execute(kept_any).scalars()
        ):
            found.append("kept aside")
        return found


def test_someone_moved_onto_the_team_during_a_pull_comes_whole_or_not_at_all(
    server: RunningServer, laptop: Laptop, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sync.server import pull

    directory.add_team(server.store, "Hambleton Locality")
    hambleton = directory.team_id_by_name(server.store, "Hambleton Locality")
    craven = directory.team_id_by_name(server.store, "Craven Locality")
    _, social_worker = zoe_and_alun_held(laptop)
    # Zoë moves to Hambleton: Craven's social worker's laptop lets her record go.
    moved_by_the_coordinator(server, laptop, ZOE, "Hambleton Locality")
    assert sync(social_worker).evicted == 1
    sync(social_worker)  # settled: its next pulls are quiet until the caseload moves
    with server.store.engine.connect() as conn:
        zoe_id = conn.execute(
            select(s.person_team.c.person_id).where(s.person_team.c.team_id == hambleton)
        ).scalar_one()
    assert _held_of(social_worker, zoe_id) == []
    # Hambleton's nurse writes visit notes for her.
    directory.add_user(server.store, "Hana Begum", "community_nurse", "Hambleton Locality")
    hana = reopen(laptop("Hana Begum"))
    sync(hana)
    add_note(hana, ZOE, "Seen at home by Hambleton; all well.")
    assert sync(hana).pushed >= 1
    sync(social_worker)  # settled again: its next pull is quiet
    add_note(hana, ZOE, "Seen again by Hambleton: a change past the laptop's cursor.")
    assert sync(hana).pushed >= 1

    url = server.store.engine.url.render_as_string(hide_password=False)
    elsewhere = ServerStore(url)

    def move(team_id: str) -> None:
        # As an administrator's command in another process would: straight to the table.
        with elsewhere.engine.begin() as conn:
            conn.execute(
                update(s.person_team)
                .where(s.person_team.c.person_id == zoe_id)
                .values(team_id=team_id)
            )

    head = pull._head
    mover: list[threading.Thread] = []
    moved_in_time: list[bool] = []
    failed: list[BaseException] = []
    postgres = server.store.engine.dialect.name == "postgresql"

    def move_back_to_craven() -> None:
        try:
            move(craven)
        except BaseException as exc:  # reported by the assertion below
            failed.append(exc)

    def moved_back_to_craven_mid_pull(conn: Any) -> int:
        # Between the pull's first reads and its stream: another process commits the
        # move as soon as the database lets it (at once on PostgreSQL; on SQLite the
        # pull holds the write lock, and the move waits for the pull to end).
        if not mover:
            mover.append(threading.Thread(target=move_back_to_craven))
            mover[0].start()
            mover[0].join(timeout=10 if postgres else 0.5)
            moved_in_time.append(not mover[0].is_alive())
        return head(conn)

    monkeypatch.setattr(pull, "_head", moved_back_to_craven_mid_pull)
    try:
        sync(social_worker)
    finally:
        monkeypatch.setattr(pull, "_head", head)
    assert mover, "the pull reached its stream"
    mover[0].join()
    assert failed == []
    # On PostgreSQL the move committed while the pull was answered (the race itself).
    assert moved_in_time == [postgres]
    with server.store.engine.connect() as conn:
        team = conn.execute(
            select(s.person_team.c.team_id).where(s.person_team.c.person_id == zoe_id)
        ).scalar_one()
    assert team == craven
    # Whatever that pull sent of Zoë, it sent her whole (her record with it) or not at
    # all: never a note with no record, which nothing would ever take away again.
    assert _held_of(social_worker, zoe_id) in ([], ["person", "notes"])
    # She goes back to Hambleton before the laptop's next sync: nothing of hers stays.
    move(hambleton)
    elsewhere.close()
    sync(social_worker)
    sync(social_worker)
    assert _held_of(social_worker, zoe_id) == []


def _overlapping_pulls(
    server: RunningServer, laptop: Laptop, monkeypatch: pytest.MonkeyPatch, *, same_laptop: bool
) -> tuple[list[str], list[int]]:
    """Two pulls that each send Zoë whole (each writes device_people), the first held
    after its snapshot until the second has committed: the devices pulled for, and how
    many times each pull worked out its backfill (twice: it met the other's write and
    was worked out again)."""
    from sync.server import pull

    social_worker = reopen(laptop("Ceri Jones"))
    therapist = reopen(laptop("Ola Nowak"))
    nurse = reopen(laptop("Sam Taylor"))
    for ws in (social_worker, therapist, nurse):
        sync(ws)
    people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    sync(nurse)
    # Zoë is now to be sent whole: as a pull answered, and a retry of it by the same
    # laptop that gave up waiting, or two laptops at once.
    laptops = (social_worker, social_worker if same_laptop else therapist)
    devices = [server.store.device(ws.store.device_id) for ws in laptops]
    cursors = []
    for ws in laptops:
        with ws.store.read() as session:
            cursors.append(sync_settings.cursor(session))

    backfill = pull._backfill
    first: list[int] = []
    calls: list[int] = []
    other_committed = threading.Event()

    def the_first_waits_for_the_other(conn: Any, *args: Any) -> Any:
        # The first pull to reach its backfill has its snapshot: it waits there until
        # the other has written and committed.
        calls.append(threading.get_ident())
        if not first:
            first.append(threading.get_ident())
            other_committed.wait(timeout=10)
        return backfill(conn, *args)

    monkeypatch.setattr(pull, "_backfill", the_first_waits_for_the_other)
    pages: dict[int, Any] = {}
    failed: dict[int, BaseException] = {}
    idents: dict[int, int] = {}

    def pull_for(i: int) -> None:
        idents[i] = threading.get_ident()
        try:
            pages[i] = server.store.pull(devices[i], cursors[i], 1000)
        except BaseException as exc:  # reported by the assertion below
            failed[i] = exc
        finally:
            if first and threading.get_ident() != first[0]:
                other_committed.set()

    threads = [threading.Thread(target=pull_for, args=(i,)) for i in (0, 1)]
    threads[0].start()
    for _ in range(1000):
        if first:
            break
        time.sleep(0.01)
    assert first, "the first pull reached its backfill"
    threads[1].start()
    for thread in threads:
        thread.join(timeout=30)
    assert failed == {}
    assert sorted(pages) == [0, 1]
    with server.store.engine.connect() as conn:
        held = conn.execute(
            select(s.device_people.c.device_id).where(
                s.device_people.c.device_id.in_([d["device_id"] for d in devices])
            )
        ).scalars()
        holding = sorted(held)
    return holding, [calls.count(idents[i]) for i in (0, 1)]


def test_two_laptops_sent_someone_at_the_same_moment_do_not_collide(
    server: RunningServer, laptop: Laptop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: every write to device_people moved the one scope token, so two
    laptops' pulls that each sent someone whole collided on its row; at REPEATABLE
    READ the later one to write failed ("could not serialize access"), and twenty
    laptops syncing together met it again and again. A pull's own writes leave the
    token alone now (scope_version.in_a_pull). (SQLite: one write at a time.)"""
    if server.store.engine.dialect.name == "sqlite":
        pytest.skip("SQLite takes one write at a time: two pulls never overlap")
    holding, backfills = _overlapping_pulls(server, laptop, monkeypatch, same_laptop=False)
    assert len(holding) == 2  # each laptop holds Zoë
    assert backfills == [1, 1]  # neither was worked out again


def test_a_laptops_pull_and_its_retry_at_the_same_moment_both_get_an_answer(
    server: RunningServer, laptop: Laptop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: a pull the laptop gave up waiting for, still running when its retry
    arrives, writes the same rows as the retry (the laptop's generation, whom it
    sent): the later to write fails at REPEATABLE READ. It is worked out again on a
    newer snapshot, not answered with an error. (SQLite: one write at a time.)"""
    if server.store.engine.dialect.name == "sqlite":
        pytest.skip("SQLite takes one write at a time: two pulls never overlap")
    holding, backfills = _overlapping_pulls(server, laptop, monkeypatch, same_laptop=True)
    assert len(holding) == 1
    assert backfills == [2, 1]  # the first met the retry's write and was worked out again


def test_a_server_opened_after_an_upgrade_makes_the_token_know_a_pull(
    server: RunningServer,
) -> None:
    """The trigger function of a server from before this change moved the token at
    every pull that sent anyone; a server opening the database replaces it."""
    if server.store.engine.dialect.name == "sqlite":
        pytest.skip("SQLite's triggers move the token at every write: one write at a time")
    source = text(
        "SELECT prosrc FROM pg_proc WHERE proname = 'onerecord_scope_moved' "
        "AND pronamespace = current_schema()::regnamespace"
    )
    with server.store.engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE OR REPLACE FUNCTION onerecord_scope_moved() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN UPDATE scope_version SET token = md5(random()::text) "
            "WHERE id = 1; RETURN NULL; END $$"
        )
        assert "in_pull" not in conn.execute(source).scalar_one()
    url = server.store.engine.url.render_as_string(hide_password=False)
    opened = ServerStore(url)
    try:
        with opened.engine.connect() as conn:
            assert "onerecord.in_pull" in conn.execute(source).scalar_one()
    finally:
        opened.close()
