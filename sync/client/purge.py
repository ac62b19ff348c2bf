"""Remove people who have left this laptop's caseload, after their changes reached the server.

Audit events about them go too, but never before the server has acknowledged
them (a person with any unpushed change, audit events included, is kept back),
and their places in this laptop's hash chain are kept (storage.audit_anchor) so
`onerecord audit verify` still passes without them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, or_, select

from storage.audit_pruned import record_pruned
from storage.tables import (
    AuditEvent,
    CaseloadSummary,
    ChangeRecord,
    Draft,
    KeptAside,
    Person,
    SyncConflict,
    journalled_tables,
)

_OWNED = {name: cls for name, cls in journalled_tables().items() if "person_id" in cls.__table__.c}


def unpushed_for(conn: Connection, person_id: str) -> int:
    """Changes to this person's record that the server has not yet accepted."""
    ids = _record_ids(conn, person_id)
    total = 0
    for entity, entity_ids in ids.items():
        total += conn.execute(
            select(func.count()).where(
                ChangeRecord.entity == entity,
                ChangeRecord.entity_id.in_(entity_ids),
                ChangeRecord.pushed_at.is_(None),
            )
        ).scalar_one()
    return total


def _record_ids(conn: Connection, person_id: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"person": [person_id]}
    for name, cls in _OWNED.items():
        table: Any = cls.__table__
        found[name] = list(
            conn.execute(select(table.c.id).where(table.c.person_id == person_id)).scalars()
        )
    return found


def purge_people(conn: Connection, people: Sequence[str]) -> int:
    """Delete every trace of these people from the store (not journalled: this is
    housekeeping, not a change to their record). Returns how many were removed."""
    conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    removed = 0
    for person_id in people:
        if unpushed_for(conn, person_id):
            continue  # the server has not got all of it yet: kept, to be pushed first
        ids = _record_ids(conn, person_id)
        _keep_chain_places(conn, person_id)
        for entity, entity_ids in ids.items():
            for start in range(0, len(entity_ids), 500):
                chunk = entity_ids[start : start + 500]
                conn.execute(
                    delete(ChangeRecord).where(
                        ChangeRecord.entity == entity, ChangeRecord.entity_id.in_(chunk)
                    )
                )
        for cls in _OWNED.values():
            table: Any = cls.__table__
            conn.execute(delete(table).where(table.c.person_id == person_id))
        conn.execute(
            delete(SyncConflict).where(
                or_(SyncConflict.person_id == person_id, SyncConflict.entity_id == person_id)
            )
        )
        conn.execute(delete(Draft).where(Draft.person_id == person_id))
        # Pulled changes about them that could not be applied leave with them too.
        conn.execute(delete(KeptAside).where(KeptAside.person_id == person_id))
        conn.execute(delete(CaseloadSummary).where(CaseloadSummary.person_id == person_id))
        removed += conn.execute(delete(Person).where(Person.id == person_id)).rowcount
    return removed


def _keep_chain_places(conn: Connection, person_id: str) -> None:
    """Where this laptop's events about the person sat in its chain (seq -> hash)."""
    rows = conn.execute(
        select(AuditEvent.device_id, AuditEvent.device_seq, AuditEvent.hash).where(
            AuditEvent.person_id == person_id
        )
    ).all()
    by_device: dict[str, dict[int, str]] = {}
    for device_id, seq, digest in rows:
        by_device.setdefault(device_id, {})[int(seq)] = digest
    for device_id, links in by_device.items():
        record_pruned(conn, device_id, links)
