"""What the server accepts from a laptop, beyond the wire schema: known tables and
fields, whole rows whose id matches, only the pushing device's own changes, every
row and value within the record model's own rules (app/services/write_rules/row_validity.py),
and no clock stamp more than a day ahead of the server's clock."""

from __future__ import annotations

import json
from typing import Any

from pydantic_core import from_json

from app.services.write_rules import write_policy
from app.services.write_rules.row_validity import read_row, row_problem, value_problem
from storage.change_row import envelope_problem
from storage.codec import journalled_columns
from storage.hlc import ceiling
from storage.tables import journalled_tables
from storage.withheld import carries_withheld
from sync.protocol import Change
from sync.server.limits import TOO_DEEP, nesting

# Records every team may see (the directory), as opposed to a person's record: the
# write policy's own list, so the two cannot drift apart.
DIRECTORY = write_policy.DIRECTORY
# A team's own settings: no person's record, sent to every laptop of this server's
# organisation (each uses its own team's), never to a partner.
TEAM_SETTINGS = write_policy.TEAM_SETTINGS
# Never sent back down to laptops: who looked at whom is for the server's audit.
SERVER_ONLY = frozenset({"audit_event"})

_TABLES = journalled_tables()
_APPEND_ONLY = frozenset(name for name, cls in _TABLES.items() if cls.__journal__ == "append")
_COLUMNS = {name: frozenset(journalled_columns(cls)) for name, cls in _TABLES.items()}
# "Not parsed yet": refusal() parses the row itself.
_UNPARSED: Any = object()
# A laptop's clock may drift, or sit in another zone: a whole day ahead is a wrong
# date. Such a stamp would win every later edit on every replica, so it is refused
# (hlc.ceiling(): the server's real clock and a day, as the laptop's own guard).
CLOCK_AHEAD = (
    "This laptop's clock is more than a day ahead of the server's: "
    "check the laptop's date and time, then sync again."
)


def whole_row(change: Change) -> dict[str, Any] | None:
    """The row a create or append carries (None if it is not a JSON object, or the
    change is not a create or append)."""
    return read_whole_row(change)[0]


def read_whole_row(change: Change) -> tuple[dict[str, Any] | None, bool]:
    """whole_row(change), and whether its values all have their columns' types
    (row_validity.read_row). Parsed once per change: the store shares the row
    between refusal(), the owner lookup and the team bookkeeping."""
    if change.op not in ("create", "append") or change.value is None:
        return None, False
    # Both parsers here are pydantic's (Rust, with its own recursion limit), so a deep
    # value is read safely; a row that is not typed goes through refusal()'s nesting
    # check, which says why.
    return read_row(change.entity, change.value)


def refusal(
    change: Change,
    device_id: str,
    row: dict[str, Any] | None = _UNPARSED,
    *,
    typed: bool = False,
    latest: int | None = None,
) -> str | None:
    """A plain reason this change is refused, or None when it is acceptable.
    `row` is whole_row(change) when the caller has parsed it already; `typed`, as
    read_whole_row says; `latest`, the greatest clock stamp accepted now
    (hlc.ceiling(), read once per batch by the caller)."""
    # Before any json.loads (a typed row holds only plain values: nothing nests).
    if change.value is not None and not typed and (shape := nesting(change.value)):
        return (
            "The value sent nests too deep." if shape == TOO_DEEP else "The value was not readable."
        )
    if change.device_id != device_id:
        return "A laptop can only send its own changes."
    if change.hlc > (ceiling() if latest is None else latest):
        return CLOCK_AHEAD
    if problem := envelope_problem(change):
        # The laptops' own rule (they keep such a change aside): a change replacing
        # itself once stopped every colleague's pull; a time no laptop can store.
        return f"{problem[0].upper()}{problem[1:]}."
    columns = _COLUMNS.get(change.entity)
    if columns is None:
        return f"'{change.entity}' is not a kind of record this server keeps."
    if change.entity in DIRECTORY:
        return write_policy.DIRECTORY_REFUSED
    if not typed and carries_withheld(change.value):
        # A laptop may hold a withheld marker, but can never send one back as a value.
        return "A value withheld from this laptop cannot be sent back as a value."
    if change.op in ("create", "append"):
        if (change.op == "append") != (change.entity in _APPEND_ONLY):
            done = "created" if change.op == "create" else "appended"
            return f"'{change.entity}' records cannot be {done}."
        if row is _UNPARSED:
            row = json_object(change.value)
        if row is None:
            return "The record sent was not a complete record."
        if row.get("id") != change.entity_id:
            return "The record's id does not match the change."
        if not typed and (unknown := set(row) - columns):
            return f"Unknown fields for '{change.entity}': {', '.join(sorted(unknown))}."
        whose = change.entity not in ("person", *SERVER_ONLY) and "person_id" in columns
        if whose and not row.get("person_id"):
            return "The record does not say whose record it belongs to."
        return row_problem(change.entity, row, typed=typed)
    elif change.entity in TEAM_SETTINGS:
        # A team's weights and meetings are kept as set: a change is a new one
        # (write_policy).
        return write_policy.TEAM_REFUSALS[change.entity][0]
    elif change.op == "set":
        if change.entity in _APPEND_ONLY:
            return "Notes and audit events cannot be changed once written."
        if change.field not in columns or change.field == "id":
            return f"'{change.field}' is not a field of '{change.entity}' that can be changed."
        value = _json(change.value)
        if value is _UNREADABLE:
            return "The new value was not readable."
        if change.field == "person_id":
            return "A record cannot be moved to another person."
        return value_problem(change.entity, change.field, value)
    elif change.op == "delete" and change.entity in _APPEND_ONLY:
        return "Notes and audit events cannot be removed."
    return None


_UNREADABLE: Any = object()


def _json(text: str | None) -> Any:
    if text is None:
        return _UNREADABLE
    try:
        return json.loads(text)
    except ValueError:
        return _UNREADABLE


def json_object(text: str | None) -> dict[str, Any] | None:
    # pydantic's JSON parser (the one that read the request): twice as fast as the
    # json module on a whole row, the same dict for any JSON, and stricter only on
    # text no JSON should hold (a lone surrogate escape), which is then refused.
    if text is None:
        return None
    try:
        value = from_json(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
