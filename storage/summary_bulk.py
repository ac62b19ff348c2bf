"""Many rows into a table the caseload summary follows, with one summary refresh
per person instead of one per row.

The summary triggers (storage/migrations/summary_triggers_0008.py) refresh a
person's caseload_summary row after every insert. One at a time that is cheap;
for a pull of 10,000 visit notes it is most of the work: each trigger run opens
a statement journal and a trigger frame, and with `cipher_memory_security` on
every such allocation is wiped and (un)locked by SQLCipher. So a large insert
drops the table's insert trigger inside its own transaction, inserts, puts the
trigger back exactly as it was (its SQL is read from the schema, so whatever
migration defined it last still defines it), and then has the update trigger
refresh each touched person once. DDL in SQLite is transactional: if anything
fails the rollback restores the trigger, and no other connection ever sees the
table without it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from sqlalchemy import Connection, Table

from storage.rawwrite import insert_many

# Below this many rows the per-row trigger costs less than changing the schema
# (which makes every connection re-prepare its statements).
BULK_ROWS = 200


def insert_many_summarised(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """insert_many, keeping caseload_summary right for every person the rows name."""
    with summary_refreshed_once(conn, table, rows):
        insert_many(conn, table, rows)


@contextmanager
def summary_refreshed_once(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]]
) -> Iterator[None]:
    """Around an insert of `rows` into `table`: lift the per-row summary trigger
    when there are many rows, then refresh the summary once per person they name."""
    trigger = f"{table.name}_summary_ai"
    definition = (
        conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (trigger,)
        ).scalar()
        if len(rows) >= BULK_ROWS and "person_id" in table.c
        else None
    )
    if definition is None:
        yield
        return
    # Names come from our own table definitions; values only ever as parameters.
    conn.exec_driver_sql(f'DROP TRIGGER "{trigger}"')
    try:
        yield
    except BaseException:
        # The caller's rollback restores the trigger. SQLite may have rolled back by
        # itself already (a full disk): then it is back, and creating it again would
        # hide the real error. Put it back only if it is missing, never raising here.
        with suppress(Exception):
            if _missing(conn, trigger):
                conn.exec_driver_sql(definition)
        raise
    conn.exec_driver_sql(definition)
    people = sorted({row["person_id"] for row in rows if row.get("person_id")})
    # Touch one row per person: the update trigger refreshes that person's summary
    # from all their rows, the same expression the insert trigger would have run.
    conn.exec_driver_sql(
        f'UPDATE "{table.name}" SET person_id = person_id WHERE rowid IN ('  # noqa: S608
        f'SELECT max(rowid) FROM "{table.name}" WHERE person_id IN '
        "(SELECT value FROM json_each(?)) GROUP BY person_id)",
        (json.dumps(people),),
    )


def _missing(conn: Connection, trigger: str) -> bool:
    found = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?", (trigger,)
    ).scalar()
    return found is None
