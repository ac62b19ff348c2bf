"""A laptop holds its team's caseload only: people who move team leave it (after
its pending edits reach the server) and arrive, in full, on the new team's laptops."""

from __future__ import annotations

from sqlalchemy import select

from app.services.care.notes import add_note
from app.services.caseload.caseload import fetch
from app.services.record import people
from app.workspace import Workspace
from storage.tables import ChangeRecord, ContactNote, Person, Team
from sync.server import directory
from tests.conftest import ALUN, ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync


def _names(ws: Workspace) -> set[str]:
    return {row.given_name for row in fetch(ws)[1]}


def _move(ws: Workspace, nhs: str, team_name: str) -> None:
    with ws.store.write(ws.actor) as session:
        team = session.execute(select(Team).where(Team.name == team_name)).scalar_one()
        people.find(session, nhs).team_id = team.id


def test_moving_team_evicts_after_pushing_and_backfills_the_new_team(
    server: RunningServer, laptop: Laptop
) -> None:
    directory.add_team(server.store, "Hambleton Locality")
    directory.add_user(server.store, "Bea Khan", "community_nurse", "Hambleton Locality")
    nurse = reopen(laptop("Sam Taylor"))
    social_worker = reopen(laptop("Ceri Jones"))
    other_team = reopen(laptop("Bea Khan"))
    sync(nurse)
    people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    people.register(nurse, people.NewPerson(ALUN, "Alun", "Pritchard", "1951-10-30", "BD23 1JD"))
    add_note(nurse, ZOE, "First visit.")
    for ws in (nurse, social_worker, other_team):
        sync(ws)
    assert _names(social_worker) == {"Zoë", "Alun"}
    assert _names(other_team) == set()

    add_note(social_worker, ZOE, "Written offline before the move was known.")
    # Moving a person between teams is the coordinator's alone.
    directory.add_user(server.store, "Pat Moss", "coordinator", "Craven Locality")
    coordinator = reopen(laptop("Pat Moss"))
    sync(coordinator)
    _move(coordinator, ZOE, "Hambleton Locality")
    assert sync(coordinator).refused == []
    sync(nurse)
    report = sync(social_worker)
    assert report.evicted == 1
    assert _names(social_worker) == {"Alun"}
    with social_worker.store.read() as session:
        assert session.execute(select(ContactNote)).first() is None
        orphans = session.execute(
            select(ChangeRecord).where(ChangeRecord.entity == "contact_note")
        ).first()
        assert orphans is None  # the person's journal went with them

    sync(other_team)
    assert _names(other_team) == {"Zoë"}
    with other_team.store.read() as session:
        notes = sorted(n.narrative for n in session.execute(select(ContactNote)).scalars())
    assert notes == ["First visit.", "Written offline before the move was known."]
    assert _names(nurse) == {"Alun"}

    # And back again: the old team receives the whole record once more.
    directory.add_user(server.store, "Kit Hale", "coordinator", "Hambleton Locality")
    their_coordinator = reopen(laptop("Kit Hale"))
    sync(their_coordinator)
    _move(their_coordinator, ZOE, "Craven Locality")
    assert sync(their_coordinator).refused == []
    sync(social_worker)
    assert _names(social_worker) == {"Zoë", "Alun"}
    with social_worker.store.read() as session:
        assert len(session.execute(select(ContactNote)).scalars().all()) == 2
        assert (
            session.execute(select(Person).where(Person.nhs_number == ZOE)).scalar_one().given_name
            == "Zoë"
        )
    for ws in (nurse, social_worker, other_team, coordinator, their_coordinator):
        ws.close()
