"""The tamper-evident audit log: append an event, verify the chain.

Each device chains its own events: an event's hash covers its content and the
previous event's hash, so editing, removing or reordering any event breaks
every hash after it. Removing the newest events (the tail) breaks nothing after
them, so verification also takes an anchor, the head the chain had reached at a
known moment (storage.audit_anchor), and the links of events legitimately
removed from this laptop after the server acknowledged them (a person evicted
from the caseload). The server's copy (sync.server.audit_verify) uses the same
checker over the events every laptop pushed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.audit_pruned import pruned_head
from storage.codec import encode
from storage.ids import new_id
from storage.journal import context_of
from storage.tables import AuditEvent

GENESIS = "0" * 64
HASHED_FIELDS = (
    "id",
    "device_id",
    "device_seq",
    "at",
    "actor_id",
    "actor_role",
    "organisation_id",
    "person_id",
    "action",
    "detail",
    "reason",
    "prev_hash",
)


def hash_of(body: Mapping[str, Any]) -> str:
    """The hash of an event given as its journalled fields (`at` as ISO text)."""
    fields = {key: body.get(key) for key in HASHED_FIELDS}
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def event_hash(event: AuditEvent) -> str:
    return hash_of({key: encode(getattr(event, key)) for key in HASHED_FIELDS})


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
    # Events pruned after the server had them (an evicted person) still hold their place.
    pruned_head = _pruned_head(session, device)
    if pruned_head is not None and pruned_head[0] >= seq:
        seq, prev = pruned_head[0] + 1, pruned_head[1]
    event = AuditEvent(
        id=new_id(),
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


def _pruned_head(session: Session, device_id: str) -> tuple[int, str] | None:
    return pruned_head(session.connection(), device_id)


@dataclass(frozen=True)
class ChainProblem:
    device_id: str
    device_seq: int
    problem: str


@dataclass(frozen=True)
class Link:
    """One event as the checker sees it: where it claims to be and what it hashes to."""

    device_id: str
    device_seq: int
    prev_hash: str
    stored_hash: str
    computed_hash: str


@dataclass(frozen=True)
class Anchor:
    """A chain head known from outside the chain: event `seq` had hash `hash`."""

    device_id: str
    seq: int
    hash: str


def check_chains(
    links: Iterable[Link],
    *,
    pruned: Mapping[str, Mapping[int, str]] | None = None,
    anchors: Iterable[Anchor] = (),
) -> tuple[int, list[ChainProblem], dict[str, tuple[int, str]]]:
    """Walk links in (device, seq) order: (events checked, problems, each device's head)."""
    pruned = pruned or {}
    problems: list[ChainProblem] = []
    heads: dict[str, tuple[int, str]] = {}
    checked = 0

    def fill_gap(device: str, upto: int) -> None:
        """Account for every seq before `upto` not yet seen: pruned, or missing."""
        seq, prev = heads.get(device, (0, GENESIS))
        known = pruned.get(device, {})
        missing: list[int] = []
        for s in range(seq + 1, upto):
            if s in known:
                prev = known[s]
            else:
                missing.append(s)
        if missing:
            span = f"{missing[0]}" if len(missing) == 1 else f"{missing[0]}-{missing[-1]}"
            problems.append(
                ChainProblem(device, missing[0], f"events {span} are missing or reordered")
            )
        heads[device] = (max(seq, upto - 1), prev)

    for link in links:
        checked += 1
        device = link.device_id
        seq, prev = heads.get(device, (0, GENESIS))
        if link.device_seq <= seq:
            problems.append(ChainProblem(device, link.device_seq, "is out of order or a duplicate"))
            continue
        if link.device_seq > seq + 1:
            fill_gap(device, link.device_seq)
            prev = heads[device][1]
        if link.prev_hash != prev:
            problems.append(
                ChainProblem(device, link.device_seq, "does not follow the event before it")
            )
        if link.computed_hash != link.stored_hash:
            problems.append(
                ChainProblem(device, link.device_seq, "has been altered since it was written")
            )
        heads[device] = (link.device_seq, link.stored_hash)
    for device, known in pruned.items():
        if known and max(known) > heads.get(device, (0, GENESIS))[0]:
            fill_gap(device, max(known) + 1)
    for anchor in anchors:
        problems.extend(_against_anchor(anchor, heads, pruned))
    return checked, problems, heads


def _against_anchor(
    anchor: Anchor,
    heads: Mapping[str, tuple[int, str]],
    pruned: Mapping[str, Mapping[int, str]],
) -> list[ChainProblem]:
    head_seq, _ = heads.get(anchor.device_id, (0, GENESIS))
    if head_seq < anchor.seq:
        return [
            ChainProblem(
                anchor.device_id,
                anchor.seq,
                f"is missing: the chain ends at event {head_seq} but had reached event "
                f"{anchor.seq} when the profile was last locked (the newest events were removed)",
            )
        ]
    return []


def verify(
    session: Session,
    *,
    anchors: Iterable[Anchor] = (),
    pruned: Mapping[str, Mapping[int, str]] | None = None,
) -> tuple[int, list[ChainProblem]]:
    """(events checked, problems found) over every device's chain in this store."""
    rows = session.execute(
        select(AuditEvent).order_by(AuditEvent.device_id, AuditEvent.device_seq)
    ).scalars()
    links = (Link(e.device_id, e.device_seq, e.prev_hash, e.hash, event_hash(e)) for e in rows)
    anchors = list(anchors)
    checked, problems, heads = check_chains(links, pruned=pruned, anchors=anchors)
    # The anchored event itself must be the one anchored (not a rewritten chain).
    for anchor in anchors:
        if heads.get(anchor.device_id, (0, ""))[0] < anchor.seq:
            continue
        known = (pruned or {}).get(anchor.device_id, {})
        found = (
            known.get(anchor.seq)
            or session.execute(
                select(AuditEvent.hash).where(
                    AuditEvent.device_id == anchor.device_id, AuditEvent.device_seq == anchor.seq
                )
            ).scalar()
        )
        if found != anchor.hash:
            problems.append(
                ChainProblem(
                    anchor.device_id,
                    anchor.seq,
                    "is not the event recorded when the profile was last locked",
                )
            )
    return checked, problems
