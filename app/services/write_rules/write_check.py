"""The write policy on the laptop's own store: every journalled change it writes.

`check_writes` is the `storage.journal.WriteChecker` the app injects into the
Store when a signed-in user opens the profile (`app.workspace.open_workspace`).
The change journal calls it with every change record of a flush or bulk insert,
before they are journalled; it works out the facts from this laptop's tables
(the viewer and their team, the person's relationship and any break-glass
grant in force: `app.services.need_to_know.access`) and asks `write_policy.decide`, the
same function the server asks for every pushed change. The first refusal
refuses the whole write (AccessDeniedError, its plain reason), so the laptop
never journals what its server would refuse.

What is checked: every change of an enrolled laptop, from the moment it is
enrolled (`sync.client.enrol` switches the workspace to the server's user at
once): the services' ORM writes, conflict resolutions, bulk inserts
(`storage.bulk`: a coordinator's caseload import writes as that coordinator,
into their own team) and audit events.

What is not, and why: a profile with no server (standalone, and the demo, which
can never be enrolled). Its one user holds its key and could write anything into
it; nothing it writes reaches anyone else, so there is no server whose decision
it must agree with, and its services keep their own checks (need-to-know at
every write, the team tools' roles). A standalone profile enrolled later sends
what it wrote before to the server, which decides it as any push (changes in
the profile's placeholder user's name are refused; its first audit events keep
their place in the chain: `sync.server.authority`). Also unchecked: a profile's
own set-up before anyone signs in (`app.workspace.create`'s organisation and
first user), the demo's synthetic caseload (`app.demo.generator`, written
before the demo's Workspace exists), and changes pulled from the server
(`sync.client.apply`: other people's changes, already decided by the server).
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import AccessDeniedError
from app.services.need_to_know.access import active_grant, relationship, viewer_of
from app.services.need_to_know.access_policy import Viewer, legitimate, may_break_glass
from app.services.write_rules.write_policy import (
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
from storage.journal import Before, context_of
from storage.tables import Alert, Person, StaffMember, Team, journalled_tables

logger = logging.getLogger(__name__)

_TABLES = journalled_tables()


def proposed(record: dict[str, Any]) -> Proposed:
    """A journal record (storage.journal.change_record) as the policy sees it."""
    entity, op, text = record["entity"], record["op"], record["value"]
    value: Any = None
    if op in ("create", "append") or (entity, record["field"]) in VALUE_FIELDS:
        value = json.loads(text) if text is not None else None
    return Proposed(
        entity=entity,
        entity_id=record["entity_id"],
        op=op,
        field=record["field"],
        value=value,
        device_id=record["device_id"],
        author_id=record["author_id"],
        organisation_id=record["organisation_id"],
        stamp=record["hlc"],
    )


def check_writes(session: Session, records: list[dict[str, Any]], before: Before) -> None:
    """Refuse the write (AccessDeniedError) if any of its changes breaks the policy."""
    for record, reason in zip(records, decisions(session, records, before), strict=True):
        if reason is not None:
            logger.info("a write was refused by the write policy (%s)", record["entity"])
            raise AccessDeniedError(reason)


def decisions(session: Session, records: list[dict[str, Any]], before: Before) -> list[str | None]:
    """Each change record's refusal reason (None: allowed), facts read once per person."""
    actor = context_of(session).actor
    viewer = viewer_of(session, actor)
    if not viewer.enrolled:
        # A profile with no server: nothing it writes reaches anyone (see above).
        return [None] * len(records)
    writer = Writer(
        user_id=actor.user_id,
        role=actor.role or viewer.role,
        organisation_id=actor.organisation_id,
        team_id=viewer.team_id,
        device_id=actor.device_id,
        enrolled=viewer.enrolled,
    )
    facts: dict[str, PersonFacts | None] = {}
    found: list[str | None] = []
    for record in records:
        change = proposed(record)
        person: PersonFacts | None = None
        if needs_person(change.entity):
            person_id = _owner(session, change)
            if change.entity == "person" and change.op == "create":
                # Already flushed: the policy judges it as the new person it is.
                person = PersonFacts(exists=False, on_caseload=False)
            elif person_id is not None:
                if person_id not in facts:
                    facts[person_id] = _person_facts(session, viewer, person_id, before)
                person = facts[person_id]
        found.append(decide(writer, change, person, _lookups(session, change, before)))
    return found


