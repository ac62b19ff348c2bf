"""What a tampered laptop sends: changes written straight into its own journal,
past every rule of the app, then pushed by the ordinary sync.

That is what a stolen unlocked laptop, malware with the open profile or a
curious insider with a debugger can do: the change is signed by the laptop's
own key like any other, so only the server's own checks stand in the way.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert, select

from app.workspace import Workspace
from storage.codec import journalled_columns
from storage.journal import change_record, context_of
from storage.tables import ChangeRecord, journalled_tables
from storage.tables.base import utcnow

TABLES = journalled_tables()


def row(ws: Workspace, entity: str, **values: Any) -> dict[str, Any]:
    """A whole row of `entity` with this laptop's own provenance, as its journal would."""
    actor = ws.actor
    found: dict[str, Any] = dict.fromkeys(journalled_columns(TABLES[entity]))
    found.update(
        id=str(uuid.uuid4()),
        recorded_at=utcnow().isoformat(),
        recorded_by=actor.user_id,
        recorded_org=actor.organisation_id,
        recorded_device=actor.device_id,
    )
    found.update(values)
    return found


def note(ws: Workspace, person_id: str, text: str, **values: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "person_id": person_id,
        "contact_type": "home_visit",
        "occurred_at": utcnow().isoformat(),
        "narrative": text,
        "author_id": ws.actor.user_id,
        "author_role": ws.actor.role,
        "organisation_id": ws.actor.organisation_id,
        "linked_goal_ids": "[]",
        "sensitive": False,
    }
    return row(ws, "contact_note", **{**fields, **values})


def smuggle(
    ws: Workspace,
    entity: str,
    entity_id: str,
    op: str,
    value: Any,
    *,
    field: str | None = None,
    **provenance: Any,
) -> str:
    """Write one change into the laptop's journal without touching its tables or its
    write policy; `provenance` overrides the change's own (author_id, device_id...).
    Returns the change id."""
    with ws.store.write(ws.actor) as session:
        record = change_record(context_of(session), entity, entity_id, op, field, value)
        record.update(provenance)
        session.connection().execute(insert(ChangeRecord), [record])
    return str(record["change_id"])


def push_error(ws: Workspace, change_id: str) -> str | None:
    """The server's reason kept beside the change on the laptop (None: taken or unsent)."""
    with ws.store.read() as session:
        return session.execute(
            select(ChangeRecord.push_error).where(ChangeRecord.change_id == change_id)
        ).scalar_one()
