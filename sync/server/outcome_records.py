"""The tables kept beside the journal for the outcome report (`schema.outcome_records`,
`schema.outcome_contacts`): each record of the kinds the report reads, folded, cut to
the fields it needs, and each contact's person and time.

Why: the journal is every change ever pushed (1.8 million for 50,000 people), and
reading the report from it meant scanning all of it, parsing and folding half a
million records, every time (about 19 s on PostgreSQL). These tables hold what that
pass produced, a tenth of the rows, so the report reads them in a second.

How they stay right: every path that writes the journal calls `keep` in its own
transaction, after its changes are in (a laptop's push and a partner server's page
both go through `ServerStore._insert`). `keep` folds each touched record again from
all of its changes in the journal, by the same definitions as the report's pass over
the journal (`outcome_values`), so a change arriving late or out of order gives what
folding the whole journal gives; a property test holds the two equal. A record whose
changes cannot be read is kept as unreadable (value NULL), counted by the report as
before, and never stops a push.

What they were built for is in `server_meta` (`outcome_kinds.DEFINITION`); a server
whose tables are missing or were built for other kinds rebuilds them from the journal
when it opens (`ensure`), and `onerecord-server report rebuild` does so on demand
(after restoring only the journal, or a bulk load that bypassed pushes).
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby
from typing import Any

from pydantic_core import from_json
from sqlalchemy import Connection, text

from sync.protocol import Change
from sync.server import schema as s
from sync.server.outcome_journal import People, fetch
from sync.server.outcome_kinds import BY_ENTITY, DEFINITION, KINDS
from sync.server.outcome_sql import NOTE, Kind, quoted
from sync.server.outcome_typed import contact_of
from sync.server.outcome_values import (
    READ_ERRORS,
    Journal,
    Record,
    Unreadable,
    note_of,
    note_time,
    values_of,
    wanted,
)
from sync.server.push_insert import insert_rows, one_of

logger = logging.getLogger(__name__)

MARKER = "outcome_records"
RECORD_COLUMNS = ("entity", "entity_id", "person_id", "value")
CONTACT_COLUMNS = ("change_id", "person_id", "at_us", "day", "readable")
# A change as the journal holds it, in the order `outcome_values.values_of` reads.
_CHANGE = "entity, entity_id, person_id, change_id, hlc, device_id, op, field, bases, value"
_CHUNK = 2_000


def record_row(kind: Kind, entity_id: str, changes: Sequence[tuple[Any, ...]]) -> Any:
    """A record's row of `outcome_records` from all of its changes in the journal (in
    the order they were stored), or None: removed, never created, or no one's. Its
    person is its first change's: a push gives every change of a record the record's
    person (`ServerStore._owners`), as the journal's pass assumes too."""
    mine = [c for c in changes if c[2] is not None and wanted(kind, c[6], c[7])]
    if not mine:
        return None
    try:
        values = values_of(kind, mine)
    except READ_ERRORS:  # kept so, and counted when the report reads it
        return (kind.entity, entity_id, mine[0][2], None)
    if values is None:
        return None
    return (kind.entity, entity_id, mine[0][2], json.dumps(values))


def contact_row(change_id: str, person_id: str | None, value: Any, parsed: Any = None) -> Any:
    """A contact note's row of `outcome_contacts`, or None: a correction (no contact),
    or no one's. `parsed`: the value as the push parsed it already (pydantic-core's
    JSON parser, as here, so the same dict), to spare a second parse on the push."""
    if person_id is None:
        return None
    note = note_of(parsed) if isinstance(parsed, dict) else note_time(value)
    if note.readable and not note.contact:
        return None
    at, day = contact_of(note.time) or (None, None)
    return (change_id, person_id, at, day, note.readable)


def keep(
    conn: Connection,
    kept: Sequence[tuple[Change, str | None]],
    parsed: Mapping[str, dict[str, Any] | None] | None = None,
) -> None:
    """Bring the tables up to date with changes just written to the journal, each with
    its person, inside the writer's transaction. `parsed`: change id -> its whole row
    as the push parsed it (`validation.read_whole_row`), when it has."""
    rows = parsed or {}
    contacts = []
    touched: dict[str, set[str]] = defaultdict(set)
    for change, person_id in kept:
        if change.entity == NOTE:
            if change.op == "append" and (
                row := contact_row(
                    change.change_id, person_id, change.value, rows.get(change.change_id)
                )
            ):
                contacts.append(row)
        elif (kind := BY_ENTITY.get(change.entity)) and wanted(kind, change.op, change.field):
            touched[change.entity].add(change.entity_id)
    insert_rows(conn, s.outcome_contacts.name, CONTACT_COLUMNS, contacts)
    for entity, ids in touched.items():
        ordered = sorted(ids)
        for start in range(0, len(ordered), _CHUNK):
            _refold(conn, BY_ENTITY[entity], ordered[start : start + _CHUNK])


