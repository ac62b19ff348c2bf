"""Pulled changes kept aside (storage.tables.KeptAside): stored whole with their
reason, tried again at each sync, removed once they apply or their person leaves
the caseload. Device-local and inside the encrypted store, like everything else."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, delete, func, insert, select

from storage.replay import Replayed
from storage.tables import KeptAside, journalled_tables
from sync.client.apply import KeptChange, apply_changes
from sync.protocol import Change

logger = logging.getLogger(__name__)

_TABLES = journalled_tables()


def keep(conn: Connection, kept: Sequence[KeptChange], now: datetime) -> list[str]:
    """Keep each change with its latest reason. Returns the ids not already kept."""
    if not kept:
        return []
    ids = [k.change.change_id for k in kept]
    already: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        already.update(
            conn.execute(select(KeptAside.change_id).where(KeptAside.change_id.in_(chunk)))
            .scalars()
            .all()
        )
        conn.execute(delete(KeptAside).where(KeptAside.change_id.in_(chunk)))
    conn.execute(
        insert(KeptAside),
        [
            {
                "change_id": k.change.change_id,
                "entity": k.change.entity,
                "entity_id": k.change.entity_id,
                "op": k.change.op,
                "field": k.change.field,
                "person_id": _person_of(conn, k.change),
                # A stand-in for a change that was not well formed is not a valid
                # Change (sync.client.pull_page): written as it is, without warnings.
                "change": k.change.model_dump_json(warnings=False),
                "reason": k.reason,
                "kept_at": now,
            }
            for k in kept
        ],
    )
    return [i for i in ids if i not in already]


def count(conn: Connection) -> int:
    return int(conn.execute(_COUNT).scalar_one())


_COUNT = select(func.count()).select_from(KeptAside)  # every sync asks: built once


def try_again(conn: Connection, now: datetime) -> tuple[int, Replayed]:
    """Apply what now can be (a parent that has since arrived, a clock put right);
    the rest stays with its latest reason. Returns how many applied, and what they did."""
    stored = conn.execute(
        select(KeptAside.change_id, KeptAside.change).order_by(
            KeptAside.kept_at, KeptAside.change_id
        )
    ).all()
    changes: list[Change] = []
    for _change_id, text in stored:
        try:
            changes.append(Change.model_validate_json(text))
        except ValidationError:
            # A change that was not well formed when it came: it stays, shown as it is.
            continue
    if not changes:
        return 0, Replayed()
    result = apply_changes(conn, changes, now)
    still = {k.change.change_id for k in result.kept_aside}
    done = [c.change_id for c in changes if c.change_id not in still]
    for start in range(0, len(done), 500):
        conn.execute(delete(KeptAside).where(KeptAside.change_id.in_(done[start : start + 500])))
    keep(conn, result.kept_aside, now)
    if done:
        logger.info("%d change(s) kept aside earlier have now applied", len(done))
    return len(done), result.replayed


def _person_of(conn: Connection, change: Change) -> str | None:
    """Whose record a change belongs to, when it can be told (best effort)."""
    if change.entity == "person":
        return change.entity_id
    if change.op in ("create", "append") and change.value:
        try:
            row: Any = json.loads(change.value)
        except ValueError:
            return None
        person = row.get("person_id") if isinstance(row, dict) else None
        return person if isinstance(person, str) else None
    cls = _TABLES.get(change.entity)
    table: Any = cls.__table__ if cls is not None else None
    if table is None or "person_id" not in table.c:
        return None
    found = conn.execute(select(table.c.person_id).where(table.c.id == change.entity_id)).first()
    return found[0] if found is not None else None
