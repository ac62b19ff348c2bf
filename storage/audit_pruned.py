"""Pruned links: the places in this laptop's audit chain of events it has removed.

When a person leaves the caseload the laptop removes their record, including the
audit events about them, but only after the server has them (sync.client.purge).
Their place in the chain (seq -> hash) is kept here, in the encrypted store, so the
chain still verifies without them (storage/audit_log.py, storage/audit_anchor.py).
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.tables import ProfileSetting

_PRUNED = "audit_pruned"
_PRUNED_HEAD = "audit_pruned_head"


def _get(conn: Connection, key: str) -> object:
    value = conn.execute(select(ProfileSetting.value).where(ProfileSetting.key == key)).scalar()
    return None if value is None else json.loads(value)


def _put(conn: Connection, key: str, value: object) -> None:
    stmt = sqlite_insert(ProfileSetting).values(key=key, value=json.dumps(value))
    conn.execute(
        stmt.on_conflict_do_update(index_elements=["key"], set_={"value": stmt.excluded.value})
    )


def read_pruned(conn: Connection) -> dict[int, str]:
    raw = _get(conn, _PRUNED)
    return {int(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


def pruned_head(conn: Connection, device_id: str) -> tuple[int, str] | None:
    raw = _get(conn, _PRUNED_HEAD)
    if isinstance(raw, list) and len(raw) == 3 and raw[0] == device_id:
        return int(raw[1]), str(raw[2])
    return None


def record_pruned(conn: Connection, device_id: str, links: dict[int, str]) -> None:
    """Keep the places of this device's events about to be removed (same transaction)."""
    if not links:
        return
    known = read_pruned(conn)
    known.update(links)
    _put(conn, _PRUNED, {str(k): v for k, v in sorted(known.items())})
    head = pruned_head(conn, device_id)
    top = max(links)
    if head is None or top > head[0]:
        _put(conn, _PRUNED_HEAD, [device_id, top, links[top]])