def _refold(conn: Connection, kind: Kind, ids: list[str]) -> None:
    """Each of these records folded again from all of its changes in the journal."""
    where, params = one_of(conn, "entity_id", ids)
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    changes = conn.exec_driver_sql(
        f"SELECT {_CHANGE} FROM changes WHERE entity = {mark} AND {where} ORDER BY seq",  # noqa: S608
        (kind.entity, *params),
    ).all()
    by_id: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for change in changes:
        by_id[change[1]].append(tuple(change))
    rows = [row for i in ids if (row := record_row(kind, i, by_id.get(i, ()))) is not None]
    conn.exec_driver_sql(
        f"DELETE FROM outcome_records WHERE entity = {mark} AND {where}",  # noqa: S608
        (kind.entity, *params),
    )
    insert_rows(conn, s.outcome_records.name, RECORD_COLUMNS, rows)


# --- built from the whole journal ------------------------------------------------


def _stream(conn: Connection, sql: str, **params: Any) -> Iterable[tuple[Any, ...]]:
    """A statement's rows a batch at a time (a server-side cursor on PostgreSQL): the
    rebuild reads every change of the kinds, too many to hold at once."""
    statement = text(sql).execution_options(stream_results=True, yield_per=10_000)
    result = conn.execute(statement, params)
    for row in result:
        yield tuple(row)


def rebuild(conn: Connection) -> tuple[int, int]:
    """Both tables made again from the whole journal, inside the caller's transaction;
    (records, contacts) kept. Dropped and made afresh, in the shape this version
    writes (an older server's may differ); that comes first, so on SQLite the
    transaction holds the write lock before it reads (no push lands between)."""
    for table in (s.outcome_records, s.outcome_contacts):
        table.drop(conn, checkfirst=True)
        table.create(conn)
    records = contacts = 0
    for kind in KINDS:
        batch: list[tuple[Any, ...]] = []
        changes = _stream(
            conn,
            f"SELECT {_CHANGE} FROM changes WHERE entity = :entity "  # noqa: S608
            "ORDER BY entity_id, seq",
            entity=kind.entity,
        )
        for entity_id, mine in groupby(changes, key=lambda c: c[1]):
            if (row := record_row(kind, entity_id, list(mine))) is not None:
                batch.append(row)
            if len(batch) >= 10_000:
                records += _flush(conn, s.outcome_records.name, RECORD_COLUMNS, batch)
        records += _flush(conn, s.outcome_records.name, RECORD_COLUMNS, batch)
    batch = []
    for change_id, person_id, value in _stream(
        conn,
        "SELECT change_id, person_id, value FROM changes WHERE entity = :entity AND op = 'append'",
        entity=NOTE,
    ):
        if (row := contact_row(change_id, person_id, value)) is not None:
            batch.append(row)
        if len(batch) >= 10_000:
            contacts += _flush(conn, s.outcome_contacts.name, CONTACT_COLUMNS, batch)
    contacts += _flush(conn, s.outcome_contacts.name, CONTACT_COLUMNS, batch)
    _set_marker(conn)
    return records, contacts


def _flush(conn: Connection, table: str, columns: Sequence[str], batch: list[Any]) -> int:
    count = len(batch)
    insert_rows(conn, table, columns, batch)
    batch.clear()
    return count


def _set_marker(conn: Connection) -> None:
    meta = s.server_meta
    conn.execute(meta.delete().where(meta.c.key == MARKER))
    conn.execute(meta.insert(), [{"key": MARKER, "value": DEFINITION}])


def built(conn: Connection) -> bool:
    """Whether the tables were built for the kinds the report reads now."""
    meta = s.server_meta
    found = conn.execute(meta.select().where(meta.c.key == MARKER)).first()
    return found is not None and found.value == DEFINITION


# --- read by the report --------------------------------------------------------


def read_kept(
    conn: Connection, kinds: Sequence[Kind], people: People, unreadable: Unreadable
) -> Journal:
    """What `outcome_journal.read` gives for these kinds and people, from the kept
    tables: the same records and the same contacts."""
    entities = [k.entity for k in kinds]
    listed = quoted(entities)
    records: dict[str, list[Record]] = {e: [] for e in entities}
    for entity, entity_id, person_id, value in fetch(
        conn,
        "SELECT entity, entity_id, person_id, value FROM outcome_records "  # noqa: S608
        f"WHERE entity IN ({listed}) AND person_id IN ({people.subquery})",
        people,
    ):
        if value is None:
            unreadable.add(entity)
        else:
            records[entity].append(Record(entity_id, person_id, from_json(value)))
    notes: dict[str, list[tuple[int, int] | None]] = defaultdict(list)
    for person_id, at, day, readable in fetch(
        conn,
        "SELECT person_id, at_us, day, readable FROM outcome_contacts "  # noqa: S608
        f"WHERE person_id IN ({people.subquery})",
        people,
    ):
        if readable:
            notes[person_id].append(None if at is None else (at, day))
        else:
            unreadable.add(NOTE)
    return Journal(records, dict(notes))
