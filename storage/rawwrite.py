"""Batched inserts straight to the DB-API, for the sync hot path.

SQLAlchemy's per-value type processing costs more than SQLite itself when
10,000 rows arrive at once; here each column's conversion is worked out once
per table and the rows go to `executemany` as plain tuples, in the same
formats SQLAlchemy itself would have stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Connection, Date, DateTime, Table

from storage.tables.base import UtcDateTime

Convert = Callable[[Any], Any]


def _datetime(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        # The journal writes UTC as "YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00": reshape it
        # without parsing (most of a large pull); anything else takes the slow road.
        if len(value) == 25 and value.endswith("+00:00"):
            return f"{value[:10]} {value[11:19]}.000000"
        if len(value) == 32 and value.endswith("+00:00") and value[19] == ".":
            return f"{value[:10]} {value[11:26]}"
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        raise ValueError("naive datetime: record times in UTC")
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


_PLANS: dict[str, tuple[str, list[tuple[str, Convert]]]] = {}


def insert_many(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT every row (missing keys are NULL) in one executemany."""
    if not rows:
        return
    plan = _PLANS.get(table.name)
    if plan is None:
        columns = [(c.name, _converter(c.type)) for c in table.columns]
        names = ", ".join(f'"{name}"' for name, _ in columns)
        marks = ", ".join("?" for _ in columns)
        # Names come from our own table definitions, values only ever as parameters.
        plan = (f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', columns)  # noqa: S608
        _PLANS[table.name] = plan
    sql, columns = plan
    params = [tuple(convert(row.get(name)) for name, convert in columns) for row in rows]
    conn.exec_driver_sql(sql, params)
