"""The records the outcome report reads, as the server's journal says they stand now,
read by folding the journal itself: only the kinds it needs, folded as every replica
folds them (`storage.merge.fold`).

The report reads the tables kept beside the journal instead (`outcome_records`),
which are cheaper by far; this pass is the plain definition they are held to (a
property test holds the two equal), so it is written to be obviously right, not
fast: one statement for every kind, in the order the changes were stored (a tie
between two versions of a field is then broken alike), every contact note parsed
here. How a record's values come from its changes and a note's time from the note
is `outcome_values`, shared with the kept tables.

The server checked every row when it took it, but a value in an old row that cannot
be read must not stop the report: a record or note that cannot be read is left out
and counted by kind (`Unreadable`), never logged with its value.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from sync.server.outcome_sql import NOTE, Kind, pass_sql
from sync.server.outcome_typed import contact_of
from sync.server.outcome_values import (
    READ_ERRORS,
    Journal,
    Record,
    Unreadable,
    note_time,
    values_of,
    wanted,
)

__all__ = ["Journal", "People", "Record", "Unreadable", "fetch", "read", "values_of"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class People:
    """Whose records to read: a subquery of their person ids (from person_team), so the
    database narrows the rows before any leave it."""

    subquery: str
    params: Mapping[str, Any]


def fetch(conn: Connection, sql: str, people: People) -> list[tuple[Any, ...]]:
    """All rows of a statement, as the driver's tuples, inside the caller's transaction."""
    compiled = text(sql).bindparams(**people.params).compile(dialect=conn.dialect)
    params: Any = compiled.params
    if compiled.positiontup is not None:  # SQLite's qmark style
        params = tuple(compiled.params[name] for name in compiled.positiontup)
    cursor: Any = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _rows(
    conn: Connection, kinds: Sequence[Kind], people: People, unreadable: Unreadable
) -> list[tuple[Any, ...]]:
    """(entity, entity_id, person_id, change_id, hlc, device_id, op, field, bases,
    value, a note's time) for every change wanted; a correction is no contact."""
    found: list[tuple[Any, ...]] = []
    for row in fetch(conn, pass_sql(kinds=kinds, people=people.subquery), people):
        if row[0] != NOTE:
            found.append((*row, None))
            continue
        note = note_time(row[9])
        if not note.readable:
            unreadable.add(NOTE)
        elif note.contact:
            found.append((*row, note.time))
    return found


def read(
    conn: Connection, kinds: Sequence[Kind], people: People, unreadable: Unreadable
) -> Journal:
    """Every record of the kinds for those people, and their note times, in one pass."""
    by_entity = {k.entity: k for k in kinds}
    notes: dict[str, list[tuple[int, int] | None]] = defaultdict(list)
    grouped: dict[str, dict[str, list[tuple[Any, ...]]]] = {k.entity: {} for k in kinds}
    for row in _rows(conn, kinds, people, unreadable):
        entity, entity_id, person_id, op, fld = row[0], row[1], row[2], row[6], row[7]
        if person_id is None:
            continue
        if entity == NOTE:
            notes[person_id].append(contact_of(row[10]))
        elif wanted(by_entity[entity], op, fld):  # not another kind's field
            grouped[entity].setdefault(entity_id, []).append(row)
    records: dict[str, list[Record]] = {}
    for entity, per_id in grouped.items():
        kind, found = by_entity[entity], []
        for entity_id, changes in sorted(per_id.items()):
            try:
                values = values_of(kind, changes)
            except READ_ERRORS:  # not JSON, not a record
                unreadable.add(entity)
                continue
            if values is not None:
                found.append(Record(entity_id, changes[0][2], values))
        records[entity] = found
    return Journal(records, dict(notes))
