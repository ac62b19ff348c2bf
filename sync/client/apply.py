"""Apply pulled changes to the laptop's store: decide which may be applied, then
replay them (storage/replay.py: journalled, and each touched record rebuilt from its
whole journal, so the result does not depend on the order changes arrived in, and
re-applying a page changes nothing).

A change this laptop cannot apply is kept aside with a plain reason, never
allowed to stop the sync (one bad row on the server once failed every later sync
of every laptop that pulled it). Each change is first checked for what its table
can hold (storage.row_check) and for a clock stamp it can believe; the page is
then applied in bulk inside a savepoint, and if that fails (a constraint, a
reference to a record that is not here) the savepoint is rolled back and the
page applied again one change at a time, so a bad row costs only itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic_core import from_json
from sqlalchemy import Connection
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, ProgrammingError

from storage import hlc
from storage.change_row import envelope_problem
from storage.rawwrite import present
from storage.replay import Replayed, records_removed, records_touched, replay, revert
from storage.row_check import row_problem, value_problem
from storage.tables import ChangeRecord, journalled_tables
from sync.client import references
from sync.protocol import Change

logger = logging.getLogger(__name__)

_TABLES = journalled_tables()
# What applying a bad row raises, the Python errors of a value in a shape no check
# foresaw included (a row must cost only itself). A full disk, a locked or read-only
# database (OperationalError) is not the row's fault: it stops the sync as before.
UNAPPLIABLE = (
    IntegrityError,
    InterfaceError,
    ProgrammingError,
    DataError,
    OverflowError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    AssertionError,
    references.DanglingError,
)
FAR_AHEAD = (
    "its clock stamp is more than a day ahead of this laptop's clock "
    "(if this laptop's date or time is wrong, correct it)"
)


@dataclass(frozen=True)
class KeptChange:
    """A pulled change that was not applied, and why (plain words, no values)."""

    change: Change
    reason: str


@dataclass
class Applied:
    new_changes: int = 0
    duplicates: int = 0
    # What the applied changes wrote and removed, and whose records they were.
    replayed: Replayed = field(default_factory=Replayed)
    kept_aside: list[KeptChange] = field(default_factory=list)


def apply_changes(conn: Connection, changes: Sequence[Change], now: datetime) -> Applied:
    result = Applied()
    # Parents and children may arrive in one page in either order.
    conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    journal: Any = ChangeRecord.__table__
    held = present(conn, journal, "change_id", [c.change_id for c in changes])
    fresh: list[Change] = []
    parsed: dict[str, Any] = {}
    limit = hlc.ceiling()
    for change in changes:
        if change.change_id in held or change.entity not in _TABLES:
            result.duplicates += change.change_id in held
            continue
        held.add(change.change_id)
        reason = pulled_problem(change, limit, parsed)
        if reason is None:
            fresh.append(change)
        else:
            result.kept_aside.append(KeptChange(change, reason))
    if not fresh:
        return result
    try:
        touched = records_touched(fresh)
        with savepoint(conn, "pulled_page"):
            done = replay(conn, fresh, now, parsed, touched)
            references.check_page(conn, touched, records_removed(fresh))
        result.replayed = done
        result.new_changes = len(fresh)
    except UNAPPLIABLE as exc:
        # Nothing of the page is left: apply it again a change at a time.
        logger.warning(
            "a pulled page could not be applied in bulk (%s): applying it change by change",
            type(exc).__name__,
        )
        _apply_one_by_one(conn, fresh, now, parsed, result)
    return result


def pulled_problem(change: Change, limit: int, parsed: dict[str, Any]) -> str | None:
    """Why a pulled change cannot be applied here, before anything is written, or None.
    A whole row's parsed value is left in `parsed` (by change id) for the insert."""
    if change.hlc > limit:
        return FAR_AHEAD
    if problem := envelope_problem(change):
        return problem
    cls = _TABLES[change.entity]
    if (cls.__journal__ == "append") != (change.op == "append"):
        return "its kind of change does not fit the record it names"
    if change.op == "delete":
        return None
    try:
        # pydantic-core's parser: the same values as json.loads, in half the time (a
        # tenth of a pull's work was reading them); text it cannot hold as UTF-8 (a
        # lone surrogate, which no table could store either) is not readable.
        value = from_json(change.value) if change.value is not None else None
    except ValueError:
        return "its value is not readable"
    if change.op == "set":
        if change.field is None:
            return "it does not say which field it changes"
        return value_problem(cls, change.field, value)
    if problem := row_problem(cls, change.entity_id, value):
        return problem
    parsed[change.change_id] = value
    return None


@contextmanager
def savepoint(conn: Connection, name: str) -> Iterator[None]:
    """Everything inside commits or rolls back as one, within the caller's transaction."""
    conn.exec_driver_sql(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        try:
            conn.exec_driver_sql(f"ROLLBACK TO {name}")
            conn.exec_driver_sql(f"RELEASE {name}")
        except Exception:  # noqa: S110
            # SQLite rolled the whole transaction back by itself (a full disk): the
            # caller's rollback follows, and the first error is the one to report.
            pass
        raise
    conn.exec_driver_sql(f"RELEASE {name}")


def _apply_one_by_one(
    conn: Connection,
    changes: list[Change],
    now: datetime,
    parsed: dict[str, Any],
    result: Applied,
) -> None:
    """Each change in its own savepoint: one that fails is kept aside, the rest apply.
    References are checked once all are in (a child may come before its parent)."""
    applied: list[Change] = []
    for change in changes:
        try:
            with savepoint(conn, "pulled_change"):
                done = replay(conn, [change], now, parsed)
        except UNAPPLIABLE as exc:
            result.kept_aside.append(KeptChange(change, reason_of(exc, change.entity)))
            continue
        applied.append(change)
        result.replayed.add(done)
    for culprit, reason in references.settle(
        conn, records_touched(applied), records_removed(applied)
    ):
        entity, entity_id = culprit
        mine = [c for c in applied if c.entity == entity and c.entity_id == entity_id]
        taken = {c.change_id for c in mine}
        applied = [c for c in applied if c.change_id not in taken]
        revert(conn, entity, entity_id, [c.change_id for c in mine], now)
        result.kept_aside.extend(KeptChange(c, reason) for c in mine)
    result.new_changes = len(applied)
    logger.warning(
        "%d pulled change(s) could not be applied and were kept aside", len(result.kept_aside)
    )


def reason_of(exc: BaseException, entity: str) -> str:
    """The plain reason for a change to `entity` that failed to apply. Only SQLite's own
    words (constraint and column names, never a value) are read from the error."""
    if isinstance(exc, IntegrityError):
        message = str(exc.orig) if exc.orig is not None else ""
        column = message.rpartition(": ")[2].rpartition(".")[2] or "a field"
        column = column.removeprefix(f"ck_{entity}_")
        if "NOT NULL" in message:
            return f"a required value is missing ({column})"
        if "CHECK" in message:
            return f"a value is not one of those allowed ({column})"
        if "UNIQUE" in message:
            return f"it would make a second record where there may be only one ({column})"
        return "it breaks a rule of the record"
    if isinstance(exc, references.DanglingError):
        return references.NAMES_MISSING
    if isinstance(exc, OverflowError):
        return "a number in it is too large to store"
    if isinstance(exc, InterfaceError | ProgrammingError | DataError):
        return "a value in it is of a kind this laptop cannot store"
    return "a value in it is not in the form this laptop expects"
