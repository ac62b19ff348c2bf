"""The duty to share: safeguarding information sent to a partner without consent.

Only a coordinator or the information-governance lead may decide it, and must
say why. The decision is kept in `duty_to_share` (what the partner feed reads)
and journalled as a server-authored, hash-chained audit event (`duty_to_share`,
with the reason), which stays on this server: audit events never go to laptops
or partners. Ending it stops the flow at the partner's next pull.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import Connection, insert, select, update

from app.values.vocab import Role
from storage import wallclock
from storage.audit_log import GENESIS, event_hash
from storage.ids import new_id
from storage.tables import AuditEvent
from sync.server import directory
from sync.server import schema as s
from sync.server.categories import SAFEGUARDING
from sync.server.partners.agreements import partner
from sync.server.store import ServerStore, _transaction

PERMITTED = frozenset({Role.COORDINATOR.value, Role.IG_LEAD.value})


def find_person(conn: Connection, person: str) -> str:
    """A person's id from their id or NHS number (as the server holds them)."""
    c = s.changes
    digits = "".join(ch for ch in person if ch.isdigit())
    if len(digits) == 10 and len(person.replace(" ", "")) == 10:
        for row in conn.execute(
            select(c.c.entity_id, c.c.value).where(
                c.c.entity == "person", c.c.op == "create", c.c.value.contains(digits)
            )
        ):
            if json.loads(row.value).get("nhs_number") == digits:
                return str(row.entity_id)
    elif conn.execute(select(c.c.seq).where(c.c.person_id == person).limit(1)).first():
        return person
    raise directory.AdminError("This server holds no record of that person.")


def _audit(
    conn: Connection,
    store: ServerStore,
    staff: dict[str, Any],
    person_id: str,
    action: str,
    reason: str | None = None,
    **detail: Any,
) -> None:
    """Append a server-authored event to this server's own audit chain, as a change."""
    c = s.changes
    last = conn.execute(
        select(c.c.value)
        .where(c.c.entity == "audit_event", c.c.device_id == store.server_id)
        .order_by(c.c.seq.desc())
        .limit(1)
    ).scalar()
    previous = json.loads(last) if last else None
    now = wallclock.utcnow()
    event = AuditEvent(
        id=str(uuid.uuid4()),
        device_id=store.server_id,
        device_seq=previous["device_seq"] + 1 if previous else 1,
        at=now,
        actor_id=staff["user_id"],
        actor_role=staff["role"],
        organisation_id=store.meta("organisation_id"),
        person_id=person_id,
        action=action,
        detail=json.dumps(detail, sort_keys=True),
        reason=reason,
        prev_hash=previous["hash"] if previous else GENESIS,
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


def _decider(store: ServerStore, by: str) -> dict[str, Any]:
    staff = directory.user_by_name(store, by)
    if staff["role"] not in PERMITTED:
        raise directory.AdminError(
            "Only a coordinator or the information governance lead can decide a duty to share."
        )
    return staff


def record(store: ServerStore, person: str, partner_name: str, reason: str, by: str) -> str:
    reason = " ".join(reason.split())
    if len(reason) < 10:
        raise directory.AdminError("Say why safeguarding information must be shared (the reason).")
    staff = _decider(store, by)
    duty_id = str(uuid.uuid4())
    with _transaction(store.engine) as conn:
        found = partner(conn, partner_name)
        person_id = find_person(conn, person)
        conn.execute(
            insert(s.duty_to_share),
            [
                {
                    "duty_id": duty_id,
                    "partner_id": found["partner_id"],
                    "person_id": person_id,
                    "reason": reason,
                    "decided_by": staff["user_id"],
                    "decided_at": wallclock.utcnow(),
                }
            ],
        )
        _audit(
            conn,
            store,
            staff,
            person_id,
            "duty_to_share",
            reason,
            duty_id=duty_id,
            partner_id=found["partner_id"],
            category=SAFEGUARDING,
        )
    return duty_id


def end(store: ServerStore, person: str, partner_name: str, by: str) -> None:
    staff = _decider(store, by)
    d = s.duty_to_share
    with _transaction(store.engine) as conn:
        found = partner(conn, partner_name)
        person_id = find_person(conn, person)
        done = conn.execute(
            update(d)
            .where(
                d.c.partner_id == found["partner_id"],
                d.c.person_id == person_id,
                d.c.ended_at.is_(None),
            )
            .values(ended_at=wallclock.utcnow())
        )
        if not done.rowcount:
            raise directory.AdminError("There is no duty to share in force for that person.")
        _audit(
            conn,
            store,
            staff,
            person_id,
            "duty_to_share_ended",
            partner_id=found["partner_id"],
            category=SAFEGUARDING,
        )
