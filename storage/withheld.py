"""Values a partner server withheld from this laptop (restricted content its user
may not see), as they sit in the journal and in the tables.

The server sends the change itself (same id, clock stamp and device, so every
replica picks the same winner), with the value replaced by the marker
`{"$withheld": true}`: a JSON object, which no journalled column ever holds, so
it cannot be mistaken for a real value. The laptop keeps the marker in its
journal and stores `PLACEHOLDER` in the table, so the record still says that
something exists. A withheld value never becomes a real one: a conflict cannot
be settled by keeping it, and the server refuses any change that carries it.
"""

from __future__ import annotations

import json
from typing import Any

MARK = "$withheld"
PLACEHOLDER = "[withheld: not sent to this laptop]"


def marker() -> dict[str, bool]:
    return {MARK: True}


def is_withheld(value: Any) -> bool:
    return isinstance(value, dict) and value.get(MARK) is True


def shown(value: Any) -> Any:
    """A journal value as the table holds it: the placeholder for a withheld one."""
    return PLACEHOLDER if is_withheld(value) else value


def shown_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: shown(value) for key, value in row.items()}


def loads_shown_row(text: str) -> dict[str, Any]:
    """A journalled whole row (JSON) as the table holds it. Almost no row carries a
    marker, and looking for its name in the text is far cheaper than walking every row."""
    row: dict[str, Any] = json.loads(text)
    return shown_row(row) if MARK in text else row


def carries_withheld(text: str | None) -> bool:
    """Does a change's JSON value hold a withheld marker (whole, or one field of a row)?"""
    if not text or MARK not in text:
        return False
    try:
        value = json.loads(text)
    except ValueError:
        return False
    if is_withheld(value):
        return True
    return isinstance(value, dict) and any(is_withheld(v) for v in value.values())
