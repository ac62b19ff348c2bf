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
