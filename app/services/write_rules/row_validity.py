"""Whether a journalled row, or one field's new value, keeps the record model's own rules.

One pure judge of a row as it travels in the change journal (JSON values, as
storage.codec writes them), for the server's refusal path and any laptop path that
wants to know before it applies a row. Nothing here is a second copy of the rules:

- the SQLAlchemy tables (storage/tables) give each column's type, length and
  whether it may be empty (NOT NULL), and their CHECK constraints;
- app/services/record/record_rules.py RULES gives the code lists, ranges, NHS numbers
  and "no date of birth in the future".

A row that passes is one a laptop can store and read back: every required column
present (a pulled row is inserted as it came, missing columns as NULL), every value
of its column's type in the exact form the journal writes it (so it reads back),
no text longer than its column, and every CHECK constraint true when SQLite itself
evaluates it on the values as the laptop would store them.

Reasons name the record and the field, never the value: they go back to the
laptop and are shown to its user, and may be logged.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic_core import SchemaValidator, ValidationError, core_schema, from_json
from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, Integer, String, Table
from sqlalchemy import inspect as sa_inspect

from app.services.record.record_rules import RULES
from storage.codec import journalled_columns
from storage.rawwrite import stored_form
from storage.tables import journalled_tables

logger = logging.getLogger(__name__)

# SQLite (the laptop) holds integers as signed 64-bit.
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1

Check = Callable[[Any], str | None]


def _words(name: str) -> str:
    return name.replace("_", " ")


def _text(limit: int | None) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return "must be text"
        if limit is not None and len(value) > limit:
            return f"is too long ({limit} characters at most)"
        return None

    return check


def _integer(value: Any) -> str | None:
    # bool is an int in Python, but true is not a number in the record.
    if isinstance(value, bool) or not isinstance(value, int):
        return "must be a whole number"
    return None if _INT_MIN <= value <= _INT_MAX else "is too large a number"


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be yes or no (true or false)"


# The form the journal writes (storage.codec.encode): the laptop stores the text as
# it came, and reads back only this form.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(value: Any) -> str | None:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return "must be a date written YYYY-MM-DD"
    try:
        date.fromisoformat(value)
    except ValueError:
        return "is not a real date"
    return None


# The exact shape the journal writes a UTC time in ("2026-11-22T10:00:00[.123456]+00:00";
# isoformat never writes six zeros of microseconds), so that parsing it is the only
# check left. One C-speed match: most values of a large push take this path.
_CANONICAL_UTC = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.(?!000000)[0-9]{6})?\+00:00"
)


def _canonical_utc(value: str) -> bool:
    return _CANONICAL_UTC.fullmatch(value) is not None


def _datetime(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a date and time"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return "is not a real date and time"
    if _canonical_utc(value):
        return None  # most values of a large push: real, and already in the record's form
    if parsed.tzinfo is None:
        return "must say its time zone"
    if parsed.isoformat() != value:
        return "must be a date and time in the form the record writes"
    if parsed.utcoffset():
        try:
            parsed.astimezone(UTC)  # what the laptop stores; overflows near year 1 or 9999
        except OverflowError:
            return "is not a real date and time"
    return None


def _decode_date(value: Any) -> Any:
    return date.fromisoformat(value)


def _decode_datetime(value: Any) -> Any:
    return datetime.fromisoformat(value)


# What a column holds, for row_problem's inline checks of the common cases.
_TEXT, _INTEGER, _BOOLEAN, _DATE, _DATETIME = range(5)


@dataclass(frozen=True)
class _Column:
    name: str
    kind: int
    limit: int | None  # text: its length limit
    # "The <field> of a <record> record", made once: reasons are built only on a refusal.
    where: str
    required: bool
    check: Check
    # The record rule (record_rules.RULES) sees the value as the ORM would hold it.
    decode: Callable[[Any], Any] | None
    rule: Check | None
    stored: Callable[[Any], Any]


@dataclass(frozen=True)
class _Constraint:
    name: str
    columns: tuple[str, ...]
    sql: str


@dataclass(frozen=True)
class _Table:
    name: str
    columns: dict[str, _Column]
    required: tuple[str, ...]
    constraints: tuple[_Constraint, ...]
    typed: SchemaValidator
    # What is left to judge once read_row has found every value of its column's type
    # and, for dates and times, the journal's exact form (read in Rust): that each date
    # and time is a real one, (column, its parser), and the record rules, (column,
    # rule, decode for the rule). Flat, for _beyond_types.
    real: tuple[tuple[str, Callable[[str], Any]], ...]
    rule_calls: tuple[tuple[str, Check, Callable[[Any], Any] | None], ...]


def _column_check(column_type: Any) -> tuple[int, int | None, Check, Callable[[Any], Any] | None]:
    """(kind, text length limit, check, decode for the record rule) of a column type."""
    # Order matters: DateTime before Date (neither is a subclass of the other, but
    # UtcDateTime wraps DateTime), String covers Text (Text is a String).
    kind = getattr(column_type, "impl", column_type)
    kind = kind if not isinstance(kind, type) else kind()
    if isinstance(kind, DateTime):
        return _DATETIME, None, _datetime, _decode_datetime
    if isinstance(kind, Date):
        return _DATE, None, _date, _decode_date
    if isinstance(kind, Boolean):
        return _BOOLEAN, None, _boolean, None
    if isinstance(kind, Integer):
        return _INTEGER, None, _integer, None
    if isinstance(kind, String):
        return _TEXT, kind.length, _text(kind.length), None
    raise TypeError(f"no row check for the column type {kind!r}")


def _constraint(table: Table, found: CheckConstraint, names: set[str]) -> _Constraint:
    sql = str(found.sqltext)
    mentioned = tuple(sorted(n for n in names if re.search(rf"\b{re.escape(n)}\b", sql)))
    # The naming convention prefixes "ck_<table>_" when the table is created.
    name = str(found.name or "check").removeprefix(f"ck_{table.name}_")
    selected = ", ".join(f'? AS "{n}"' for n in mentioned)
    # A CHECK fails only when its expression is false; NULL passes, as in SQLite.
    select = f"SELECT ({sql}) IS NOT 0 FROM (SELECT {selected})"  # noqa: S608
    return _Constraint(name=name, columns=mentioned, sql=select)


def _build() -> dict[str, _Table]:
    rules = {cls.__tablename__: found for cls, found in RULES.items()}
    built: dict[str, _Table] = {}
    for name, cls in journalled_tables().items():
        table: Table = cls.__table__  # type: ignore[assignment]
        wanted = set(journalled_columns(cls))
        columns: dict[str, _Column] = {}
        for column in sa_inspect(cls).columns:
            if column.key not in wanted:
                continue
            kind, limit, check, decode = _column_check(column.type)
            columns[column.key] = _Column(
                name=column.key,
                kind=kind,
                limit=limit,
                where=f"The {_words(column.key)} of a {_words(name)} record",
                required=not column.nullable,
                check=check,
                decode=decode,
                rule=rules.get(name, {}).get(column.key),
                stored=stored_form(column.type),
            )
        constraints = tuple(
            _constraint(table, c, set(columns))
            for c in table.constraints
            if isinstance(c, CheckConstraint)
        )
        built[name] = _Table(
            name=name,
            columns=columns,
            required=tuple(c.name for c in columns.values() if c.required),
            constraints=constraints,
            typed=_typed_reader(columns.values()),
            real=tuple(
                (c.name, datetime.fromisoformat if c.kind == _DATETIME else date.fromisoformat)
                for c in columns.values()
                if c.kind in (_DATE, _DATETIME)
            ),
            rule_calls=tuple(
                (c.name, c.rule, c.decode) for c in columns.values() if c.rule is not None
            ),
        )
    return built


# The journal's forms of a date and a UTC time, for the typed reader (Rust's regex has
# no look-ahead: six digits of microseconds, not all zero, spelled out). Whether the
# date or time is a real one is left to Python's parser (_beyond_types).
_DATE_FORM = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_MICROSECONDS = (
    r"\.(?:[1-9][0-9]{5}|0[1-9][0-9]{4}|00[1-9][0-9]{3}"
    r"|000[1-9][0-9]{2}|0000[1-9][0-9]|00000[1-9])"
)
_UTC_FORM = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:" + _MICROSECONDS + r")?\+00:00$"
)


def _typed_reader(columns: Any) -> SchemaValidator:
    """A reader that accepts a row's JSON only when every value has its column's type,
    length and presence exactly as the checks above require them (strict: no number
    as text, no 1 as true), dates and times in the journal's own form; anything else
    it leaves to those checks, which say why. Never more lenient than they are."""
    fields: dict[str, Any] = {}
    for column in columns:
        if column.kind == _BOOLEAN:
            kind: Any = core_schema.bool_schema(strict=True)
        elif column.kind == _INTEGER:
            kind = core_schema.int_schema(strict=True, ge=_INT_MIN, le=_INT_MAX)
        elif column.kind == _DATE:
            kind = core_schema.str_schema(strict=True, pattern=_DATE_FORM)
        elif column.kind == _DATETIME:
            kind = core_schema.str_schema(strict=True, pattern=_UTC_FORM)
        else:
            kind = core_schema.str_schema(strict=True, max_length=column.limit)
        fields[column.name] = core_schema.typed_dict_field(
            kind if column.required else core_schema.nullable_schema(kind),
            required=column.required,
        )
    return SchemaValidator(
        core_schema.typed_dict_schema(fields, extra_behavior="forbid", strict=True)
    )


_TABLES = _build()
# CHECK constraints are SQL written for SQLite (GLOB): SQLite itself evaluates them,
# in memory, never touching a file. One connection per thread (sqlite3's rule).
_SQLITE = threading.local()


def _evaluator() -> sqlite3.Connection:
    conn: sqlite3.Connection | None = getattr(_SQLITE, "conn", None)
    if conn is None:
        conn = sqlite3.connect(":memory:")
        _SQLITE.conn = conn
    return conn


def _rule_problem(column: _Column, value: Any) -> str | None:
    """The record rule (record_rules.RULES) on a value of the column's type, if it has one."""
    if column.rule is None:
        return None
    problem = column.rule(column.decode(value) if column.decode else value)
    return f"{column.where} breaks the record's rules ({problem})." if problem else None