def _owner(session: Session, change: Proposed) -> str | None:
    """Whose record this change is part of."""
    if change.entity == "person":
        return change.entity_id
    if isinstance(change.value, dict) and change.op in ("create", "append"):
        owner = change.value.get("person_id")
        return owner if isinstance(owner, str) else None
    table = cast(Any, _TABLES[change.entity])
    found = session.execute(select(table.person_id).where(table.id == change.entity_id)).scalar()
    return found if isinstance(found, str) else None


def _person_facts(
    session: Session, viewer: Viewer, person_id: str, before: Before
) -> PersonFacts | None:
    """The person as they were before this write's flush (a move or a new lead in the
    same flush is judged against the team and lead it changes)."""
    person = session.get(Person, person_id)
    if person is None:
        return None
    was = before.get(("person", person_id), {})
    as_before = SimpleNamespace(
        id=person.id,
        team_id=was.get("team_id", person.team_id),
        lead_professional_id=was.get("lead_professional_id", person.lead_professional_id),
    )
    rel = relationship(session, viewer, cast(Person, as_before))
    if as_before.team_id != person.team_id:
        # relationship() asks the database whether the person's team is a partner's,
        # and this flush has already moved them: decide it from the team they had.
        foreign = as_before.team_id is not None and session.get(Team, as_before.team_id) is None
        rel = replace(rel, placed_by_server=viewer.enrolled and not rel.same_team and foreign)
    on_caseload = legitimate(viewer, rel)
    glass = (
        not on_caseload
        and may_break_glass(viewer)
        and active_grant(session, viewer, person_id) is not None
    )
    return PersonFacts(
        exists=True,
        on_caseload=on_caseload,
        break_glass=glass,
        lead_professional_id=as_before.lead_professional_id,
        team_id=as_before.team_id,
    )


def _lookups(session: Session, change: Proposed, before: Before) -> Lookups:
    if change.op == "create" and change.entity == "person":
        lead = change.value.get("lead_professional_id") if isinstance(change.value, dict) else None
        if isinstance(lead, str):
            staff = session.get(StaffMember, lead)
            return Lookups(staff={lead: (staff.role, staff.active)} if staff else {})
        return Lookups()
    signer_field = SIGNED_BY.get(change.entity)
    if change.op == "set" and signer_field and change.field not in SIGNED_OPEN_FIELDS:
        # Who signed it before this write (the signature itself never changes).
        row = session.get(_TABLES[change.entity], change.entity_id)
        was = before.get((change.entity, change.entity_id), {})
        signer = was.get(signer_field, getattr(row, signer_field, None))
        return Lookups(signer={change.entity_id: signer})
    if change.op != "set" or (change.entity, change.field) not in VALUE_FIELDS:
        return Lookups()
    value = change.value
    if change.field == "team_id" and isinstance(value, str):
        team = session.get(Team, value)
        return Lookups(team_organisation={value: team.organisation_id if team else None})
    if change.field == "lead_professional_id" and isinstance(value, str):
        staff = session.get(StaffMember, value)
        return Lookups(staff={value: (staff.role, staff.active)} if staff else {})
    if change.entity == "alert" and change.field in ("restricted_detail", "kind"):
        # The kind before this write: what the detail was shown by until now.
        alert = session.get(Alert, change.entity_id)
        kind = before.get(("alert", change.entity_id), {}).get("kind", alert and alert.kind)
        return Lookups(alert_kind={change.entity_id: kind})
    return Lookups()
