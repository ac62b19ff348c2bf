"""Whole journal rows for tests that push by hand: every journalled column present,
each value taken from the record model itself (the column's default, or the first
of a pool of candidates that its type and record rule accept), so a hand-made row
is one a real laptop could have written. Synthetic values only."""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import inspect as sa_inspect

from app.services import clock
from app.services.write_rules.row_validity import value_problem
from app.values import vocab
from app.values.nhs_number import VERIFICATION_STATUS
from storage.codec import journalled_columns
from storage.tables import journalled_tables
from sync.protocol import Change

TABLES = journalled_tables()
NHS = "9990000018"

# Every code of every list, and the other values the record rules know of: a
# column's sample is the first of these its own rules accept.
CODES: list[str] = sorted(
    {member.value for kind in vocab.Coded.__subclasses__() for member in kind}
    | set(VERIFICATION_STATUS)
)
NUMBERS = list(range(1, 11))


def _samples(entity: str, column: str, python_type: type) -> list[Any]:
    now = clock.now()
    if python_type is str:
        return ["Synthetic text", *CODES, NHS]
    if python_type is int:
        return NUMBERS
    if python_type is bool:
        return [False]
    if python_type.__name__ == "date":
        return [(clock.today() - timedelta(days=365 * 80)).isoformat()]
    # Times in column order, a minute apart: a grant expires after it starts.
    order = list(journalled_columns(TABLES[entity])).index(column)
    return [(now + timedelta(minutes=order)).isoformat()]


def complete_row(entity: str, **values: Any) -> dict[str, Any]:
    """A whole row of `entity`: `values` as given, every other column filled."""
    cls = TABLES[entity]
    row: dict[str, Any] = {"id": str(uuid.uuid4())}
    columns = {c.key: c for c in sa_inspect(cls).columns}
    for name in journalled_columns(cls):
        if name in values or name == "id":
            continue
        column = columns[name]
        default = column.default.arg if column.default is not None else None
        if name == "recorded_at":
            row[name] = clock.now().isoformat()
        elif default is not None and not callable(default):
            row[name] = default
        elif column.nullable:
            row[name] = None
        else:
            python_type = getattr(column.type, "impl", column.type).python_type
            row[name] = next(
                v
                for v in _samples(entity, name, python_type)
                if value_problem(entity, name, v) is None
            )
    row.update(values)
    return row


def partner_change(entity: str, op: str, entity_id: str, value: Any, **extra: Any) -> Change:
    """A change as a partner server's page carries it: a fresh id and a stamp from the
    real clock, `value` JSON-encoded (none for a delete), no author or organisation
    unless `extra` names them (a device of its own otherwise)."""
    return Change.model_validate(
        {
            "change_id": str(uuid.uuid4()),
            "hlc": (time.time_ns() // 1_000_000) << 16,
            "device_id": str(uuid.uuid4()),
            "author_id": None,
            "organisation_id": None,
            "entity": entity,
            "entity_id": entity_id,
            "op": op,
            "field": None,
            "value": None if op == "delete" else json.dumps(value),
            "recorded_at": "2026-11-22T10:00:00+00:00",
        }
        | extra
    )


def wire_set(**values: Any) -> dict[str, Any]:
    """A change as the wire carries it (sync.protocol.Change's fields, unvalidated):
    a goal's statement set, `values` as given. For tests of what reads a page."""
    return {
        "change_id": str(uuid.uuid4()),
        "hlc": 1_700_000_000_000_000,
        "device_id": str(uuid.uuid4()),
        "entity": "goal",
        "entity_id": str(uuid.uuid4()),
        "op": "set",
        "field": "statement",
        "value": json.dumps("I want to walk to the shop"),
        "recorded_at": "2026-11-22T10:00:00+00:00",
        **values,
    }
