"""What a partner server may change here, decided per page it sends (partners/pull.ingest),
whatever its own server decided to send.

A partner may send changes only for people shared between the two organisations:
its own people (their record came from it: what it sends of them is for its own
agreement with us and their consent), and ours only in the categories our agreement
with it and the person's consent share with it (the grants partners/grants.py keeps
for what we send it: a withdrawal closes both directions at once; no agreement in
force, nothing of ours is shared). Never a kind of record that is never shared
(categories.NEVER_SHARED). It never creates, replaces, removes or
moves our people (team, lead professional, locality), never places anyone in one of
our teams, and never records consent that decides what we share: about our people it
may only record what it shares with us.

Reasons are plain and name no person: they are kept in partner_refused.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, select, text

from app.services.write_rules.write_policy import (
    NOT_THE_SIGNER,
    NOT_YOUR_SIGNATURE,
    SIGNED_BY,
    SIGNED_OPEN_FIELDS,
)
from sync.protocol import Change
from sync.server import schema as s
from sync.server.categories import SHARED_DIRECTORY, category_of
from sync.server.partners import grants as partner_grants
from sync.server.partners.feed import _org_kinds, categorise

logger = logging.getLogger(__name__)

_CHUNK = 500
# Where a person is allocated: ours to decide, never a partner's.
ALLOCATION = frozenset({"team_id", "lead_professional_id", "locality_id"})

NOT_SHARED = (
    "This person's record, or this kind of record of theirs, "
    "has not been shared with your organisation."
)
NOT_SHARED_KIND = "This kind of record is never shared between organisations."
OUR_PERSON = "A partner cannot create, replace or remove a person this organisation holds."
MOVE = "A partner cannot move this organisation's people or change who leads their care."
OUR_TEAM = "A partner cannot place a person in one of this organisation's teams."
OUR_CONSENT = "A partner cannot record consent that decides what this organisation shares."
NOT_THEIRS = "A partner can only send changes written in its own organisation's name."
OUR_RESTRICTED = (
    "A partner cannot change the restricted detail of this organisation's alerts, "
    "or what kind of alert they are."
)


def _owners(conn: Connection, changes: Sequence[Change]) -> dict[tuple[str, str], str | None]:
    """(entity, id) -> whose record, from this page's creates or the journal."""
    owners: dict[tuple[str, str], str | None] = {}
    for change in changes:
        key = (change.entity, change.entity_id)
        if change.entity == "person":
            owners[key] = change.entity_id
        elif change.op in ("create", "append"):
            row = json.loads(change.value or "{}")
            # The first create names the record's person, as the store keeps the first
            # (a second is refused as a second): judged and stored as the same person.
            owners.setdefault(key, row.get("person_id") if isinstance(row, dict) else None)
    unknown = sorted({(c.entity, c.entity_id) for c in changes} - set(owners))
    c = s.changes
    for entity, entity_id in unknown:
        owners[(entity, entity_id)] = conn.execute(
            select(c.c.person_id).where(c.c.entity == entity, c.c.entity_id == entity_id).limit(1)
        ).scalar()
    return owners


def _received_from(conn: Connection, pid: str, entity: str, ids: set[str]) -> set[str]:
    """Which of these records were created by a change this partner sent."""
    c, r = s.changes, s.partner_received
    found: set[str] = set()
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        found.update(
            conn.execute(
                select(c.c.entity_id)
                .select_from(c.join(r, r.c.change_id == c.c.change_id))
                .where(
                    r.c.partner_id == pid,
                    c.c.entity == entity,
                    c.c.op.in_(("create", "append")),
                    c.c.entity_id.in_(ordered[start : start + _CHUNK]),
                )
            ).scalars()
        )
    return found


def _held(conn: Connection, entity: str, ids: set[str]) -> set[str]:
    c = s.changes
    found: set[str] = set()
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        found.update(
            conn.execute(
                select(c.c.entity_id).where(
                    c.c.entity == entity, c.c.entity_id.in_(ordered[start : start + _CHUNK])
                )
            ).scalars()
        )
    return found


def _categories(conn: Connection, changes: Sequence[Change]) -> dict[tuple[str, str], str | None]:
    """(kind, id) -> the record's sharing category: from this page's create, else as
    categorised. By kind and id: a record of another kind that reuses an id (a goal of
    its own given the id of our alert) must not lend an edit of ours its category."""
    kinds = _org_kinds(conn)
    found: dict[tuple[str, str], str | None] = {}
    for change in changes:
        key = (change.entity, change.entity_id)
        if change.op in ("create", "append") and key not in found:
            row = json.loads(change.value or "{}")
            found[key] = category_of(
                change.entity, row if isinstance(row, dict) else {}, change.organisation_id, kinds
            )
    rest = sorted({c.entity_id for c in changes if (c.entity, c.entity_id) not in found})
    wanted = {(c.entity, c.entity_id) for c in changes}
    se = s.shared_entity
    for start in range(0, len(rest), _CHUNK):
        for row in conn.execute(
            select(se.c.entity, se.c.entity_id, se.c.category).where(
                se.c.entity_id.in_(rest[start : start + _CHUNK])
            )
        ):
            if (row.entity, row.entity_id) in wanted:
                found[(row.entity, row.entity_id)] = row.category
    return found


def _grants(conn: Connection, pid: str, people: set[str]) -> set[tuple[str, str]]:
    g = s.partner_grants
    found: set[tuple[str, str]] = set()
    ordered = sorted(people)
    for start in range(0, len(ordered), _CHUNK):
        for row in conn.execute(
            select(g.c.person_id, g.c.category).where(
                and_(g.c.partner_id == pid, g.c.person_id.in_(ordered[start : start + _CHUNK]))
            )
        ):
            found.add((row.person_id, row.category))
    return found