def _value_problem(column: _Column, value: Any) -> str | None:
    if value is None:
        return f"{column.where} cannot be empty." if column.required else None
    if problem := column.check(value):
        return f"{column.where} {problem}."
    return _rule_problem(column, value)


def _constraint_problem(
    table: _Table, values: Mapping[str, Any], only: Callable[[_Constraint], bool]
) -> str | None:
    conn = _evaluator()
    for constraint in table.constraints:
        if not only(constraint):
            continue
        params = [
            table.columns[n].stored(values.get(n)) if n in table.columns else None
            for n in constraint.columns
        ]
        (holds,) = conn.execute(constraint.sql, params).fetchone()
        if not holds:
            return (
                f"The {_words(table.name)} record breaks the record's rule "
                f"'{_words(constraint.name)}'."
            )
    return None


def read_row(entity: str, text: str) -> tuple[dict[str, Any] | None, bool]:
    """The JSON object a create or append carries (None if the text is not one), and
    whether every value in it already has its column's type, length and presence
    (then row_problem(..., typed=True) judges only what is left). One parse either
    way: the typed reader in Rust for a good row, the plain JSON parser otherwise."""
    table = _TABLES.get(entity)
    if table is not None:
        try:
            return table.typed.validate_json(text), True
        except ValidationError:
            pass
    try:
        value = from_json(text)
    except ValueError:
        return None, False
    return (value if isinstance(value, dict) else None), False


