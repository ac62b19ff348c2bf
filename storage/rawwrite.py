"""Batched inserts straight to the DB-API, for the sync hot path.

SQLAlchemy's per-value type processing costs more than SQLite itself when
10,000 rows arrive at once; here each column's conversion is worked out once
per table and the rows go to `executemany` as plain tuples, in the same
formats SQLAlchemy itself would have stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Boolean, Connection, Date, DateTime, Table

from storage.change_row import JOURNAL_UTC
from storage.tables.base import UtcDateTime

Convert = Callable[[Any], Any]


def _datetime(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        # Already in the stored form (a stamp the caller made once for many rows).
        if len(value) == 26 and value[10] == " " and value[19] == ".":
            return value
        # The journal writes UTC as "YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00": reshape it
        # without parsing (most of a large pull); anything else (another offset, a
        # week date, the basic form) takes the slow road.
        if JOURNAL_UTC.fullmatch(value):
            return f"{value[:10]} {value[11:19]}.{value[20:26] if value[19] == '.' else '000000'}"
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        raise ValueError("naive datetime: record times in UTC")
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def stored_utc(value: datetime) -> str:
    """A UTC time in the form SQLAlchemy stores it, for a stamp shared by many rows."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _date(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    assert isinstance(value, date)
    return value.isoformat()


def _bool(value: Any) -> Any:
    return None if value is None else int(bool(value))


def _identity(value: Any) -> Any:
    return value


def _converter(column_type: Any) -> Convert:
    if isinstance(column_type, UtcDateTime | DateTime):
        return _datetime
    if isinstance(column_type, Date):
        return _date
    if isinstance(column_type, Boolean):
        return _bool
    return _identity


def stored_form(column_type: Any) -> Convert:
    """How a journal value of this column type is put in the laptop's table (the
    conversion insert_many applies), for checks that must see what SQLite will see."""
    return _converter(column_type)


_PLANS: dict[str, tuple[tuple[str, ...], Callable[[Any], Any], list[tuple[int, Convert]]]] = {}


def insert_many(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT every row (missing keys are NULL) in one executemany."""
    if not rows:
        return
    plan = _PLANS.get(table.name)
    if plan is None:
        names = tuple(c.name for c in table.columns)
        # Only the columns whose stored form differs from the value are converted.
        converted = [
            (i, convert)
            for i, convert in enumerate(_converter(c.type) for c in table.columns)
            if convert is not _identity
        ]
        # (itemgetter of one name gives the value alone, not a tuple of it.)
        every = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
        plan = (names, every, converted)
        _PLANS[table.name] = plan
    names, every_column, converted = plan
    params: list[tuple[Any, ...]] = []
    for row in rows:
        try:
            # Most rows carry every column: read in one call (C), not one get a column.
            values = list(every_column(row))
        except KeyError:
            values = list(map(row.get, names))
        for i, convert in converted:
            values[i] = convert(values[i])
        params.append(tuple(values))
    insert_rows(conn, table, names, params)


_STATEMENTS: dict[tuple[str, tuple[str, ...]], str] = {}


def insert_rows(
    conn: Connection, table: Table, names: tuple[str, ...], rows: Sequence[tuple[Any, ...]]
) -> None:
    """INSERT rows that are already in their stored form, each a tuple in `names`'
    order, in one executemany (the journal's rows of a pull: storage/change_row.py)."""
    if not rows:
        return
    sql = _STATEMENTS.get((table.name, names))
    if sql is None:
        quoted = ", ".join(f'"{name}"' for name in names)
        marks = ", ".join("?" for _ in names)
        # Names come from our own table definitions, values only ever as parameters.
        sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})'  # noqa: S608
        _STATEMENTS[(table.name, names)] = sql
    conn.exec_driver_sql(sql, rows)


def present(conn: Connection, table: Table, column: str, keys: Sequence[str]) -> set[str]:
    """Which of `keys` the table holds in `column` (an indexed one), in one statement:
    the keys go in as one JSON parameter. An IN list of bound parameters was SQLAlchemy
    rendering a statement of 500 marks anew for every 500 keys of a pulled page."""
    if not keys:
        return set()
    # Names come from our own table definitions, keys only ever as one parameter.
    sql = (
        f'SELECT "{column}" FROM "{table.name}" '  # noqa: S608
        f'WHERE "{column}" IN (SELECT value FROM json_each(?))'
    )
    return {row[0] for row in conn.exec_driver_sql(sql, (json.dumps(list(keys)),))}
