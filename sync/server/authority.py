"""The server authorises every change a laptop pushes, by the laptop's own rules.

`refusals` decides a batch with `app.services.write_rules.write_policy.decide`, the function
the laptop's write path asks for every change it journals, with facts this
server works out from its own tables, never from what the laptop says:

* the writer: the device's enrolled user (`devices`), their role (`staff`), this
  server's organisation, the device's team;
* each person the batch touches, once per batch: on the team's caseload
  (`person_team`), or held by a break-glass grant in force (`break_glass_scope`),
  or new in this batch (created by an allowed change earlier in it);
* only what a rule needs beyond that, in one query per batch each: a person's
  lead professional (restricted alert detail), an alert's kind, a proposed team's
  organisation, a proposed lead's role.

Per change only the pure decision runs, so the checks cost little beside the
insert (bench/server_sync.py measures it).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from app.services.write_rules.write_policy import (
    MOVED_GRACE,
    NO_LOOKUPS,
    SIGNED_BY,
    SIGNED_OPEN_FIELDS,
    VALUE_FIELDS,
    Lookups,
    PersonFacts,
    Proposed,
    Writer,
    decide,
    needs_person,
)
from storage.hlc import unpack
from sync.protocol import Change
from sync.server import schema as s
from sync.server import servertime, stream

logger = logging.getLogger(__name__)

_CHUNK = 500


def writer_of(conn: Connection, device: dict[str, Any], organisation_id: str | None) -> Writer:
    """The device's user as this server knows them."""
    role = conn.execute(
        select(s.staff.c.role).where(s.staff.c.user_id == device["user_id"])
    ).scalar()
    return Writer(
        user_id=device["user_id"],
        role=role,
        organisation_id=organisation_id,
        team_id=device.get("team_id"),
        device_id=device["device_id"],
    )


def proposed(change: Change, row: dict[str, Any] | None) -> Proposed:
    value: Any = row
    if change.op == "set":
        value = None
        if (change.entity, change.field) in VALUE_FIELDS and change.value is not None:
            value = json.loads(change.value)
    # Positional, in Proposed's field order: one per pushed change, and keywords make
    # a named tuple several times slower to build.
    return Proposed(
        change.entity,
        change.entity_id,
        change.op,
        change.field,
        value,
        change.device_id,
        change.author_id,
        change.organisation_id,
        change.hlc,
    )


def refusals(
    conn: Connection,
    device: dict[str, Any],
    organisation_id: str | None,
    batch: Sequence[Change],
    rows: dict[str, dict[str, Any] | None],
    owners: dict[tuple[str, str], str | None],
) -> dict[str, str]:
    """change id -> the plain reason it is refused, for the changes of `batch` the
    device's user may not make. In batch order: a person created by an allowed
    change is in scope for the changes after it."""
    if not batch:
        return {}
    writer = writer_of(conn, device, organisation_id)
    # Two passes over the batch: the first gathers what to look up, the second
    # decides. Between them nothing is kept per change but its person's id: holding a
    # Proposed for each of a push's 2,000 changes set the garbage collector scanning
    # the whole heap.
    # Each change's person, when deciding it needs their facts.
    whose: list[str | None] = []
    for change in batch:
        owner = owners.get((change.entity, change.entity_id))
        whose.append(owner if owner is not None and needs_person(change.entity) else None)
    people = {person_id for person_id in whose if person_id is not None}
    facts = _people(conn, writer, people, _needs_lead(batch, rows, owners))
    lookups = _lookups(conn, batch, organisation_id)
    refused: dict[str, str] = {}
    for change, owner in zip(batch, whose, strict=True):
        p = proposed(change, rows.get(change.change_id))
        person = facts.get(owner) if owner is not None else None
        if change.entity == "person" and change.op == "create" and person is None:
            person = PersonFacts(exists=False, on_caseload=False)
        if reason := decide(writer, p, person, lookups):
            refused[change.change_id] = reason
        elif change.entity == "person" and change.op == "create":
            # Placed with the writer's team (the store does the same for no team).
            facts[change.entity_id] = PersonFacts(
                exists=True, on_caseload=True, team_id=writer.team_id
            )
    if refused:
        logger.info("refused %d pushed changes by the write policy", len(refused))
    return refused