def row_problem(entity: str, row: Mapping[str, Any], *, typed: bool = False) -> str | None:
    """Why this whole row (a create or append, as journal JSON) breaks the record
    model's rules, in one plain sentence; None if it keeps them. Unknown tables and
    fields are for the caller to refuse first. `typed`: read_row found every value
    of its column's type already."""
    table = _TABLES.get(entity)
    if table is None:
        return f"'{entity}' is not a kind of record."
    if typed:
        return _beyond_types(table, row)
    for name in table.required:
        if row.get(name) is None:
            return f"The {_words(entity)} record has no {_words(name)}, which it must have."
    columns = table.columns
    # The hot path of a large push (a few microseconds a row): text, yes/no and UTC
    # times in the journal's form are judged inline, with no call; anything else, or
    # anything that looks wrong, goes to the column's own check, which says why. A
    # reason is built only on a refusal.
    for name, value in row.items():
        column = columns.get(name)
        if column is None:
            return f"'{name}' is not a field of a {_words(entity)} record."
        if value is None:
            continue  # required columns were checked above
        kind = column.kind
        if kind == _TEXT:
            fine = type(value) is str and (column.limit is None or len(value) <= column.limit)
        elif kind == _BOOLEAN:
            fine = type(value) is bool
        elif kind == _DATETIME:
            fine = type(value) is str and _CANONICAL_UTC.fullmatch(value) is not None
            if fine:
                try:
                    datetime.fromisoformat(value)
                except ValueError:
                    fine = False  # the right shape, but not a real time ("25:00")
        else:
            fine = False
        if not fine and (problem := column.check(value)) is not None:
            return f"{column.where} {problem}."
        if column.rule is not None and (problem := _rule_problem(column, value)):
            return problem
    if not table.constraints:
        return None
    return _constraint_problem(table, row, lambda _c: True)


def _beyond_types(table: _Table, row: Mapping[str, Any]) -> str | None:
    """row_problem for a row read_row found typed: real dates and times, the rules.
    A few microseconds a row of a large push: no call but the parsers and rules."""
    for name, parse in table.real:
        value = row.get(name)
        if value is not None:
            try:
                parse(value)
            except ValueError:
                what = "date and time" if parse is datetime.fromisoformat else "date"
                return f"{table.columns[name].where} is not a real {what}."
    for name, rule, decode in table.rule_calls:
        value = row.get(name)
        if value is not None and rule(decode(value) if decode else value):
            return _rule_problem(table.columns[name], value)
    if not table.constraints:
        return None
    return _constraint_problem(table, row, lambda _c: True)


def value_problem(entity: str, field: str, value: Any) -> str | None:
    """Why this new value of one field breaks the record model's rules; None if it
    keeps them. A rule that ties two fields together (a refusal needs its reason) is
    judged here only when it names this field alone: see whole_row_rules()."""
    table = _TABLES.get(entity)
    column = table.columns.get(field) if table else None
    if table is None or column is None:
        return f"'{field}' is not a field of a {_words(entity)} record."
    if problem := _value_problem(column, value):
        return problem
    return _constraint_problem(table, {field: value}, lambda c: c.columns == (field,))


def whole_row_rules(entity: str, field: str) -> bool:
    """True when a rule ties this field to others, so that a new value of it can
    only be judged against the rest of the record."""
    table = _TABLES.get(entity)
    return table is not None and any(
        field in c.columns and len(c.columns) > 1 for c in table.constraints
    )
