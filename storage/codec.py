"""Column values to and from the JSON the journal stores."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import inspect as sa_inspect

from storage.tables.base import UNJOURNALLED_COLUMNS, Base


def encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


@cache
def journalled_columns(cls: type[Base]) -> tuple[str, ...]:
    return tuple(
        attr.key
        for attr in sa_inspect(cls).column_attrs
        if attr.key not in UNJOURNALLED_COLUMNS
    )


def row_of(obj: Base) -> dict[str, Any]:
    """The journalled fields of an ORM object, JSON-ready."""
    return {key: encode(getattr(obj, key)) for key in journalled_columns(type(obj))}
