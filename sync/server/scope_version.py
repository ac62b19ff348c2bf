"""A token that changes whenever anyone's caseload, or what a laptop holds of it, may
have: every row written to `person_team` (who is on which team), `break_glass_scope`
(who may be held by a grant) and `device_people` (whom each laptop was sent, and told
to remove) adds one, by a trigger in the database itself, so no writer (a push, a
partner's pull, an administrator's tool, a fix made by hand) can change either
without changing it. A random token, not a count: a database put back from a
backup, or a replica that lost its last commits, could count up to a number a
server already vouched for with other data behind it; a token never comes back.

A quiet pull reads it to skip working out whom to send and whom to remove
(sync/server/store.py): for a 5,000-person team those two set differences were
most of a sync with nothing to do. Read before anything else in the pull, so a
write that lands meanwhile can only make the next pull work it out again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sync.server import schema as s

# The tables whose rows decide which people a laptop may hold.
_SCOPE_TABLES = ("person_team", "break_glass_scope", "device_people")
_POSTGRES_FUNCTION = "onerecord_scope_moved"
_SQLITE_FRESH = "lower(hex(randomblob(16)))"
_POSTGRES_FRESH = "md5(random()::text || clock_timestamp()::text)"
# Two servers opening one PostgreSQL database at once: one installs, the other waits.
_INSTALL_LOCK = 7_171_021
# PostgreSQL: set for the length of a pull's transaction (`in_a_pull`); the trigger
# then leaves the token alone. Its name in the function's text says the function is
# this version's (an older one is replaced at the next start).
_IN_A_PULL = "onerecord.in_pull"


def install(engine: Engine) -> None:
    """The token's row and its triggers, made once (each step is idempotent, and safe
    when two server processes open the database together)."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as conn:
        if not sqlite:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _INSTALL_LOCK})
        insert: Any = sqlite_insert if sqlite else postgres_insert
        conn.execute(
            insert(s.scope_version)
            .values(id=1, token=text(_SQLITE_FRESH if sqlite else _POSTGRES_FRESH))
            .on_conflict_do_nothing(index_elements=["id"])
        )
        if sqlite:
            _sqlite_triggers(conn)
        else:
            _postgres_triggers(conn)


def current(conn: Connection) -> str:
    return str(conn.execute(TOKEN).scalar_one())


def in_a_pull(conn: Connection) -> None:
    """PostgreSQL: this transaction is a pull, whose writes to device_people (whom it
    sends, whom it tells to remove) leave the token as it is.

    A pull reads from one snapshot (REPEATABLE READ), and every pull that sent or
    removed someone wrote the token's one row: two laptops' pulls at once then
    collided on it, and the later one failed (twenty laptops syncing together met
    it again and again). What a pull writes is that laptop's own holdings, which no
    other laptop's pull is settled on, and it settles its own laptop's pulls itself
    (`ServerStore.pull`); a generation it gives out is in the laptop's next cursor,
    which changes what that laptop is settled on. Every other writer of these
    tables (a push moving someone, a grant, an administrator, a fix made by hand)
    still moves the token. SQLite takes one write at a time and needs none of it."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL {_IN_A_PULL} = 'on'")


TOKEN = select(s.scope_version.c.token)  # every pull reads it: built once


def _sqlite_triggers(conn: Connection) -> None:
    for table in _SCOPE_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            # Names come from this module's own constants, never from input.
            conn.exec_driver_sql(
                f"CREATE TRIGGER IF NOT EXISTS {table}_scope_{event.lower()} "  # noqa: S608
                f"AFTER {event} ON {table} "
                f"BEGIN UPDATE scope_version SET token = {_SQLITE_FRESH} WHERE id = 1; END"
            )


def _postgres_triggers(conn: Connection) -> None:
    # This schema's tables only (to_regclass follows the search path, as the triggers'
    # tables do): another schema's triggers of the same name say nothing of these. A
    # trigger someone disabled counts as missing: it is made again, enabled.
    missing = [
        table
        for table in _SCOPE_TABLES
        if conn.execute(
            text(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(:table) "
                "AND tgname IN (:row, :truncate) AND tgenabled <> 'D'"
            ),
            {"table": table, "row": f"{table}_scope", "truncate": f"{table}_scope_truncate"},
        ).scalar_one()
        < 2
    ]
    # This schema's function, and whether it is this version's (it knows a pull).
    current_function: int = conn.execute(
        text(
            "SELECT count(*) FROM pg_proc WHERE proname = :name "
            "AND pronamespace = current_schema()::regnamespace AND prosrc LIKE :marker"
        ),
        {"name": _POSTGRES_FUNCTION, "marker": f"%{_IN_A_PULL}%"},
    ).scalar_one()
    if not missing and current_function:
        return  # as it should be: no DDL at every start
    # The schema it is made in, whatever the search path of a later writer (a fix made
    # by hand in psql would otherwise change another schema's token, or fail).
    conn.exec_driver_sql(
        f"CREATE OR REPLACE FUNCTION {_POSTGRES_FUNCTION}() RETURNS trigger "  # noqa: S608
        "LANGUAGE plpgsql SET search_path FROM CURRENT AS $$ BEGIN "
        f"IF current_setting('{_IN_A_PULL}', true) IS DISTINCT FROM 'on' THEN "
        f"UPDATE scope_version SET token = {_POSTGRES_FRESH} WHERE id = 1; END IF; "
        "RETURN NULL; END $$"
    )
    for table in missing:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_scope ON {table}")
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_scope_truncate ON {table}")
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
