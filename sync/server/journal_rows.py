"""A record's journal rows as `storage.merge.fold` reads them, from the server's
`changes` table or from a change being pushed: the checks that judge a record as it
will stand after a batch fold the two together (`folded`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from storage.merge import EntityState, fold
from sync.protocol import Change
from sync.server import schema as s

JOURNAL_COLUMNS = (
    s.changes.c.entity_id,
    s.changes.c.change_id,
    s.changes.c.hlc,
    s.changes.c.device_id,
    s.changes.c.op,
    s.changes.c.field,
    s.changes.c.value,
    s.changes.c.bases,
)


def as_journal_row(change: Change) -> dict[str, Any]:
    return {
        "entity_id": change.entity_id,
        "change_id": change.change_id,
        "hlc": change.hlc,
        "device_id": change.device_id,
        "op": change.op,
        "field": change.field,
        "value": change.value,
        "bases": json.dumps(change.bases) if change.bases else None,
    }


def stored_object(text: str | None) -> dict[str, Any] | None:
    """The JSON object a stored create holds (none: an empty one), or None when the row
    was spoilt on this server (by hand, or a bug): not JSON, nested past the parser's
    depth, or not an object."""
    try:
        value = json.loads(text or "{}")
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


# What folding raises on stored rows that cannot be read: a value that is not JSON (or
# nested past the parser's depth), or not the object a whole row is. (Bases that
# replace every version of a field, a change naming itself, no longer fail the fold:
# storage.merge.heads.)
_UNREADABLE = (ValueError, TypeError, AttributeError, IndexError, RecursionError)


def folded(rows: Sequence[dict[str, Any]]) -> EntityState | None:
    """`fold` of a record's rows, or None when one of them cannot be read (spoilt on this
    server, by hand or by a bug). The check that meets it decides without that record
    rather than failing the request: every laptop or partner sending the same would
    fail with it, sync after sync. No laptop can apply such a record either (each keeps
    it aside)."""
    try:
        return fold(rows)
    except _UNREADABLE:
        return None
