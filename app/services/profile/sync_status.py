"""What the status bar says about sync: changes made here and not yet pushed (a
change the server refused is not waiting: it is counted and shown apart)."""

from __future__ import annotations

from sqlalchemy import func, select

from app.workspace import Workspace
from storage.tables import ChangeRecord


def pending_changes(workspace: Workspace) -> int:
    """Change records written on this laptop that no server has taken or refused yet."""
    with workspace.store.read() as session:
        stmt = (
            select(func.count())
            .select_from(ChangeRecord)
            .where(ChangeRecord.pushed_at.is_(None), ChangeRecord.push_error.is_(None))
        )
        return int(session.execute(stmt).scalar_one())
