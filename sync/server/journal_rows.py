"""A record's journal rows as `storage.merge.fold` reads them, from the server's
`changes` table or from a change being pushed: the checks that judge a record as it
will stand after a batch fold the two together."""

from __future__ import annotations

import json
from typing import Any

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
