"""Small helpers shared by the sync suites."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.workspace import Workspace
from storage.codec import row_of
from storage.tables import ContactNote, Goal, Person, SyncConflict
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
