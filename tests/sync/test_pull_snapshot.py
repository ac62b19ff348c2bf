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
from typing import Any

import pytest
from sqlalchemy import select, update

from app.services.care.notes import add_note
from storage.tables import ContactNote, KeptAside, Person
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

    def moved_back_to_craven_mid_pull(conn: Any) -> int:
        # Between the pull's first reads and its stream: another process commits the
        # move as soon as the database lets it (at once, unless the pull holds a lock
        # it must wait for; then after the pull).
        if not mover:
            mover.append(threading.Thread(target=move, args=(craven,)))
            mover[0].start()
            mover[0].join(timeout=1)
        return head(conn)

    monkeypatch.setattr(pull, "_head", moved_back_to_craven_mid_pull)
    try:
        sync(social_worker)
    finally:
        monkeypatch.setattr(pull, "_head", head)
    assert mover, "the pull reached its stream"
    mover[0].join()
    # Whatever that pull sent of Zoë, it sent her whole (her record with it) or not at
    # all: never a note with no record, which nothing would ever take away again.
    assert _held_of(social_worker, zoe_id) in ([], ["person", "notes"])
    # She goes back to Hambleton before the laptop's next sync: nothing of hers stays.
    move(hambleton)
    elsewhere.close()
    sync(social_worker)
    sync(social_worker)
    assert _held_of(social_worker, zoe_id) == []
