"""This server's own audit chain: what its staff did here (a duty to share, a
beyond-the-team search, a break-glass, a same-person check), hash-chained like a
laptop's, and journalled as server-authored changes that never leave the server.

The chain goes on from the newest event this server can read. If newer ones were
spoilt in the server's database (by hand, or a bug), the action is still audited:
the new event follows the newest readable one, numbered past the spoilt ones, so
no number is used twice, and `onerecord-server audit verify` goes on reporting each
spoilt event (unreadable) and its number (missing): refusing to
audit would have stopped every search, break-glass and duty decision in the
organisation until someone repaired the row, and break-glass is for emergencies.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from sqlalchemy import Connection, insert, select

from storage import wallclock
from storage.audit_log import GENESIS, event_hash
from storage.ids import new_id
from storage.tables import AuditEvent
from sync.server import schema as s
from sync.server.journal_rows import stored_object
from sync.server.store import ServerStore

logger = logging.getLogger(__name__)


def append_event(
    conn: Connection,
    store: ServerStore,
    staff: dict[str, Any],
    person_id: str | None,
    action: str,
    reason: str | None = None,
    **detail: Any,
) -> None:
    """Append a server-authored event to this server's own audit chain, as a change."""
    c = s.changes
    seq, prev_hash = _head(conn, store)
    now = wallclock.utcnow()
    event = AuditEvent(
        id=str(uuid.uuid4()),
        device_id=store.server_id,
        device_seq=seq + 1,
        at=now,
        actor_id=staff["user_id"],
        actor_role=staff["role"],
        organisation_id=store.meta("organisation_id"),
        person_id=person_id,
        action=action,
        detail=json.dumps(detail, sort_keys=True),
        reason=reason,
        prev_hash=prev_hash,
    )
    event.hash = event_hash(event)
    row = {column.key: getattr(event, column.key) for column in AuditEvent.__table__.columns}
    row["at"] = now.isoformat()
    conn.execute(
        insert(c),
        [
            {
                "change_id": new_id(),
                "hlc": store.clock(conn).tick(),
                "device_id": store.server_id,
                "author_id": staff["user_id"],
                "organisation_id": event.organisation_id,
                "entity": "audit_event",
                "entity_id": event.id,
                "op": "append",
                "field": None,
                "value": json.dumps(row),
                "bases": None,
                "recorded_at": now.isoformat(),
                "person_id": person_id,
                "received_at": now,
            }
        ],
    )


def _head(conn: Connection, store: ServerStore) -> tuple[int, str]:
    """The number before the next event's, and the newest readable event's hash (none
    yet: 0 and the genesis), counting past events that cannot be read."""
    c = s.changes.c
    spoilt = 0
    before: int | None = None
    while True:
        # A few at a time, newest first: almost always the first is readable.
        query = (
            select(c.seq, c.value)
            .where(c.entity == "audit_event", c.device_id == store.server_id)
            .order_by(c.seq.desc())
            .limit(1 if before is None else 100)
        )
        if before is not None:
            query = query.where(c.seq < before)
        rows = conn.execute(query).all()
        for row in rows:
            event = stored_object(row.value)
            seq = event.get("device_seq") if event else None
            digest = event.get("hash") if event else None
            if isinstance(seq, int) and not isinstance(seq, bool) and isinstance(digest, str):
                _say(spoilt)
                return seq + spoilt, digest
            spoilt += 1
        if not rows:
            _say(spoilt)
            return spoilt, GENESIS
        before = rows[-1].seq


def _say(spoilt: int) -> None:
    if spoilt:
        # No patient data: how many, never what. Verify names the events.
        logger.error(
            "%d of this server's newest audit events cannot be read; the chain goes on "
            "from the one before (run: onerecord-server audit verify)",
            spoilt,
        )
