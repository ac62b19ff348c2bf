"""Column values to and from the JSON the journal stores."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect as sa_inspect

from storage.tables.base import UNJOURNALLED_COLUMNS, Base
from storage.withheld import shown_row


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


_DECODERS: dict[type[Base], dict[str, Any]] = {}


def _decoders(cls: type[Base]) -> dict[str, Any]:
    if cls not in _DECODERS:
        found: dict[str, Any] = {}
        for column in sa_inspect(cls).columns:
            python_type = getattr(column.type, "impl", column.type).python_type
            if python_type is datetime:
                found[column.key] = datetime.fromisoformat
            elif python_type is date:
                found[column.key] = date.fromisoformat
        _DECODERS[cls] = found
    return _DECODERS[cls]


def decode_row(cls: type[Base], values: dict[str, Any]) -> dict[str, Any]:
    """Journal JSON back into column values: ISO strings to dates and datetimes."""
    decoders = _decoders(cls)
    return {
        key: (decoders[key](value) if key in decoders and isinstance(value, str) else value)
        for key, value in shown_row(values).items()
    }