def _chunks(items: Iterable[str]) -> Iterable[list[str]]:
    ordered = sorted(items)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def _set_value(change: Change) -> Any:
    """The decoded new value of a set the policy reads (VALUE_FIELDS), else None."""
    if change.op != "set" or (change.entity, change.field) not in VALUE_FIELDS:
        return None
    return json.loads(change.value) if change.value is not None else None


def _needs_lead(
    batch: Sequence[Change],
    rows: dict[str, dict[str, Any] | None],
    owners: dict[tuple[str, str], str | None],
) -> set[str]:
    """People whose lead professional a rule reads: restricted alert detail written
    (set, cleared or made with an alert) or an alert's kind changed (its detail may
    move to another category: write_policy._alert)."""
    found: set[str] = set()
    for change in batch:
        if change.entity != "alert":
            continue
        if change.op == "create":
            row = rows.get(change.change_id)
            reads = bool(row.get("restricted_detail")) if row is not None else False
        else:
            reads = change.op == "set" and change.field in ("restricted_detail", "kind")
        if reads and (person := owners.get((change.entity, change.entity_id))):
            found.add(person)
    return found


def _people(
    conn: Connection, writer: Writer, people: set[str], need_lead: set[str]
) -> dict[str, PersonFacts]:
    """Each person's facts before this batch, in one query per 500 people."""
    if not people:
        return {}
    pt = s.person_team
    teams: dict[str, str | None] = {}
    moved_at: dict[str, int] = {}
    for chunk in _chunks(people):
        for row in conn.execute(
            select(pt.c.person_id, pt.c.team_id, pt.c.hlc).where(pt.c.person_id.in_(chunk))
        ):
            teams[row.person_id] = row.team_id
            moved_at[row.person_id] = row.hlc
    left = _left_but_held(conn, writer, teams, moved_at)
    glass: set[str] = set(conn.execute(stream.glass(writer.device_id, servertime.now())).scalars())
    leads = _latest(conn, "person", need_lead, "lead_professional_id") if need_lead else {}
    facts: dict[str, PersonFacts] = {}
    for person in people:
        held = person in teams
        on_caseload = held and writer.team_id is not None and teams[person] == writer.team_id
        facts[person] = PersonFacts(
            exists=held,
            on_caseload=on_caseload,
            break_glass=held and person in glass,
            lead_professional_id=leads.get(person),
            team_id=teams.get(person),
            left_team_at=left.get(person),
        )
    return facts


def _left_but_held(
    conn: Connection, writer: Writer, teams: dict[str, str | None], moved_at: dict[str, int]
) -> dict[str, int]:
    """People no longer on the writer's team whom its device still holds (sent, never
    evicted: it has not pulled since they left), with the stamp of the team change
    that took them away, while that change is younger than MOVED_GRACE. Someone the
    device ever held by break-glass is not among them: holding them says nothing of
    their having been on the team's caseload."""
    elsewhere = [p for p, team in teams.items() if team != writer.team_id]
    if not elsewhere:
        return {}
    bg = s.break_glass_scope
    glass_ever: set[str] = set(
        conn.execute(select(bg.c.person_id).where(bg.c.device_id == writer.device_id)).scalars()
    )
    elsewhere = [p for p in elsewhere if p not in glass_ever]
    dp = s.device_people
    held: set[str] = set()
    for chunk in _chunks(elsewhere):
        held.update(
            conn.execute(
                select(dp.c.person_id).where(
                    dp.c.device_id == writer.device_id,
                    dp.c.person_id.in_(chunk),
                    dp.c.evicted_generation.is_(None),
                )
            ).scalars()
        )
    # Stamps carry real milliseconds (storage/hlc.py), as does this comparison.
    oldest = time.time_ns() // 1_000_000 - int(MOVED_GRACE.total_seconds() * 1000)
    return {p: moved_at[p] for p in held if unpack(moved_at[p])[0] >= oldest}


# The signer of a record whose signing change cannot be read: no one is, so a change
# to its signed words is refused (write_policy: NOT_THE_SIGNER), never let through.
UNREADABLE_SIGNER = "(unreadable)"


