"""The numbers a coordinator looks at first: each practitioner's load, and the
team's unallocated, overdue and at-risk work. A handful of GROUP BY queries over
the open caseload (derived figures from caseload_summary); nothing is counted in
Python row by row."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from app.services import clock
from app.services.outcomes.follow_ups import not_died, people_due
from app.services.support import telecare_due
from app.services.team.team_caseload import AT_RISK_SCORE
from app.services.team.team_scope import TeamScope, team_scope
from app.values.overdue import before
from app.values.vocab import PRACTITIONER_ROLES, LevelOfNeed
from app.workspace import Workspace
from storage.tables import (
    CarePlan,
    CaseloadSummary,
    Person,
    StaffMember,
)

logger = logging.getLogger(__name__)

# How much one person weighs on a caseload, by level of need: a specialist case
# takes about three times the time of a universal one (the team's own rule of thumb).
WEIGHTS = {
    LevelOfNeed.UNIVERSAL.value: 1,
    LevelOfNeed.TARGETED.value: 2,
    LevelOfNeed.SPECIALIST.value: 3,
}
LEVELS = tuple(WEIGHTS)


@dataclass(frozen=True)
class PractitionerLoad:
    staff_id: str
    name: str
    role: str
    people: int = 0
    by_level: dict[str, int] = field(default_factory=dict)
    weighted: int = 0
    overdue_plan_reviews: int = 0
    overdue_visits: int = 0


@dataclass(frozen=True)
class TeamCounts:
    people: int
    unallocated: int
    overdue_plan_reviews: int
    overdue_visits: int
    at_risk: int
    consent_reviews_overdue: int
    risk_reviews_overdue: int
    open_conflicts: int
    practitioners: list[PractitionerLoad]
    # Reablement's 91-day checks waiting (closed cases too: see outcomes.follow_ups).
    follow_ups_due: int = 0
    # Open cases with a telecare test due (app.services.support.telecare_due).
    telecare_due: int = 0


def _open() -> ColumnElement[bool]:
    return Person.status == "open"


def practitioner_loads(
    session: Session, now: datetime, today: date, scope: TeamScope
) -> list[PractitionerLoad]:
    """Every active practitioner (also those with nobody yet) and everyone else who leads
    someone; heaviest weighted load first."""
    level_counts = [
        func.sum(case((Person.level_of_need == level, 1), else_=0)).label(level) for level in LEVELS
    ]
    stmt = (
        select(
            Person.lead_professional_id,
            func.count(Person.id),
            *level_counts,
            func.sum(case((before(CarePlan.review_due, today), 1), else_=0)),
            func.sum(case((before(CaseloadSummary.next_visit_due, now), 1), else_=0)),
        )
        .outerjoin(CarePlan, CarePlan.person_id == Person.id)
        .outerjoin(CaseloadSummary, CaseloadSummary.person_id == Person.id)
        .where(_open(), scope.people(), Person.lead_professional_id.is_not(None))
        .group_by(Person.lead_professional_id)
    )
    found = {r[0]: r for r in session.execute(stmt)}
    staff = session.execute(
        select(StaffMember.id, StaffMember.display_name, StaffMember.role, StaffMember.active)
    ).all()
    loads = []
    for staff_id, name, role, active in staff:
        row = found.pop(staff_id, None)
        if row is None and not (active and role in {r.value for r in PRACTITIONER_ROLES}):
            continue
        loads.append(_load(staff_id, name, role, row))
    # Leads whose directory entry has not reached this laptop yet still count.
    loads.extend(_load(staff_id, "Unknown colleague", "", row) for staff_id, row in found.items())
    return sorted(loads, key=lambda p: (-p.weighted, p.name))


def _load(staff_id: str, name: str, role: str, row: object | None) -> PractitionerLoad:
    if row is None:
        return PractitionerLoad(staff_id, name, role, by_level=dict.fromkeys(LEVELS, 0))
    values = list(row)  # type: ignore[call-overload]
    by_level = {level: int(values[2 + n] or 0) for n, level in enumerate(LEVELS)}
    return PractitionerLoad(
        staff_id=staff_id,
        name=name,
        role=role,
        people=int(values[1]),
        by_level=by_level,
        weighted=sum(WEIGHTS[level] * n for level, n in by_level.items()),
        overdue_plan_reviews=int(values[2 + len(LEVELS)] or 0),
        overdue_visits=int(values[3 + len(LEVELS)] or 0),
    )


def count_in(session: Session, scope: TeamScope, *, now: datetime | None = None) -> TeamCounts:
    """The strip's totals in one aggregate over open people (the overdue reviews and
    conflicts are caseload_summary columns), then the practitioners' loads."""
    now = now or clock.now()
    today = clock.local(now).date()
    summary = CaseloadSummary
    totals = session.execute(
        select(
            func.count(Person.id),
            func.sum(case((Person.lead_professional_id.is_(None), 1), else_=0)),
            func.sum(case((before(CarePlan.review_due, today), 1), else_=0)),
            func.sum(case((before(summary.next_visit_due, now), 1), else_=0)),
            func.sum(case((summary.highest_risk >= AT_RISK_SCORE, 1), else_=0)),
            func.sum(case((before(summary.consent_review_due, today), 1), else_=0)),
            func.sum(case((before(summary.risk_review_due, today), 1), else_=0)),
            func.sum(case((summary.open_conflicts > 0, 1), else_=0)),
        )
        .outerjoin(CarePlan, CarePlan.person_id == Person.id)
        .outerjoin(summary, summary.person_id == Person.id)
        .where(_open(), scope.people())
    ).one()
    n = [int(v or 0) for v in totals]
    follow_ups = session.execute(
        select(func.count(Person.id)).where(
            scope.people(), not_died(), Person.id.in_(people_due(today))
        )
    ).scalar_one()
    telecare = session.execute(
        select(func.count(Person.id)).where(
            _open(), scope.people(), Person.id.in_(telecare_due.people_due(today))
        )
    ).scalar_one()
    return TeamCounts(
        people=n[0],
        unallocated=n[1],
        overdue_plan_reviews=n[2],
        overdue_visits=n[3],
        at_risk=n[4],
        consent_reviews_overdue=n[5],
        risk_reviews_overdue=n[6],
        open_conflicts=n[7],
        practitioners=practitioner_loads(session, now, today, scope),
        follow_ups_due=int(follow_ups or 0),
        telecare_due=int(telecare or 0),
    )


def team_counts(workspace: Workspace, *, now: datetime | None = None) -> TeamCounts:
    with workspace.store.read() as session:
        return count_in(session, team_scope(session, workspace.actor), now=now)
