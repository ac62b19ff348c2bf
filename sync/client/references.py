"""References a pulled page leaves pointing at nothing: a note about a person who is
not on this laptop, a goal of a plan that never came, a record removed while
others still name it.

Pulls apply with foreign keys deferred (a child may arrive before its parent in
one page), so SQLite would only notice at commit, and fail the whole page and
every sync after it. `check_page` asks the same question first, cheaply, about
the rows the page touched; `settle` (after a page has gone change by change)
finds every such reference with SQLite's own `foreign_key_check` and says which
record of the page is to blame, so its changes can be kept aside.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, ForeignKey, Table

from storage.tables import CaseloadSummary, journalled_tables
from storage.tables.base import Base

logger = logging.getLogger(__name__)

NAMES_MISSING = "it refers to a record that is not on this laptop"
STILL_NAMED = "it removes a record that other records still refer to"

_TABLES = journalled_tables()
# Derived from the records (triggers keep it): an orphan row is simply dropped.
_DERIVED = {CaseloadSummary.__tablename__}


class DanglingError(Exception):
    """A page left a reference to a record that is not here."""


def _foreign_keys(table: Table) -> list[ForeignKey]:
    return sorted(table.foreign_keys, key=lambda fk: fk.parent.name)


def _referrers(name: str) -> Iterator[tuple[str, str]]:
    """(table, column) of every column that refers to table `name`."""
    for table in Base.metadata.tables.values():
        for fk in _foreign_keys(table):
            if fk.column.table.name == name:
                yield table.name, fk.parent.name


def check_page(
    conn: Connection, touched: dict[str, list[str]], removed: dict[str, list[str]]
) -> None:
    """Raise DanglingError if a row the page touched names a record that is not here,
    or a record the page removed is still named. One indexed query per table."""
    for entity, ids in touched.items():
        table: Any = _TABLES[entity].__table__
        keys = _foreign_keys(table)
        if not keys:
            continue
        # Names come from our own table definitions; ids only ever as a parameter.
        missing = " OR ".join(
            f'(c."{fk.parent.name}" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM '  # noqa: S608
            f'"{fk.column.table.name}" p WHERE p."{fk.column.name}" = c."{fk.parent.name}"))'
            for fk in keys
        )
        sql = (
            f'SELECT 1 FROM "{table.name}" c WHERE c.id IN '  # noqa: S608
            f"(SELECT value FROM json_each(?)) AND ({missing}) LIMIT 1"
        )
        if conn.exec_driver_sql(sql, (json.dumps(ids),)).first() is not None:
            raise DanglingError()
    for entity, ids in removed.items():
        for child, column in _referrers(entity):
            sql = (
                f'SELECT 1 FROM "{child}" WHERE "{column}" IN '  # noqa: S608
                "(SELECT value FROM json_each(?)) LIMIT 1"
            )
            if conn.exec_driver_sql(sql, (json.dumps(ids),)).first() is not None:
                raise DanglingError()


def settle(
    conn: Connection, touched: dict[str, list[str]], removed: dict[str, list[str]]
) -> Iterator[tuple[tuple[str, str], str]]:
    """Yield ((entity, id), reason) for each record of the page to take back out, until
    nothing refers to a missing record. The caller takes each one out before asking
    for the next (that may free others). Orphan rows of derived tables are dropped.
    Raises DanglingError if a reference cannot be blamed on the page."""
    mine = {(entity, entity_id) for entity, ids in touched.items() for entity_id in ids}
    deleted = {(entity, entity_id) for entity, ids in removed.items() for entity_id in ids}
    blamed: set[tuple[str, str]] = set()
    while True:
        found = _violations(conn)
        if not found:
            return
        progress = False
        for table, rowid, row_id, parent, named in found:
            if row_id is None or named is None:
                continue
            if table in _DERIVED:
                conn.exec_driver_sql(f'DELETE FROM "{table}" WHERE rowid = ?', (rowid,))  # noqa: S608
                progress = True
            elif (table, row_id) in mine and (table, row_id) not in blamed:
                blamed.add((table, row_id))
                progress = True
                yield (table, row_id), NAMES_MISSING
            elif (parent, named) in deleted and (parent, named) not in blamed:
                blamed.add((parent, named))
                progress = True
                yield (parent, named), STILL_NAMED
        if not progress:
            logger.error("a pulled page left references that cannot be traced to it")
            raise DanglingError()


def _violations(conn: Connection) -> list[tuple[str, int, str | None, str, str | None]]:
    """(table, rowid, row's id, parent table, the id it names) for every broken reference."""
    found: list[tuple[str, int, str | None, str, str | None]] = []
    lists: dict[str, Sequence[Any]] = {}
    checked: Sequence[Any] = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    for table, rowid, parent, fkid in checked:
        if table not in lists:
            lists[table] = conn.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")').all()
        # foreign_key_list: (id, seq, table, from, to, ...); one column per key here.
        column = next(row[3] for row in lists[table] if row[0] == fkid)
        key = "id" if table in _TABLES else column
        row = conn.exec_driver_sql(
            f'SELECT "{key}", "{column}" FROM "{table}" WHERE rowid = ?',  # noqa: S608
            (rowid,),
        ).first()
        if row is not None:
            found.append((table, rowid, row[0], parent, row[1]))
    return found
