"""Field heads and open conflicts, read from the change journal (see storage.merge)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, exists, insert, select
from sqlalchemy.orm import Session

from storage.merge import EntityState, fold
from storage.tables import ChangeRecord, SyncConflict

# What fold() reads of each of a record's changes (author and organisation: for the
# conflicts it keeps): entity_rows, replay and consistency read these.
FOLDED = (
    ChangeRecord.change_id,
    ChangeRecord.hlc,
    ChangeRecord.device_id,
    ChangeRecord.op,
    ChangeRecord.field,
    ChangeRecord.value,
    ChangeRecord.bases,
    ChangeRecord.author_id,
    ChangeRecord.organisation_id,
)


def entity_rows(conn: Connection | Session, entity: str, entity_id: str) -> list[dict[str, Any]]:
    stmt = select(*FOLDED).where(ChangeRecord.entity == entity, ChangeRecord.entity_id == entity_id)
    return [dict(row._mapping) for row in conn.execute(stmt)]


def entity_state(conn: Connection | Session, entity: str, entity_id: str) -> EntityState:
    return fold(entity_rows(conn, entity, entity_id))


def field_heads(session: Session, entity: str, entity_id: str) -> dict[str, list[str]]:
    """field -> its head change ids, winner first."""
    state = entity_state(session, entity, entity_id)
    return {name: [v.change_id for v in versions] for name, versions in state.heads.items()}


def entity_has_conflict(session: Session, entity: str, entity_id: str) -> bool:
    stmt = select(
        exists().where(SyncConflict.entity == entity, SyncConflict.entity_id == entity_id)
    )
    return bool(session.execute(stmt).scalar())


def refresh_conflicts(
    conn: Connection, entity: str, entity_id: str, now: datetime, state: EntityState | None = None
) -> int:
    """Rewrite the open conflicts of one entity from its journal; returns how many are open."""
    state = state or entity_state(conn, entity, entity_id)
    conn.execute(
        delete(SyncConflict).where(
            SyncConflict.entity == entity, SyncConflict.entity_id == entity_id
        )
    )
    if state.deleted or not state.conflicts:
        return 0
    person_id = entity_id if entity == "person" else state.values.get("person_id")
    conn.execute(
        insert(SyncConflict),
        [
            {
                "entity": entity,
                "entity_id": entity_id,
                "field": name,
                "person_id": person_id,
                "heads": json.dumps(
                    [
                        {
                            "change_id": v.change_id,
                            "hlc": v.hlc,
                            "device_id": v.device_id,
                            "value": v.value,
                            "author_id": v.author_id,
                            "organisation_id": v.organisation_id,
                        }
                        for v in versions
                    ]
                ),
                "detected_at": now,
            }
            for name, versions in sorted(state.conflicts.items())
        ],
    )
    return len(state.conflicts)