def _latest(
    conn: Connection, entity: str, ids: set[str], field: str, unreadable: Any = None
) -> dict[str, Any]:
    """Each entity's field at its winning change (greatest stamp, then device), as the
    merge folds it: from its create or a later set of that field. `unreadable` stands
    for a value that cannot be read (a row spoilt on this server, by hand or a bug): the
    push is still decided, by a value the caller chose to be the careful one."""
    c = s.changes.c
    best: dict[str, tuple[int, str, Any]] = {}
    for chunk in _chunks(ids):
        found = conn.execute(
            select(c.entity_id, c.op, c.value, c.hlc, c.device_id).where(
                c.entity == entity,
                c.entity_id.in_(chunk),
                or_(c.op == "create", and_(c.op == "set", c.field == field)),
            )
        )
        for row in found:
            try:
                value = json.loads(row.value) if row.value else None
                if row.op == "create":
                    value = value.get(field) if isinstance(value, dict) else unreadable
            except (ValueError, RecursionError):
                value = unreadable
            key = (row.hlc, row.device_id)
            if row.entity_id not in best or key > best[row.entity_id][:2]:
                best[row.entity_id] = (row.hlc, row.device_id, value)
    return {entity_id: won[2] for entity_id, won in best.items()}


def _lookups(conn: Connection, batch: Sequence[Change], organisation_id: str | None) -> Lookups:
    """The facts a few rules need beyond the person, for the whole batch."""
    teams: set[str] = set()
    staff: set[str] = set()
    alerts: set[str] = set()
    signed: dict[str, set[str]] = {}  # entity -> ids whose words a change sets
    for change in batch:
        if change.op == "create" and change.entity == "person":
            lead = _created_lead(change)
            if lead is not None:
                staff.add(lead)
            continue
        if change.op != "set":
            continue
        if change.entity in SIGNED_BY and change.field not in SIGNED_OPEN_FIELDS:
            signed.setdefault(change.entity, set()).add(change.entity_id)
        elif change.entity == "person" and change.field in ("team_id", "lead_professional_id"):
            value = _set_value(change)
            if isinstance(value, str):
                (teams if change.field == "team_id" else staff).add(value)
        elif change.entity == "alert" and change.field in ("restricted_detail", "kind"):
            alerts.add(change.entity_id)
    if not (teams or staff or alerts or signed):
        return NO_LOOKUPS
    known_teams: set[str] = set()
    for chunk in _chunks(teams):
        known_teams.update(
            conn.execute(select(s.teams.c.team_id).where(s.teams.c.team_id.in_(chunk))).scalars()
        )
    roles: dict[str, tuple[str, bool]] = {}
    for chunk in _chunks(staff):
        for row in conn.execute(
            select(s.staff.c.user_id, s.staff.c.role, s.staff.c.active).where(
                s.staff.c.user_id.in_(chunk)
            )
        ):
            roles[row.user_id] = (row.role, bool(row.active))
    # A kind that cannot be read is judged as safeguarding (category_of_alert).
    kinds = _latest(conn, "alert", alerts, "kind") if alerts else {}
    # An alert this batch creates (offline: made, then edited, then pushed at once): its
    # kind before the edit is its create's, as the laptop read it from its own table.
    for change in batch:
        made = change.entity == "alert" and change.op == "create"
        if made and change.entity_id in alerts and change.entity_id not in kinds:
            kinds[change.entity_id] = _created_field(change, "kind")
    # Who signed each record a change rewords (the signature never changes: a set of
    # it is refused outright), as the laptop reads it from its own row.
    signers: dict[str, str | None] = {}
    for entity, ids in signed.items():
        signers.update(_latest(conn, entity, ids, SIGNED_BY[entity], UNREADABLE_SIGNER))
    # Every team this server keeps is its own organisation's (sync/server/directory.py).
    team_org: dict[str, str | None] = dict.fromkeys(known_teams, organisation_id)
    return Lookups(team_organisation=team_org, staff=roles, alert_kind=kinds, signer=signers)


def _created_field(change: Change, field: str) -> Any:
    try:
        row = json.loads(change.value or "null")
    except (ValueError, RecursionError):
        return None
    return row.get(field) if isinstance(row, dict) else None


def _created_lead(change: Change) -> str | None:
    """The lead professional a new person is created with, if any."""
    lead = _created_field(change, "lead_professional_id")
    return lead if isinstance(lead, str) else None
