"""Small helpers shared by the sync suites."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.workspace import Workspace
from storage.codec import row_of
from storage.tables import ContactNote, Goal, Person, SyncConflict, Team
from sync.client.session import SyncReport, SyncSession


def sync(ws: Workspace, **kwargs: Any) -> SyncReport:
    session = SyncSession(ws, **kwargs)
    try:
        return session.run()
    finally:
        session.close()


def shared_state(ws: Workspace) -> dict[str, list[Any]]:
    """Everything that must be identical on every laptop once all have synced."""
    with ws.store.read() as session:
        state: dict[str, list[Any]] = {}
        for table in (Person, ContactNote, Goal):
            rows = session.execute(select(table).order_by(table.id)).scalars()
            state[table.__tablename__] = [row_of(r) for r in rows]
        state["conflicts"] = [
            (c.entity, c.entity_id, c.field, c.heads)
            for c in session.execute(
                select(SyncConflict).order_by(SyncConflict.entity_id, SyncConflict.field)
            ).scalars()
        ]
    return state


def moved_by_the_coordinator(
    server: Any, laptop: Any, nhs: str, team: str, coordinator: Workspace | None = None
) -> Workspace:
    """The Craven team's coordinator (added now, on a laptop of their own, unless given)
    moves someone to `team`, a team the server already has: they leave Craven's
    caseload (or, moved to "Craven Locality", come back to it). Returns the laptop."""
    from app.services.record import people
    from sync.server import directory
    from tests.sync.conftest import reopen

    if coordinator is None:
        directory.add_user(server.store, "Pat Moss", "coordinator", "Craven Locality")
        coordinator = reopen(laptop("Pat Moss"))
    sync(coordinator)
    with coordinator.store.write(coordinator.actor) as session:
        moved_to = session.execute(select(Team).where(Team.name == team)).scalar_one()
        people.find(session, nhs).team_id = moved_to.id
    assert sync(coordinator).refused == []
    return coordinator


def zoe_and_alun_held(laptop: Any) -> tuple[Workspace, Workspace]:
    """Craven's nurse registers Zoë and Alun; the nurse's and the social worker's laptops
    have synced and hold both. Returns (nurse, social worker)."""
    from app.services.record import people
    from tests.conftest import ALUN, ZOE
    from tests.sync.conftest import reopen

    nurse = reopen(laptop("Sam Taylor"))
    social_worker = reopen(laptop("Ceri Jones"))
    people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    people.register(nurse, people.NewPerson(ALUN, "Alun", "Pritchard", "1951-10-30", "BD23 1JD"))
    sync(nurse)
    sync(social_worker)
    return nurse, social_worker


def caseload_names(ws: Workspace) -> set[str]:
    """The given names on the laptop's caseload."""
    from app.services.caseload.caseload import fetch

    return {row.given_name for row in fetch(ws)[1]}
