"""The tamper-evident audit log: append an event, verify the chain.

Each device chains its own events: an event's hash covers its content and the
previous event's hash, so editing, removing or reordering any event breaks
every hash after it.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.journal import context_of
from storage.tables import AuditEvent

GENESIS = "0" * 64


def event_hash(event: AuditEvent) -> str:
    body = {
        "id": event.id,
        "device_id": event.device_id,
        "device_seq": event.device_seq,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_role": event.actor_role,
        "organisation_id": event.organisation_id,
        "person_id": event.person_id,
        "action": event.action,
        "detail": event.detail,
        "reason": event.reason,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append(
    session: Session,
    action: str,
    *,
    person_id: str | None = None,
    detail: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current write; it commits with the change it records."""
    ctx = context_of(session)
    device = ctx.actor.device_id
    last = session.execute(
        select(AuditEvent.device_seq, AuditEvent.hash)
        .where(AuditEvent.device_id == device)
        .order_by(AuditEvent.device_seq.desc())
        .limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    event = AuditEvent(
        id=str(uuid.uuid4()),
        device_id=device,
        device_seq=seq,
        at=ctx.now,
        actor_id=ctx.actor.user_id,
        actor_role=ctx.actor.role,
        organisation_id=ctx.actor.organisation_id,
        person_id=person_id,
        action=action,
        detail=json.dumps(detail or {}, sort_keys=True),
        reason=reason,
        prev_hash=prev,
    )
    event.hash = event_hash(event)
    session.add(event)
    return event


@dataclass(frozen=True)
class ChainProblem:
    device_id: str
    device_seq: int
    problem: str


def verify(session: Session) -> tuple[int, list[ChainProblem]]:
    """(events checked, problems found) over every device's chain."""
    problems: list[ChainProblem] = []
    checked = 0
    expected_seq: dict[str, int] = {}
    prev_hash: dict[str, str] = {}
    rows = session.execute(
        select(AuditEvent).order_by(AuditEvent.device_id, AuditEvent.device_seq)
    ).scalars()
    for event in rows:
        checked += 1
        device = event.device_id
        seq = expected_seq.get(device, 1)
        if event.device_seq != seq:
            problems.append(
                ChainProblem(
                    device,
                    event.device_seq,
                    f"expected event {seq}: events are missing or reordered",
                )
            )
        if event.prev_hash != prev_hash.get(device, GENESIS):
            problems.append(
                ChainProblem(device, event.device_seq, "does not follow the event before it")
            )
        if event_hash(event) != event.hash:
            problems.append(
                ChainProblem(device, event.device_seq, "has been altered since it was written")
            )
        expected_seq[device] = event.device_seq + 1
        prev_hash[device] = event.hash
    return checked, problems
