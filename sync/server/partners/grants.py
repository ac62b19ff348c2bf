"""What a partner may receive now: (person, category) grants computed on the
sending server from the agreement, the consent decisions it holds, and any
recorded duty to share.

Consent is folded from the journal (storage.merge) exactly as laptops fold it.
For each category the agreement lists, the most specific decision that applies
stands: one naming this partner beats one for every partner, and one for the
category beats one for "all"; two equally specific decisions that disagree
count as a refusal. A review date that has passed does not void a decision.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, select, update

from app.values.vocab import ConsentDecision
from sync.server import schema as s
from sync.server.categories import ALL, CONSENT, CORE, SAFEGUARDING
from sync.server.journal_rows import folded

logger = logging.getLogger(__name__)

_GIVEN = ConsentDecision.GIVEN.value


def allowed(
    decisions: list[dict[str, Any]], partner_org: str, agreed: set[str], duty: bool
) -> set[str]:
    """The categories one person's consent (and any duty to share) lets flow to a partner."""
    granted: set[str] = set()
    for category in agreed:
        best, verdicts = -1, set[Any]()
        for d in decisions:
            if d.get("partner_organisation_id") not in (None, partner_org):
                continue
            if d.get("category") not in (category, ALL):
                continue
            rank = 2 * (d.get("partner_organisation_id") == partner_org) + (
                d.get("category") == category
            )
            if rank > best:
                best, verdicts = rank, set[Any]()
            if rank == best:
                decision = d.get("decision")
                # Anything but a decision's own words is no consent.
                verdicts.add(decision if isinstance(decision, str) else None)
        if verdicts == {_GIVEN}:
            granted.add(category)
    if duty:
        granted.add(SAFEGUARDING)
    return granted


def _decisions(conn: Connection, people: list[str]) -> dict[str, list[dict[str, Any]]]:
    """person -> the current state of each of their consent decisions."""
    c = s.changes
    per_entity: dict[str, list[dict[str, Any]]] = defaultdict(list)
    owner: dict[str, str] = {}
    for start in range(0, len(people), 500):
        chunk = people[start : start + 500]
        for row in conn.execute(
            select(
                c.c.person_id,
                c.c.entity_id,
                c.c.change_id,
                c.c.hlc,
                c.c.device_id,
                c.c.op,
                c.c.field,
                c.c.value,
                c.c.bases,
            ).where(c.c.entity == "consent_to_share", c.c.person_id.in_(chunk))
        ):
            per_entity[row.entity_id].append(dict(row._mapping))
            owner[row.entity_id] = row.person_id
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    unreadable: set[str] = set()
    for entity_id, rows in per_entity.items():
        state = folded(rows)
        if state is None:
            unreadable.add(owner[entity_id])
        elif state.created and not state.deleted:
            found[owner[entity_id]].append(state.values)
    # One decision that cannot be read (spoilt on this server, by hand or a bug) may be
    # the refusal or withdrawal that outranks the others: none of that person's count.
    for person in unreadable:
        found[person] = []
    return found


def refresh(
    conn: Connection, partner: dict[str, Any], agreement: dict[str, Any], head: int
) -> None:
    """Bring this partner's grants up to date with the consent changes up to `head`.

    Only people whose consent (or duty to share) changed are looked at again,
    unless the agreement changed, when everyone is. A removed grant stops the
    flow at once; a new one is backfilled by the next pull (sent_generation NULL).
    """
    pid, g, c = partner["partner_id"], s.partner_grants, s.changes
    full = partner["grants_agreement_id"] != agreement["agreement_id"]
    consent = select(c.c.person_id).where(c.c.entity == "consent_to_share", c.c.seq <= head)
    if not full:
        consent = consent.where(c.c.seq > partner["consent_seq"])
    people: set[str] = set(conn.execute(consent.distinct()).scalars())
    duties = conn.execute(
        select(s.duty_to_share.c.person_id, s.duty_to_share.c.ended_at).where(
            s.duty_to_share.c.partner_id == pid
        )
    ).all()
    people.update(d.person_id for d in duties)
    if full:
        people.update(conn.execute(select(g.c.person_id).where(g.c.partner_id == pid)).scalars())
    people.discard(None)  # type: ignore[arg-type,unused-ignore]
    duty_now = {d.person_id for d in duties if d.ended_at is None}
    agreed = set(agreement["categories"].split(","))
    decisions = _decisions(conn, sorted(people))
    held: dict[str, set[str]] = defaultdict(set)
    for row in (
        conn.execute(
            select(g.c.person_id, g.c.category).where(
                g.c.partner_id == pid, g.c.person_id.in_(sorted(people))
            )
        )
        if people
        else []
    ):
        held[row.person_id].add(row.category)
    added: list[dict[str, Any]] = []
    for person in people:
        want = allowed(
            decisions.get(person, []), partner["organisation_id"], agreed, person in duty_now
        )
        if want:
            want |= {CORE, CONSENT}
        elif CONSENT in held[person]:
            want = {CONSENT}  # once shared, the partner keeps hearing about consent
        gone = held[person] - want
        if gone:
            conn.execute(
                delete(g).where(
                    g.c.partner_id == pid, g.c.person_id == person, g.c.category.in_(gone)
                )
            )
        added.extend(
            {"partner_id": pid, "person_id": person, "category": cat, "sent_generation": None}
            for cat in want - held[person]
        )
    if added:
        conn.execute(insert(g), added)
    if not full and partner["consent_seq"] == head:
        return
    conn.execute(
        update(s.partners)
        .where(s.partners.c.partner_id == pid)
        .values(consent_seq=head, grants_agreement_id=agreement["agreement_id"])
    )
    partner.update(consent_seq=head, grants_agreement_id=agreement["agreement_id"])


def pending(conn: Connection, partner_id: str, generation: int) -> dict[str, set[str]]:
    """person -> categories granted but not yet confirmed as backfilled."""
    g = s.partner_grants
    found: dict[str, set[str]] = defaultdict(set)
    for row in conn.execute(
        select(g.c.person_id, g.c.category).where(
            g.c.partner_id == partner_id,
            (g.c.sent_generation.is_(None)) | (g.c.sent_generation > generation),
        )
    ):
        found[row.person_id].add(row.category)
    return found


def mark_sent(
    conn: Connection, partner_id: str, people: list[str], confirmed: int, generation: int
) -> None:
    """The pending grants of these people go out in `generation` (confirmed: the last one)."""
    g = s.partner_grants
    conn.execute(
        update(g)
        .where(
            and_(g.c.partner_id == partner_id, g.c.person_id.in_(people)),
            (g.c.sent_generation.is_(None)) | (g.c.sent_generation > confirmed),
        )
        .values(sent_generation=generation)
    )
