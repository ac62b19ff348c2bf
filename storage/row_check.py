"""Can a table hold this journalled value? The checks a pulled change passes before
it is applied, so a row made by hand on a server (a required value missing, a date
that is not a date, a number where text belongs) is kept aside with a plain reason
instead of failing the sync, or being stored and failing every read after it.

Only what the columns themselves say: required or not, and the type. Code lists,
lengths and references are the database's own constraints (a failure there is
caught when the change is applied), and the record model's wider rules are the
server's to enforce. Reasons name the field, never the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer
from sqlalchemy import inspect as sa_inspect

from storage.codec import journalled_columns
from storage.tables.base import Base
from storage.withheld import is_withheld

_INT_RANGE = range(-(2**63), 2**63)


@dataclass(frozen=True)
class _Column:
    name: str
    kind: str  # "text", "int", "bool", "date", "datetime"
    required: bool


def _kind(column_type: Any) -> str:
    if isinstance(column_type, DateTime) or isinstance(
        getattr(column_type, "impl", None), DateTime
    ):
        return "datetime"
    if isinstance(column_type, Date):
        return "date"
    if isinstance(column_type, Boolean):
        return "bool"
    if isinstance(column_type, Integer):
        return "int"
    return "text"


_PLANS: dict[type[Base], dict[str, _Column]] = {}


def _columns(cls: type[Base]) -> dict[str, _Column]:
    plan = _PLANS.get(cls)
    if plan is None:
        mapped = sa_inspect(cls).columns
        plan = {
            name: _Column(name, _kind(mapped[name].type), not mapped[name].nullable)
            for name in journalled_columns(cls)
        }
        _PLANS[cls] = plan
    return plan


def row_problem(cls: type[Base], entity_id: str, row: Any) -> str | None:
    """Why a whole row (a create or an append) cannot be stored, or None."""
    if not isinstance(row, dict):
        return "it is not a whole record"
    if row.get("id") != entity_id:
        return "the record inside it is not the one it names"
    get = row.get
    for column in _columns(cls).values():
        value = get(column.name)
        # Most values of a pulled page are text in a text column: settled here, without
        # a call per field (a first download checks millions of them).
        if type(value) is str and column.kind == "text":
            continue
        if problem := _value_problem(column, value):
            return problem
    return None


def value_problem(cls: type[Base], field: str, value: Any) -> str | None:
    """Why one field's new value (a set) cannot be stored, or None. A field this
    laptop does not know is not a problem: the merge leaves it out."""
    column = _columns(cls).get(field)
    if column is None:
        return None
    if column.name == "id":
        return "it changes a record's id"
    return _value_problem(column, value)


def _value_problem(column: _Column, value: Any) -> str | None:
    if value is None:
        return f"a required value is missing ({column.name})" if column.required else None
    kind = column.kind
    if is_withheld(value):
        # The server withholds restricted text, never anything else.
        return None if kind == "text" else f"{column.name} is withheld but is not text"
    if kind == "text":
        ok = isinstance(value, str)
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and value in _INT_RANGE
    elif kind == "bool":
        ok = isinstance(value, bool) or (isinstance(value, int) and value in (0, 1))
    elif kind == "date":
        # Only the journal's own form (YYYY-MM-DD): it is stored as it comes, and
        # another ISO form ("20261205") would be stored but never read back.
        ok = isinstance(value, str) and _canonical_date(value)
    else:
        ok = isinstance(value, str) and _aware(value)
    return None if ok else f"{column.name} is not {_NAMES[kind]}"


_NAMES = {
    "text": "text",
    "int": "a whole number",
    "bool": "yes or no",
    "date": "a date",
    "datetime": "a date and time",
}


def _canonical_date(text: str) -> bool:
    try:
        return date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def _aware(text: str) -> bool:
    # Any ISO 8601 time with its offset (a laptop may record one in another offset);
    # storage/rawwrite.py stores each as UTC, reshaping only the journal's own form.
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False
