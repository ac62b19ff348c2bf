"""Batched inserts that still journal every row (for demo caseloads and imports).

ORM objects one by one are too slow for thousands of rows; these go through
Core executemany, with the change records built from the same dicts and
written in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from sqlalchemy import insert
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from storage.journal import context_of, journal_bulk_rows
from storage.summary_bulk import summary_refreshed_once
from storage.tables import ChangeRecord
from storage.tables.base import Base, Recorded


def _defaults(cls: type[Base]) -> dict[str, Any | Callable[[], Any]]:
    found: dict[str, Any] = {}
    for column in sa_inspect(cls).columns:
        default = column.default
        if default is None or (
            not getattr(default, "is_scalar", False) and not getattr(default, "is_callable", False)
        ):
            continue
        arg: Any = cast(Any, default).arg
        found[column.key] = arg if default.is_scalar else (lambda a=arg: a(None))
    return found


def insert_rows(session: Session, cls: type[Base], rows: Sequence[dict[str, Any]]) -> int:
    """Insert `rows` into `cls`'s table with provenance and defaults filled, and journal them.

    Rows may carry their own provenance (a demo's or an import's historical
    entries); anything missing comes from the actor doing the writing.
    """
    if not rows:
        return 0
    ctx = context_of(session)
    defaults = _defaults(cls)
    provenance = {}
    if issubclass(cls, Recorded):
        provenance = {
            "recorded_at": ctx.now,
            "recorded_by": ctx.actor.user_id,
            "recorded_org": ctx.actor.organisation_id,
            "recorded_device": ctx.actor.device_id,
        }
    # executemany takes its column list from the first row: every row must name
    # every column, or values would be dropped from the table but not the journal.
    columns = [c.key for c in sa_inspect(cls).columns]
    complete: list[dict[str, Any]] = []
    for row in rows:
        if unknown := set(row) - set(columns):
            raise ValueError(f"unknown columns for {cls.__tablename__}: {sorted(unknown)}")
        full = dict(row)
        for key, value in provenance.items():
            full.setdefault(key, value)
        for key, default in defaults.items():
            if key not in full:
                full[key] = default() if callable(default) else default
        complete.append({key: full.get(key) for key in columns})
    conn = session.connection()
    with summary_refreshed_once(conn, cls.__table__, complete):  # type: ignore[arg-type]
        conn.execute(insert(cls), complete)
    if cls.__journal__ is not None:
        records = journal_bulk_rows(ctx, cls, complete)
        if ctx.checker is not None:
            # The same write policy as an ORM flush (a refusal rolls the rows back).
            ctx.checker(session, records, {})
        conn.execute(insert(ChangeRecord), records)
    return len(complete)
