"""What sync could not do, as the user is shown it: changes made here that the server
refused (each keeps the server's plain reason and stays on this laptop), and changes
pulled from the server that this laptop kept aside (sync.client.kept_aside).

Each line names the kind of record and the field, when, and the reason; never a
value, so nothing is shown that the record itself would not show its user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from app.workspace import Workspace
from storage.tables import ChangeRecord, KeptAside

LIMIT = 500


@dataclass(frozen=True)
class SyncProblem:
    refused: bool  # True: refused by the server; False: kept aside on this laptop
    record: str  # the kind of record, in words ("contact note")
    field: str | None  # the field, in words, for a change to one field
    at: datetime  # when the change was made (refused) or kept aside
    reason: str


@dataclass(frozen=True)
class ProblemCounts:
    refused: int
    kept_aside: int


def counts(conn: Connection) -> ProblemCounts:
    # A refused change is never marked pushed: the unpushed index finds it, rather than
    # a scan of the whole journal at every status read.
    refused = conn.execute(
        select(func.count())
        .select_from(ChangeRecord)
        .where(ChangeRecord.pushed_at.is_(None), ChangeRecord.push_error.is_not(None))
    ).scalar_one()
    kept = conn.execute(select(func.count()).select_from(KeptAside)).scalar_one()
    return ProblemCounts(refused=int(refused), kept_aside=int(kept))


def list_problems(workspace: Workspace, limit: int = LIMIT) -> list[SyncProblem]:
    """Refused changes first, then kept-aside ones, newest first within each."""
    with workspace.store.read() as session:
        refused = session.execute(
            select(
                ChangeRecord.entity,
                ChangeRecord.field,
                ChangeRecord.recorded_at,
                ChangeRecord.push_error,
            )
            .where(ChangeRecord.pushed_at.is_(None), ChangeRecord.push_error.is_not(None))
            .order_by(ChangeRecord.seq.desc())
            .limit(limit)
        ).all()
        kept = session.execute(
            select(KeptAside.entity, KeptAside.field, KeptAside.kept_at, KeptAside.reason)
            .order_by(KeptAside.kept_at.desc(), KeptAside.change_id)
            .limit(limit)
        ).all()
    return [
        SyncProblem(True, words(entity), words(field) if field else None, at, str(reason))
        for entity, field, at, reason in refused
    ] + [
        SyncProblem(False, words(entity), words(field) if field else None, at, str(reason))
        for entity, field, at, reason in kept
    ]


def words(name: str) -> str:
    """A table or field name as words: contact_note -> "contact note"."""
    return name.replace("_", " ")
