"""Apply pulled changes to the laptop's store: journal them, then rebuild each
touched record from its whole journal (storage.merge), so the result does not
depend on the order changes arrived in, and re-applying a page changes nothing."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy import inspect as sa_inspect

from storage.codec import decode_row, journalled_columns
from storage.conflicts import refresh_conflicts
from storage.merge import EntityState, fold
from storage.rawwrite import insert_many, stored_utc
from storage.summary_bulk import insert_many_summarised
from storage.tables import ChangeRecord, SyncConflict, journalled_tables
from storage.tables.base import Base
from storage.withheld import loads_shown_row
from sync.protocol import Change

_TABLES = journalled_tables()
_CHUNK = 500
_JOURNAL_COLUMNS = (
    ChangeRecord.entity_id,
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


@dataclass
class Applied:
    new_changes: int = 0
    duplicates: int = 0
    records_written: int = 0
    records_removed: int = 0


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def apply_changes(conn: Connection, changes: Sequence[Change], now: datetime) -> Applied:
    result = Applied()
    # Parents and children may arrive in one page in either order.
    conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    held: set[str] = set()
    for chunk in _chunks([c.change_id for c in changes]):
        held.update(
            conn.execute(
                select(ChangeRecord.change_id).where(ChangeRecord.change_id.in_(chunk))
            ).scalars()
        )
    fresh: list[Change] = []
    for change in changes:
        if change.change_id in held or change.entity not in _TABLES:
            result.duplicates += change.change_id in held
            continue
        held.add(change.change_id)
        fresh.append(change)
    result.new_changes = len(fresh)
    if not fresh:
        return result
    pushed_at = stored_utc(now)
    insert_many(
        conn,
        ChangeRecord.__table__,  # type: ignore[arg-type]
        [
            {
                "change_id": c.change_id,
                "hlc": c.hlc,
                "device_id": c.device_id,
                "author_id": c.author_id,
                "organisation_id": c.organisation_id,
                "entity": c.entity,
                "entity_id": c.entity_id,
                "op": c.op,
                "field": c.field,
                "value": c.value,
                "bases": json.dumps(c.bases) if c.bases else None,
                "recorded_at": c.recorded_at,
                "pushed_at": pushed_at,
                "push_error": None,
            }
            for c in fresh
        ],
    )
    touched: dict[str, list[str]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for change in fresh:
        key = (change.entity, change.entity_id)
        if key not in seen:
            seen.add(key)
            touched[change.entity].append(change.entity_id)
    fresh_by_key = {(c.entity, c.entity_id): c for c in fresh}
    for entity, ids in touched.items():
        cls = _TABLES[entity]
        if cls.__journal__ == "append":
            # Append-only rows arrive whole, once, and never change: no merge needed.
            written = _insert_new(conn, cls, [fresh_by_key[(entity, i)] for i in ids])
            result.records_written += written
            continue
        written, removed = _rebuild(conn, cls, entity, ids, now)
        result.records_written += written
        result.records_removed += removed
    return result


def _insert_new(conn: Connection, cls: type[Base], changes: list[Change]) -> int:
    table: Any = cls.__table__
    ids = [c.entity_id for c in changes]
    existing: set[str] = set()
    for chunk in _chunks(ids):
        existing.update(conn.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars())
    rows = [
        # A value the server withheld is stored as the placeholder (storage.withheld).
        loads_shown_row(change.value)
        for change in changes
        if change.entity_id not in existing and change.op == "append" and change.value is not None
    ]
    # Journal JSON already holds ISO dates and times: insert_many stores them as SQLAlchemy would.
    insert_many_summarised(conn, table, rows)
    return len(rows)


def _rebuild(
    conn: Connection, cls: type[Base], entity: str, ids: list[str], now: datetime
) -> tuple[int, int]:
    table: Any = cls.__table__
    columns = journalled_columns(cls)
    all_columns = [c.key for c in sa_inspect(cls).columns]
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    existing: set[str] = set()
    conflicted: set[str] = set()
    for chunk in _chunks(ids):
        for row in conn.execute(
            select(*_JOURNAL_COLUMNS).where(
                ChangeRecord.entity == entity, ChangeRecord.entity_id.in_(chunk)
            )
        ):
            rows[row.entity_id].append(dict(row._mapping))
        existing.update(conn.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars())
        conflicted.update(
            conn.execute(
                select(SyncConflict.entity_id).where(
                    SyncConflict.entity == entity, SyncConflict.entity_id.in_(chunk)
                )
            ).scalars()
        )
    inserts: list[dict[str, Any]] = []
    written = removed = 0
    for entity_id in ids:
        state: EntityState = fold(rows[entity_id])
        if state.deleted or not state.created:
            if entity_id in existing:
                conn.execute(delete(table).where(table.c.id == entity_id))
                removed += 1
        else:
            values = decode_row(cls, {k: state.values.get(k) for k in columns})
            if entity_id in existing:
                conn.execute(update(table).where(table.c.id == entity_id).values(**values))
            else:
                inserts.append({key: values.get(key) for key in all_columns})
            written += 1
        if state.conflicts or entity_id in conflicted:
            refresh_conflicts(conn, entity, entity_id, now, state)
    insert_many_summarised(conn, table, inserts)
    return written, removed
