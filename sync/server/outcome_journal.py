"""The records the outcome report reads, as the server's journal says they stand now:
only the kinds it needs, folded as every replica folds them (`storage.merge.fold`).

The server keeps no record tables, only the change journal, so a kind's records are
its changes folded per entity. How they are read was measured on a 50,000-person
journal (bench/server_outcomes.py), and each choice is the cheaper one found:

- One pass, one statement, for all the kinds (`outcome_sql.pass_sql`): each kind's
  rows lie on most of the table's pages, so a read per kind through the index by
  kind visits the pages once per kind; one scan visits them once.
- Of a `set`, only those of a wanted field; of a contact note, only its person and
  when the contact happened, found in the database (`outcome_sql.NOTE_KEY`), so a
  note's text is never sent nor parsed.
- A create's value is sent as stored and parsed here (pydantic-core's parser, as
  `sync/server/validation.py` reads pushed rows): PostgreSQL's JSON functions cost
  several times the CPU for the same rows, and SQLite's as much again as the scan.
- Rows come straight from the driver's cursor: a million SQLAlchemy Row objects
  cost more than the database's whole work.

A record made once and never changed (most records; every append-only one) is its
create's values as they stand and skips the fold (`values_of`; a test holds the two
paths equal).

The server checked every row when it took it, but a value in an old row that cannot
be read must not stop the report: a note the database cannot read makes the pass run
again with notes parsed here, and a record that cannot be read is left out and
counted by kind (`Unreadable`), never logged with its value.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import from_json
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from storage.merge import fold
from sync.server.outcome_sql import CREATES, NOTE, Kind, pass_sql

logger = logging.getLogger(__name__)


@dataclass
class Unreadable:
    """Records left out because a value could not be read, by kind; no values kept."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, entity: str, count: int = 1) -> None:
        self.counts[entity] += count

    def log(self) -> None:
        for entity, count in sorted(self.counts.items()):
            logger.warning(
                "outcome report: %d %s record(s) could not be read and were left out",
                count,
                entity,
            )


@dataclass(frozen=True)
class Record:
    entity_id: str
    person_id: str
    values: dict[str, Any]


@dataclass(frozen=True)
class People:
    """Whose records to read: a subquery of their person ids (from person_team), so the
    database narrows the rows before any leave it."""

    subquery: str
    params: Mapping[str, Any]


@dataclass
class Journal:
    """What one pass read: each kind's records, and each person's note times as
    stored (ISO text)."""

    records: dict[str, list[Record]]
    note_times: dict[str, list[Any]]


@contextmanager
def _attempt(conn: Connection) -> Iterator[None]:
    """A statement that may fail on a value the database cannot read: on PostgreSQL
    inside a savepoint, so the transaction (one snapshot for the whole report)
    outlives it. SQLite's failed SELECT leaves nothing to undo."""
    if conn.dialect.name == "postgresql":
        with conn.begin_nested():
            yield
    else:
        yield


def _fetch(conn: Connection, sql: str, people: People) -> list[tuple[Any, ...]]:
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


def _note_time(raw: Any) -> tuple[bool, Any]:
    """The slow path's note: (readable, its time, None for a correction)."""
    try:
        whole = from_json(str(raw))
    except ValueError:
        return False, None
    if not isinstance(whole, dict):
        return False, None
    return True, None if whole.get("amends_id") is not None else whole.get("occurred_at")


def _rows(
    conn: Connection, kinds: Sequence[Kind], people: People, unreadable: Unreadable
) -> list[tuple[Any, ...]]:
    """(entity, entity_id, person_id, change_id, hlc, device_id, op, field, bases,
    value, a note's time) for every change wanted."""
    dialect = conn.dialect.name
    # The driver's own error: rows are read through its cursor, not SQLAlchemy's.
    refused: Any = (DBAPIError, conn.dialect.loaded_dbapi.Error)
    try:
        with _attempt(conn):
            return _fetch(
                conn,
                pass_sql(dialect, kinds=kinds, people=people.subquery, in_python=False),
                people,
            )
    except refused:
        logger.warning("outcome report: a note the database cannot read; reading notes in Python")
    rows = _fetch(
        conn, pass_sql(dialect, kinds=kinds, people=people.subquery, in_python=True), people
    )
    found: list[tuple[Any, ...]] = []
    for row in rows:
        if row[0] != NOTE:
            found.append(row)
            continue
        readable, time = _note_time(row[10])
        if not readable:
            unreadable.add(NOTE)
        elif time is not None:  # None: a correction, not a contact
            found.append((*row[:10], time))
    return found


def wanted_of(kind: Kind, value: Any) -> dict[str, Any]:
    """A create's wanted fields, from its value as stored (JSON text). ValueError or
    TypeError: it cannot be read."""
    whole = from_json(value)
    if not isinstance(whole, dict):
        raise TypeError("not a record")
    cut = {name: whole.get(name) for name in kind.names}
    for f in kind.fields:
        if f.inside is not None:
            holder = whole.get(f.inside)
            inner = from_json(holder) if isinstance(holder, str) else None
            cut[f.name] = inner.get(f.name) if isinstance(inner, dict) else None
    return cut


def values_of(kind: Kind, changes: Sequence[tuple[Any, ...]]) -> dict[str, Any] | None:
    """One record's wanted values from its changes (rows as `_rows` gives them): a lone
    create as it stands, anything else folded. None: removed, or never created."""
    if len(changes) == 1 and changes[0][6] in CREATES:
        return wanted_of(kind, changes[0][9])
    rows = [
        {
            "change_id": change_id,
            "hlc": hlc,
            "device_id": device_id,
            "op": op,
            "field": fld,
            "bases": bases,
            # The create cut down to the wanted fields: folding decides each field
            # on its own, so their values are those of folding the whole row.
            "value": json.dumps(wanted_of(kind, value)) if op in CREATES else value,
        }
        for _e, _i, _p, change_id, hlc, device_id, op, fld, bases, value, _n in changes
    ]
    state = fold(rows)
    if state.deleted or not state.created:
        return None
    return {f.name: state.values.get(f.name) for f in kind.fields}


def read(
    conn: Connection, kinds: Sequence[Kind], people: People, unreadable: Unreadable
) -> Journal:
    """Every record of the kinds for those people, and their note times, in one pass."""
    by_entity = {k.entity: k for k in kinds}
    notes: dict[str, list[Any]] = defaultdict(list)
    grouped: dict[str, dict[str, list[tuple[Any, ...]]]] = {k.entity: {} for k in kinds}
    for row in _rows(conn, kinds, people, unreadable):
        entity, entity_id, person_id, op, fld = row[0], row[1], row[2], row[6], row[7]
        if person_id is None:
            continue
        if entity == NOTE:
            notes[person_id].append(row[10])
        elif op != "set" or fld in by_entity[entity].names:  # not another kind's field
            grouped[entity].setdefault(entity_id, []).append(row)
    records: dict[str, list[Record]] = {}
    for entity, per_id in grouped.items():
        kind, found = by_entity[entity], []
        for entity_id, changes in per_id.items():
            try:
                values = values_of(kind, changes)
            except (ValueError, TypeError):  # a value that is not JSON, or not a record
                unreadable.add(entity)
                continue
            if values is not None:
                found.append(Record(entity_id, changes[0][2], values))
        records[entity] = found
    return Journal(records, dict(notes))
