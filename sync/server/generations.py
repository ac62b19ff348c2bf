"""Pull generations a device has been given: each new one is a number never given to
that device before.

A pull that sends people whole or names people to remove answers with a new
generation, and the server counts as held only what was sent in a generation the
laptop's cursor has reached (sync/server/store.py). A laptop restored from a backup
comes back with an older generation; counting on from there reused numbers already
given out in the timeline it left, and someone sent there could count as held by a
newer backup restored later that never had them. Counting on from the highest ever
given out keeps "sent at or before my generation" true for every timeline.
"""

from __future__ import annotations

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sync.server import schema as s


def next_for(conn: Connection, device_id: str, generation: int) -> int:
    """The generation to give this device now: past both its cursor's and any given
    out before. Recorded at once, in the pull's transaction."""
    dg = s.device_generation
    issued = conn.execute(select(dg.c.issued).where(dg.c.device_id == device_id)).scalar()
    fresh = max(generation, issued or 0) + 1
    insert = postgres_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(
        insert(dg)
        .values(device_id=device_id, issued=fresh)
        .on_conflict_do_update(index_elements=["device_id"], set_={"issued": fresh})
    )
    return fresh
