"""The count of refused changes each device has sent, kept in the push's own
transaction (a push that rolls back counts nothing) and listed for the
administrator with the devices (directory.list_devices)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, update

from sync.server import schema as s


def count(conn: Connection, device_id: str, refused: int, now: datetime) -> None:
    """Add `refused` to the device's count. Two first refusals racing on PostgreSQL:
    the second insert fails and the push is retried whole (ServerStore.ingest)."""
    if refused <= 0:
        return
    table = s.device_refusals
    done = conn.execute(
        update(table)
        .where(table.c.device_id == device_id)
        .values(refused=table.c.refused + refused, last_refused_at=now)
    )
    if done.rowcount == 0:
        conn.execute(
            insert(table),
            [{"device_id": device_id, "refused": refused, "last_refused_at": now}],
        )
