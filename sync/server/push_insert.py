"""Pushed changes into the `changes` table in one bulk statement.

A batch of 2,000 goes to the database driver as plain tuples (SQLite's own
executemany; PostgreSQL's COPY, the fastest way in) rather than through
SQLAlchemy's per-row parameter processing, which cost more than the insert
itself. `seq` is left to the database (arrival order).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from storage.change_row import CHANGE_FIELDS
from sync.protocol import Change
from sync.server import schema as s

# The changes table's columns as a push fills them (every column but `seq`): the
# change row (storage/change_row.py), then whose record it is and when it came.
COLUMNS = (*CHANGE_FIELDS, "person_id", "received_at")


def _mark(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def one_of(conn: Connection, column: str, ids: Sequence[str]) -> tuple[str, tuple[Any, ...]]:
    """SQL text and parameters for "`column` is one of `ids`", written for the driver
    directly (SQLAlchemy renders an IN list of 2,000 bound values afresh every batch):
    on PostgreSQL one array parameter (psycopg parses a query of 2,000 placeholders
    in Python, each time), on SQLite an IN list (at most 2,000: SQLite's own limit
    on parameters is far above)."""
    if conn.dialect.name == "postgresql":
        return f"{column} = ANY(%s)", (list(ids),)
    return f"{column} IN ({', '.join([_mark(conn)] * len(ids))})", tuple(ids)


def held_ids(conn: Connection, ids: Sequence[str]) -> set[str]:
    """Which of these change ids the server holds already (duplicates of a push)."""
    table = conn.dialect.identifier_preparer.quote(s.changes.name)
    held: set[str] = set()
    for start in range(0, len(ids), 2_000):
        where, params = one_of(conn, "change_id", ids[start : start + 2_000])
        found = conn.exec_driver_sql(f"SELECT change_id FROM {table} WHERE {where}", params)  # noqa: S608
        held.update(found.scalars())
    return held


def insert_changes(
    conn: Connection, kept: Sequence[tuple[Change, str | None]], received_at: datetime
) -> None:
    """Insert each (change, whose person) in one statement, inside the caller's
    transaction. A change id already held raises SQLAlchemy's IntegrityError on
    either database (the store retries a push that raced another)."""
    dialect = conn.dialect
    # The column type's own conversion (SQLite keeps DateTime as text), done once.
    process = s.changes.c.received_at.type.dialect_impl(dialect).bind_processor(dialect)
    received: Any = process(received_at) if process else received_at
    rows = [
        (
            c.change_id,
            c.hlc,
            c.device_id,
            c.author_id,
            c.organisation_id,
            c.entity,
            c.entity_id,
            c.op,
            c.field,
            c.value,
            json.dumps(c.bases) if c.bases else None,
            c.recorded_at,
            person_id,
            received,
        )
        for c, person_id in kept
    ]
    insert_rows(conn, s.changes.name, COLUMNS, rows)


def insert_rows(
    conn: Connection, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Rows (tuples in `columns` order) into a table in one statement, by the fastest way
    in on each database (COPY on PostgreSQL), inside the caller's transaction."""
    if not rows:
        return
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        _copy(conn, f"COPY {quote(table)} ({names}) FROM STDIN", rows)
        return
    marks = ", ".join([_mark(conn)] * len(columns))
    conn.exec_driver_sql(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _copy(conn: Connection, statement: str, rows: Sequence[tuple[Any, ...]]) -> None:
    import psycopg

    driver: Any = conn.connection.driver_connection  # psycopg's own connection
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.IntegrityError as exc:
        # As SQLAlchemy would have raised it for its own statement.
        raise IntegrityError(statement, None, exc) from None
