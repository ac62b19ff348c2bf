"""Column values to and from the JSON the journal stores."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect as sa_inspect

from storage.tables.base import UNJOURNALLED_COLUMNS, Base


def encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


_COLUMNS: dict[type[Base], tuple[str, ...]] = {}


def journalled_columns(cls: type[Base]) -> tuple[str, ...]:
    if cls not in _COLUMNS:
        _COLUMNS[cls] = tuple(
            a.key for a in sa_inspect(cls).column_attrs if a.key not in UNJOURNALLED_COLUMNS
        )
    return _COLUMNS[cls]


def row_of(obj: Base) -> dict[str, Any]:
    """The journalled fields of an ORM object, JSON-ready."""
    return {key: encode(getattr(obj, key)) for key in journalled_columns(type(obj))}