def scope_refusals(
    conn: Connection,
    peer: dict[str, Any],
    agreement: dict[str, Any] | None,
    own_org: str | None,
    changes: Sequence[Change],
) -> list[tuple[Change, str]]:
    """Changes from this partner to refuse, with the reason: see the module's rules."""
    pid = peer["partner_id"]
    refused: list[tuple[Change, str]] = []
    records: list[Change] = []
    for change in changes:
        if change.organisation_id not in (None, peer["organisation_id"]):
            refused.append((change, NOT_THEIRS))
        elif change.entity not in SHARED_DIRECTORY:
            records.append(change)
    if not records:
        return refused
    if conn.dialect.name == "postgresql":
        # The same lock as a partner's pull (partner_feed.page): categories and
        # grants are written by one transaction at a time.
        conn.execute(text("SELECT pg_advisory_xact_lock(7172)"))
    head = categorise(conn)
    if agreement is not None:
        # Grants as they stand now: a consent withdrawn since the partner last pulled counts.
        partner_grants.refresh(conn, peer, agreement, head)
    owners = _owners(conn, records)
    people = {p for p in owners.values() if p}
    held_people = _held(conn, "person", people)
    theirs = _received_from(conn, pid, "person", held_people)
    # A person this page creates, that we do not hold, is the partner's own.
    theirs |= {
        c.entity_id
        for c in records
        if c.entity == "person" and c.op == "create" and c.entity_id not in held_people
    }
    categories = _categories(conn, records)
    # Without an agreement in force we share none of our people with it.
    grants = _grants(conn, pid, people - theirs) if agreement is not None else set()
    our_teams: set[str] = set(conn.execute(select(s.teams.c.team_id)).scalars())
    consent_ids = {c.entity_id for c in records if c.entity == "consent_to_share"}
    their_consents = _received_from(conn, pid, "consent_to_share", consent_ids)
    # Alerts it made (before, or on this page): their detail and kind are its staff's.
    alert_ids = {c.entity_id for c in records if c.entity == "alert"}
    their_alerts = _received_from(conn, pid, "alert", alert_ids) | {
        c.entity_id for c in records if c.entity == "alert" and c.op == "create"
    }
    # By kind and id: an id reused across kinds must not make one of ours its.
    theirs_made = {("consent_to_share", i) for i in their_consents} | {
        ("alert", i) for i in their_alerts
    }
    for change in records:
        reason = _judge(
            change,
            owners.get((change.entity, change.entity_id)),
            theirs,
            categories.get((change.entity, change.entity_id)),
            grants,
            our_teams,
            own_org,
            theirs_made,
        )
        if reason:
            refused.append((change, reason))
    return refused


def _judge(
    change: Change,
    person: str | None,
    theirs: set[str],
    category: str | None,
    grants: set[tuple[str, str]],
    our_teams: set[str],
    own_org: str | None,
    theirs_made: set[tuple[str, str]],
) -> str | None:
    """`theirs_made`: (kind, id) of the consent records and alerts this partner created."""
    # A delete's value is never checked (validation.refusal reads it only for a create
    # or set), so it is not read here either.
    value: Any = json.loads(change.value) if change.value and change.op != "delete" else None
    if change.entity == "person":
        row = value if change.op == "create" and isinstance(value, dict) else {}
        team = row.get("team_id") if change.op == "create" else None
        if change.op == "set" and change.field == "team_id":
            team = value
        if team in our_teams:
            return OUR_TEAM
        if person not in theirs:
            if change.op in ("create", "delete"):
                return OUR_PERSON
            if change.field in ALLOCATION:
                return MOVE
    if person is None:
        return NOT_SHARED
    if category is None:
        return NOT_SHARED_KIND
    if person in theirs:
        # Its own people: what it sends is for its agreement and their consent.
        return None
    # Ours: only what our agreement and the person's consent share with it (the
    # grants: agreed categories, a duty to share, and the person and consent records
    # that go with them).
    if (person, category) not in grants:
        return NOT_SHARED
    if (
        change.entity == "alert"
        and change.op == "set"
        and change.field in ("restricted_detail", "kind")
        and ("alert", change.entity_id) not in theirs_made
    ):
        # Who may see a key safe code or safeguarding detail on our alerts is decided
        # by our staff's roles, which a partner's staff do not have here: it may
        # neither wipe the detail nor move it to another kind (write_policy._alert, for
        # laptops). An alert it made is its own staff's, judged by its own server.
        return OUR_RESTRICTED
    if change.entity in SIGNED_BY:
        # An assessment about our person is signed by whoever wrote it: a partner
        # signs only as its own author, and never rewords one (ours are signed by
        # our staff; the server here cannot tell a partner's own from ours, so it
        # refuses both). The person's say on printing it stays open.
        if change.op == "create":
            signer = value.get(SIGNED_BY[change.entity]) if isinstance(value, dict) else None
            if signer is not None and signer != change.author_id:
                return NOT_YOUR_SIGNATURE
        elif change.op == "set" and change.field not in SIGNED_OPEN_FIELDS:
            return NOT_THE_SIGNER
    if change.entity == "consent_to_share":
        # About our people, a partner records only what it shares with us.
        if change.op == "create":
            named = value.get("partner_organisation_id") if isinstance(value, dict) else None
        elif ("consent_to_share", change.entity_id) not in theirs_made:
            return OUR_CONSENT
        else:
            named = value if change.field == "partner_organisation_id" else own_org
        if change.op != "delete" and named != own_org:
            return OUR_CONSENT
    return None
