"""A counter that moves whenever anyone's caseload, or what a laptop holds of it, may
have: every row written to `person_team` (who is on which team), `break_glass_scope`
(who may be held by a grant) and `device_people` (whom each laptop was sent, and told
to remove) adds one, by a trigger in the database itself, so no writer (a push, a
partner's pull, an administrator's tool, a fix made by hand) can change either
without moving it.

A quiet pull reads it to skip working out whom to send and whom to remove
(sync/server/store.py): for a 5,000-person team those two set differences were
most of a sync with nothing to do. Read before anything else in the pull, so a
write that lands meanwhile can only make the next pull work it out again.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, select, text

from sync.server import schema as s

# The tables whose rows decide which people a laptop may hold.
_SCOPE_TABLES = ("person_team", "break_glass_scope", "device_people")
_POSTGRES_FUNCTION = "onerecord_scope_moved"


def install(engine: Engine) -> None:
    """The counter's row and its triggers, made once (each statement is idempotent)."""
    with engine.begin() as conn:
        if conn.execute(select(s.scope_version.c.n)).first() is None:
            conn.execute(s.scope_version.insert().values(id=1, n=0))
        if engine.dialect.name == "sqlite":
            _sqlite_triggers(conn)
        else:
            _postgres_triggers(conn)


def current(conn: Connection) -> int:
    return int(conn.execute(select(s.scope_version.c.n)).scalar_one())


def _sqlite_triggers(conn: Connection) -> None:
    for table in _SCOPE_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            # Names come from this module's own constants, never from input.
            conn.exec_driver_sql(
                f"CREATE TRIGGER IF NOT EXISTS {table}_scope_{event.lower()} "  # noqa: S608
                f"AFTER {event} ON {table} "
                "BEGIN UPDATE scope_version SET n = n + 1 WHERE id = 1; END"
            )


def _postgres_triggers(conn: Connection) -> None:
    # This schema's tables only (to_regclass follows the search path, as the triggers'
    # tables do): another schema's triggers of the same name say nothing of these.
    missing = [
        table
        for table in _SCOPE_TABLES
        if conn.execute(
            text("SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(:table) AND tgname = :name"),
            {"table": table, "name": f"{table}_scope"},
        ).first()
        is None
    ]
    if not missing:
        return  # as it should be: no DDL at every start
    conn.exec_driver_sql(
        f"CREATE OR REPLACE FUNCTION {_POSTGRES_FUNCTION}() RETURNS trigger "  # noqa: S608
        "LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE scope_version SET n = n + 1 WHERE id = 1; RETURN NULL; END $$"
    )
    for table in missing:
        # Per row, as SQLite's: a statement that writes no row (a pull's delete of
        # evictions already confirmed, most often none) moves nothing. TRUNCATE fires no
        # row trigger, so it has its own.
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_scope AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {_POSTGRES_FUNCTION}()"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_scope_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_POSTGRES_FUNCTION}()"
        )
