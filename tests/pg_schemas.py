"""Throwaway PostgreSQL schemas: one per server database a test makes, all dropped
when the test process ends.

The test database outlives a run (scripts/postgres.sh makes it once per machine).
Schemas left behind piled up run after run, and every server opening asks the
catalog which of its tables exist: with 6,000 schemas left from earlier runs that
question took 90 ms, a third of a second per server, and grew with every run. So
each process drops what it made when its session ends (not after each test: a
module's fixtures keep one server for many tests), and CI sweeps up what a killed
run left (scripts/postgres.sh)."""

from __future__ import annotations

import logging
import uuid

import sqlalchemy as sa

logger = logging.getLogger(__name__)

# The names scripts/postgres.sh sweeps up: "t" and twelve hex digits.
PREFIX = "t"
_made: list[tuple[str, str]] = []  # (database URL, schema), in the order made


def fresh_schema_url(base: str) -> str:
    """A new empty schema in the database at `base`, and the URL that uses it."""
    schema = f"{PREFIX}{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    finally:
        engine.dispose()
    _made.append((base, schema))
    return f"{base}?options=-csearch_path%3D{schema}"


def drop_made() -> int:
    """Drop every schema this process made; how many went. One still locked (a
    connection left open by a failed test) is left for the CI sweep, not waited for."""
    dropped = 0
    for base in sorted({base for base, _ in _made}):
        engine = sa.create_engine(base)
        try:
            for schema in [name for made_in, name in _made if made_in == base]:
                try:
                    with engine.begin() as conn:
                        conn.execute(sa.text("SET LOCAL lock_timeout = '2s'"))
                        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                    dropped += 1
                except sa.exc.SQLAlchemyError as exc:
                    logger.warning("a test schema was left behind: %s", type(exc).__name__)
        finally:
            engine.dispose()
    _made.clear()
    return dropped
