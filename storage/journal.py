"""Journals every ORM write in the same transaction as the write itself.

Installed on each write session: `before_flush` stamps provenance and refuses
edits to append-only rows; `after_flush` appends the change records through
the session's own connection, so data and journal commit or roll back as one.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import event, func, insert, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

from storage import hlc
from storage.actor import Actor
from storage.codec import encode, journalled_columns, row_of
from storage.conflicts import entity_has_conflict, field_heads, refresh_conflicts
from storage.errors import JournalError
from storage.hlc import HybridClock
from storage.ids import new_id
from storage.tables import ChangeRecord
from storage.tables.base import Base, Recorded, utcnow

logger = logging.getLogger(__name__)

CONTEXT_KEY = "onerecord.write_context"

# (entity, id) -> {field: its value before this flush}, for the fields a flush changed.
Before = dict[tuple[str, str], dict[str, Any]]


class WriteChecker(Protocol):
    """Decides every change record of a write before it is journalled, and raises
    (a user-facing error) to refuse the whole write. Storage cannot know the rules
    (they are the app's: app.services.write_rules.write_check), so the app injects one into
    the Store when a signed-in user opens it."""

    def __call__(self, session: Session, records: list[dict[str, Any]], before: Before) -> None:
        """Raise to refuse; `before` holds the previous values of changed fields."""


@dataclass
class WriteContext:
    actor: Actor
    clock: HybridClock
    now: datetime = field(default_factory=utcnow)
    # (entity, id, field) -> the heads a person chose between, when resolving a conflict.
    resolving: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    conflicts_to_refresh: set[tuple[str, str]] = field(default_factory=set)
    # The app's write policy (None: a profile's own set-up, before anyone signs in).
    checker: WriteChecker | None = None


def last_stamp(session: Session) -> tuple[int, bool]:
    """The greatest stamp this replica has seen from any device: a new local change
    must sort after everything its author could have seen (storage.merge relies on it).
    Also says whether greater stamps were not believed.

    Stamps more than a day ahead of this laptop's clock are not believed: one of
    2**63-1 in the journal (written before pulled rows were checked) would make the
    next stamp overflow, and every write, unlocking included, fail."""
    newest: int = session.execute(select(func.max(ChangeRecord.hlc))).scalar() or 0
    limit = hlc.ceiling()
    if newest <= limit:
        return newest, False
    believed = select(func.max(ChangeRecord.hlc)).where(ChangeRecord.hlc <= limit)
    return session.execute(believed).scalar() or 0, True


def context_of(session: Session) -> WriteContext:
    ctx = session.info.get(CONTEXT_KEY)
    if ctx is None:
        raise JournalError("A change was made outside a journalled write: nothing was saved.")
    return ctx  # type: ignore[no-any-return]


def change_record(
    ctx: WriteContext,
    entity: str,
    entity_id: str,
    op: str,
    fld: str | None,
    value: Any,
    bases: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "change_id": new_id(),
        "hlc": ctx.clock.tick(),
        "device_id": ctx.actor.device_id,
        "author_id": ctx.actor.user_id,
        "organisation_id": ctx.actor.organisation_id,
        "entity": entity,
        "entity_id": entity_id,
        "op": op,
        "field": fld,
        "value": None
        if value is None and op == "delete"
        else json.dumps(value, ensure_ascii=False),
        "recorded_at": ctx.now,
        "pushed_at": None,
        "bases": json.dumps(bases) if bases else None,
        "push_error": None,
    }


def stamp_provenance(obj: Recorded, ctx: WriteContext) -> None:
    """Who, where and when come from the signed-in actor, never from the caller."""
    obj.recorded_at = ctx.now
    obj.recorded_by = ctx.actor.user_id
    obj.recorded_org = ctx.actor.organisation_id
    obj.recorded_device = ctx.actor.device_id


def _entity_id(obj: Base) -> str:
    # Every journalled table has a UUID primary key called id.
    return str(cast(Any, obj).id)


def _before_flush(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    touched = [o for o in (*session.new, *session.dirty, *session.deleted) if o.__journal__]
    if not touched:
        return
    ctx = context_of(session)
    for obj in session.new:
        if isinstance(obj, Recorded):
            stamp_provenance(obj, ctx)
    for obj in session.dirty:
        if obj.__journal__ == "append" and session.is_modified(obj, include_collections=False):
            raise JournalError("Notes and audit events cannot be changed once written.")
        if isinstance(obj, Recorded) and session.is_modified(obj, include_collections=False):
            obj.updated_at = ctx.now
            obj.updated_by = ctx.actor.user_id
    for obj in session.deleted:
        if obj.__journal__ == "append":
            raise JournalError("Notes and audit events cannot be removed.")


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    records: list[dict[str, Any]] = []
    before: Before = {}
    ctx: WriteContext | None = None
    for obj in session.new:
        if obj.__journal__ is None:
            continue
        ctx = ctx or context_of(session)
        op = "append" if obj.__journal__ == "append" else "create"
        records.append(
            change_record(ctx, obj.__tablename__, _entity_id(obj), op, None, row_of(obj))
        )
    for obj in session.dirty:
        if obj.__journal__ is None:
            continue
        state = sa_inspect(obj)
        changed = [
            key
            for key in journalled_columns(type(obj))
            if state.attrs[key].history.added
            and state.attrs[key].history.added != state.attrs[key].history.deleted
        ]
        if not changed:
            continue
        ctx = ctx or context_of(session)
        entity, entity_id = obj.__tablename__, _entity_id(obj)
        current = field_heads(session, entity, entity_id)
        before[(entity, entity_id)] = {
            key: state.attrs[key].history.deleted[0]
            for key in changed
            if state.attrs[key].history.deleted
        }
        for key in changed:
            value = encode(state.attrs[key].history.added[0])
            records.append(
                change_record(
                    ctx,
                    entity,
                    entity_id,
                    "set",
                    key,
                    value,
                    _bases(ctx, entity, entity_id, key, current),
                )
            )
        if entity_has_conflict(session, entity, entity_id):
            ctx.conflicts_to_refresh.add((entity, entity_id))
    for obj in session.deleted:
        if obj.__journal__ is None:
            continue
        ctx = ctx or context_of(session)
        records.append(change_record(ctx, obj.__tablename__, _entity_id(obj), "delete", None, None))
    if records:
        if ctx is not None and ctx.checker is not None:
            ctx.checker(session, records, before)
        session.connection().execute(insert(ChangeRecord), records)
    if ctx is not None and ctx.conflicts_to_refresh:
        for entity, entity_id in sorted(ctx.conflicts_to_refresh):
            refresh_conflicts(session.connection(), entity, entity_id, ctx.now)
        ctx.conflicts_to_refresh.clear()


def _bases(
    ctx: WriteContext, entity: str, entity_id: str, key: str, current: dict[str, list[str]]
) -> list[str]:
    """What this edit replaces: the value the author saw (the winning head), or, when
    a person is resolving a conflict, every head they chose between."""
    chosen = ctx.resolving.get((entity, entity_id, key))
    if chosen is not None:
        return chosen
    return current.get(key, [])[:1]


def install_guards(sessions: sessionmaker[Session]) -> None:
    """Every session the store makes journals its flushes, or refuses them without a context."""
    event.listen(sessions, "before_flush", _before_flush)
    event.listen(sessions, "after_flush", _after_flush)


def begin(session: Session, ctx: WriteContext) -> None:
    session.info[CONTEXT_KEY] = ctx


def journal_bulk_rows(
    ctx: WriteContext, cls: type[Base], rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Change records for rows inserted in bulk (not through ORM objects)."""
    op = "append" if cls.__journal__ == "append" else "create"
    keys = journalled_columns(cls)
    return [
        change_record(
            ctx, cls.__tablename__, str(row["id"]), op, None, {k: encode(row.get(k)) for k in keys}
        )
        for row in rows
    ]
