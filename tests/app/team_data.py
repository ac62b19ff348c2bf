"""A small hand-built team caseload whose every count is known (synthetic people only).

Fixed "now": Monday 16 November 2026, 10:00 in England.

| person | NHS        | level      | lead   | plan review | next visit  | risk | other |
|--------|------------|------------|--------|-------------|-------------|------|-------|
| Ada    | 9990000018 | specialist | Ceri   | 2026-11-01  | 2026-11-10  | 20   | consent review overdue, conflict |
| Bryn   | 9990000026 | targeted   | Ceri   | 2026-11-20  | 2026-11-18  | 6    | risk review overdue |
| Cerys  | 9990000034 | universal  | Ola    | 2026-12-10  | (none)      | -    | |
| Dev    | 9990000042 | targeted   | (none) | (none)      | 2026-11-12  | 16   | |
| Efa    | 9990000050 | specialist | (none) | 2026-11-02  | (none)      | -    | closed: never counted |
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.services import clock
from app.services.record.people import NewPerson, find, register
from app.values.vocab import Role
from app.workspace import Workspace
from storage.tables import (
    CarePlan,
    ConsentToShare,
    ContactNote,
    Organisation,
    PlannedVisit,
    Risk,
    StaffMember,
    SyncConflict,
)

NOW = clock.at_local(date(2026, 11, 16), 10)
TODAY = date(2026, 11, 16)
ADA, BRYN, CERYS, DEV, EFA = (
    "9990000018",
    "9990000026",
    "9990000034",
    "9990000042",
    "9990000050",
)


@dataclass
class Team:
    ceri: str
    ola: str
    gone: str  # an inactive former member
    ig: str  # the IG lead, who holds no caseload
    council: str
    trust: str
    ids: dict[str, str]


def sign_in_as(ws: Workspace, role: str = Role.COORDINATOR.value) -> None:
    """Give the signed-in user this role (the team tools are for coordinators)."""
    assert ws.actor.user_id is not None
    with ws.store.write(ws.actor) as s:
        me = s.get(StaffMember, ws.actor.user_id)
        assert me is not None
        me.role = role


def build_team(ws: Workspace, *, as_role: str | None = Role.COORDINATOR.value) -> Team:
    """The team above; the signed-in user becomes `as_role` (the team tools are for
    coordinators) unless None."""
    people = [
        (ADA, "Ada", "Ashworth", "specialist"),
        (BRYN, "Bryn", "Pritchard", "targeted"),
        (CERYS, "Cerys", "Ashworth", "universal"),
        (DEV, "Dev", "Kumar", "targeted"),
        (EFA, "Efa", "Evans", "specialist"),
    ]
    for nhs, given, family, level in people:
        register(ws, NewPerson(nhs, given, family, "1940-01-02", "DL8 3AB", level_of_need=level))
    if as_role is not None:
        sign_in_as(ws, as_role)
    with ws.store.write(ws.actor) as s:
        ids = {nhs: find(s, nhs).id for nhs, *_ in people}
        council = Organisation(name="Dales Council", kind="council")
        trust = Organisation(name="Dales Community Health", kind="community_trust")
        ceri = StaffMember(display_name="Ceri Jones", role="social_worker")
        ola = StaffMember(display_name="Ola Nowak", role="occupational_therapist")
        gone = StaffMember(display_name="Lee Former", role="community_nurse", active=False)
        ig = StaffMember(display_name="Ivy Gov", role="ig_lead")
        # An active practitioner who leads nobody yet.
        tom = StaffMember(display_name="Tom Reed", role="physiotherapist")
        s.add_all([council, trust, ceri, ola, gone, ig, tom])
        s.flush()
        lead = {ADA: ceri.id, BRYN: ceri.id, CERYS: ola.id}
        for nhs, staff in lead.items():
            find(s, nhs).lead_professional_id = staff
        find(s, EFA).status = "closed"
        for nhs, due in (
            (ADA, date(2026, 11, 1)),
            (BRYN, date(2026, 11, 20)),
            (CERYS, date(2026, 12, 10)),
            (EFA, date(2026, 11, 2)),
        ):
            s.add(CarePlan(person_id=ids[nhs], review_due=due))
        for nhs, day, assigned in (
            (ADA, date(2026, 11, 10), ceri.id),
            (BRYN, date(2026, 11, 18), ceri.id),
            (DEV, date(2026, 11, 12), None),
        ):
            due_at = clock.at_local(day, 11)
            s.add(PlannedVisit(person_id=ids[nhs], due_at=due_at, assigned_to_id=assigned))
        s.add(
            PlannedVisit(person_id=ids[ADA], due_at=NOW + timedelta(days=3), assigned_to_id=ceri.id)
        )
        for nhs, likelihood, impact, review in (
            (ADA, 4, 5, date(2026, 12, 1)),
            (BRYN, 2, 3, date(2026, 11, 1)),
            (DEV, 4, 4, None),
        ):
            s.add(
                Risk(
                    person_id=ids[nhs],
                    kind="falls",
                    description="Falls at home",
                    likelihood=likelihood,
                    impact=impact,
                    review_on=review,
                )
            )
        s.add(
            ConsentToShare(
                person_id=ids[ADA],
                category="all",
                decision="given",
                decided_on=date(2025, 11, 1),
                review_on=date(2026, 11, 1),
            )
        )
        s.add(
            ConsentToShare(
                person_id=ids[BRYN],
                category="all",
                decision="given",
                decided_on=date(2026, 6, 1),
                review_on=date(2027, 6, 1),
            )
        )
        # Contacts: trust twice in the week of 9 Nov, council once that week and once
        # the week of 2 Nov; one too old to chart (over six months ago).
        for nhs, when, org in (
            (ADA, datetime(2026, 11, 10, 10, tzinfo=NOW.tzinfo), trust.id),
            (BRYN, datetime(2026, 11, 11, 10, tzinfo=NOW.tzinfo), trust.id),
            (ADA, datetime(2026, 11, 12, 10, tzinfo=NOW.tzinfo), council.id),
            (CERYS, datetime(2026, 11, 3, 10, tzinfo=NOW.tzinfo), council.id),
            (CERYS, datetime(2026, 3, 3, 10, tzinfo=NOW.tzinfo), council.id),
        ):
            s.add(
                ContactNote(
                    person_id=ids[nhs],
                    contact_type="home_visit",
                    occurred_at=when,
                    narrative="Visited.",
                    organisation_id=org,
                )
            )
        s.add(
            SyncConflict(
                entity="person",
                entity_id=ids[ADA],
                field="phone",
                person_id=ids[ADA],
                heads=json.dumps([]),
                detected_at=NOW,
            )
        )
        team = Team(ceri.id, ola.id, gone.id, ig.id, council.id, trust.id, ids)
    return team
