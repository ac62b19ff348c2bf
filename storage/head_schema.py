"""A new profile's schema: what the migrations make of an empty database, made once
per process and then written into each new database in one transaction.

Running the seventeen migrations on an empty encrypted database takes about half a
second, most of it Alembic reflecting and rebuilding tables (SQLite can only change
a constraint by copying its table). Every new profile ends at the same schema, so the
migrations run once, on a plain database in memory (nothing is on disk, and it holds
no data but the schema's version), and what they made (every table, index and
trigger as SQLite stored their SQL, and the rows the migrations left) is then
replayed into the new database. The result is the migrations' own, statement for
statement; tests/storage/test_head_schema.py holds a profile made this way equal
to one migrated step by step, schema and rows.

Existing profiles are still upgraded by the migrations themselves (storage/migrate.py),
and a profile made at an older revision (the upgrade tests' fixtures) is migrated
to it, not made from this.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import StaticPool

from storage import migrate

_lock = threading.Lock()


@dataclass(frozen=True)
class HeadSchema:
    """What the migrations made: (kind, SQL) in the order SQLite stored them, and
    each table's rows (table name, columns, rows)."""

    statements: tuple[tuple[str, str], ...]
    rows: tuple[tuple[str, tuple[str, ...], tuple[tuple[Any, ...], ...]], ...]


_made: HeadSchema | None = None


def head_schema() -> HeadSchema:
    """The head schema, migrated once per process (later calls reuse it)."""
    global _made
    with _lock:
        if _made is None:
            _made = _migrated_in_memory()
        return _made


def _migrated_in_memory() -> HeadSchema:
    # SQLCipher's own SQLite without a key: a plain database, in this process's memory.
    engine = create_engine("sqlite://", module=sqlcipher, poolclass=StaticPool)
    try:
        migrate.upgrade(engine, "head")
        with engine.connect() as conn:
            raw: Any = conn.connection.dbapi_connection
            return read_schema(raw)
    finally:
        engine.dispose()


def read_schema(raw: Any) -> HeadSchema:
    """A database's schema and rows as HeadSchema (also how the test compares two)."""
    entries = raw.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    statements = tuple((kind, sql) for kind, name, sql in entries if not name.startswith("sqlite_"))
    # SQLite's own tables (statistics, sequences) are made by SQLite, not copied; a
    # kind of table this replay does not know how to copy is refused, not half-made.
    if any(
        kind not in ("table", "index", "trigger") or _not_plain(sql) for kind, sql in statements
    ):
        raise RuntimeError("head_schema copies plain tables, indexes and triggers only")
    tables = [
        name for kind, name, _sql in entries if kind == "table" and not name.startswith("sqlite_")
    ]
    rows = []
    for name in tables:
        cursor = raw.execute(f'SELECT * FROM "{name}" ORDER BY rowid')  # noqa: S608 (our own names)
        found = tuple(cursor.fetchall())
        if found:
            columns = tuple(d[0] for d in cursor.description)
            rows.append((name, columns, found))
    return HeadSchema(statements, tuple(rows))


def _not_plain(sql: str) -> bool:
    return "VIRTUAL TABLE" in sql or "WITHOUT ROWID" in sql


def write_head_schema(engine: Engine) -> None:
    """Make a new, empty database's schema the head schema, in one transaction: tables
    first, then the migrations' rows, then indexes and triggers (so no trigger fires
    on rows copied as the migrations left them)."""
    schema = head_schema()
    tables = [sql for kind, sql in schema.statements if kind == "table"]
    indexes = [sql for kind, sql in schema.statements if kind == "index"]
    triggers = [sql for kind, sql in schema.statements if kind == "trigger"]
    with engine.connect() as conn:
        raw: Any = conn.connection.dbapi_connection
        with conn.begin():
            # Rows go in before the records they name may exist: checked at commit.
            raw.execute("PRAGMA defer_foreign_keys = ON")
            for sql in tables:
                raw.execute(sql)
            for table, columns, rows in schema.rows:
                names = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join("?" for _ in columns)
                raw.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)  # noqa: S608
            for sql in indexes + triggers:
                raw.execute(sql)
