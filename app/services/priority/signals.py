"""Each factor's signal for the people in a scope, read from the shared record in a
handful of set-based queries (one per kind of record, never one per person), so the
list for a 5,000-person team stays within its budget (bench/priority.py).

Where each factor comes from (shown beside the score, `weights.Factor.source`):
- admissions, A&E attendances, a recent discharge: hospital and urgent care events
  not entered in error, admissions and A&E in the last 12 months (from the day a
  year before today, as the outcome report's "last 12 months"), a discharge in the
  last RECENT_DISCHARGE_DAYS days;
- falls, carer strain: an active risk of that kind; high risks: active risks scored
  AT_RISK_SCORE or more (likelihood x impact, the caseload's red band);
- safeguarding: an alert of that kind in force;
- capacity: the person's most recent mental capacity assessment found they lacked
  capacity for the decision assessed;
- overdue review: the care plan's or any active risk's review date is past
  (`app.values.overdue`, the one rule);
- no contact: no contact note for NO_CONTACT_WEEKS weeks, or none at all on a
  record first made that long ago;
- level of need and living alone: the person's details.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.services import clock
from app.services.priority.scoring import Signals
from app.services.priority.weights import NO_CONTACT_WEEKS, RECENT_DISCHARGE_DAYS
from app.services.team.team_caseload import AT_RISK_SCORE
from app.values.calendar import a_year_before
from app.values.overdue import past
from app.values.vocab import (
    AlertKind,
    CapacityOutcome,
    HospitalEventKind,
    LevelOfNeed,
    RiskKind,
    RiskStatus,
)
from storage.tables import (
    Alert,
    CarePlan,
    CaseloadSummary,
    HospitalEvent,
    MentalCapacityAssessment,
    Person,
    Risk,
    StaffMember,
)


@dataclass(frozen=True)
class Listed:
    """Who a row of the list is (shown beside the score)."""

    person_id: str
    given_name: str
    family_name: str
    nhs_number: str | None
    date_of_birth: date
    lead_name: str | None


@dataclass
class _Gathered:
    admissions: list[date]
    ae: int = 0
    discharge: date | None = None
    falls: bool = False
    carer: bool = False
    high: int = 0
    safeguarding: bool = False
    # The most recent capacity assessment: (when, found lacking capacity).
    capacity: tuple[date, bool] | None = None
    risk_review_overdue: bool = False


def read_signals(
    session: Session, people: Select[Any], *, now: datetime
) -> list[tuple[Listed, Signals]]:
    """Each open person whose id `people` selects, with their signals as of `now`."""
    on = clock.local(now).date()
    year_start = a_year_before(on) + timedelta(days=1)
    discharge_start = on - timedelta(days=RECENT_DISCHARGE_DAYS)
    quiet_since = now - timedelta(weeks=NO_CONTACT_WEEKS)
    ids = people.scalar_subquery()
    gathered: dict[str, _Gathered] = defaultdict(lambda: _Gathered([]))

    for person_id, kind, occurred in session.execute(
        select(HospitalEvent.person_id, HospitalEvent.kind, HospitalEvent.occurred_on).where(
            HospitalEvent.person_id.in_(ids),
            HospitalEvent.entered_in_error.is_not(True),
            HospitalEvent.occurred_on >= min(year_start, discharge_start),
            HospitalEvent.occurred_on <= on,
        )
    ):
        g = gathered[person_id]
        if kind == HospitalEventKind.UNPLANNED_ADMISSION.value and occurred >= year_start:
            g.admissions.append(occurred)
        elif kind == HospitalEventKind.AE_ATTENDANCE.value and occurred >= year_start:
            g.ae += 1
        elif kind == HospitalEventKind.DISCHARGE.value and occurred >= discharge_start:
            g.discharge = max(occurred, g.discharge or occurred)

    for person_id, kind, likelihood, impact, review_on in session.execute(
        select(Risk.person_id, Risk.kind, Risk.likelihood, Risk.impact, Risk.review_on).where(
            Risk.person_id.in_(ids), Risk.status == RiskStatus.ACTIVE.value
        )
    ):
        g = gathered[person_id]
        g.falls |= kind == RiskKind.FALLS.value
        g.carer |= kind == RiskKind.CARER_BREAKDOWN.value
        g.high += int(likelihood * impact >= AT_RISK_SCORE)
        g.risk_review_overdue |= past(review_on, on)

    for (person_id,) in session.execute(
        select(Alert.person_id).where(
            Alert.person_id.in_(ids),
            Alert.active.is_(True),
            Alert.kind == AlertKind.SAFEGUARDING.value,
        )
    ):
        gathered[person_id].safeguarding = True

    for person_id, assessed_on, outcome in session.execute(
        select(
            MentalCapacityAssessment.person_id,
            MentalCapacityAssessment.assessed_on,
            MentalCapacityAssessment.outcome,
        ).where(MentalCapacityAssessment.person_id.in_(ids))
    ):
        g = gathered[person_id]
        # The most recent assessment speaks for the person now (two on one day: the
        # one that found a lack of capacity, the safer reading).
        mine = (assessed_on, outcome == CapacityOutcome.LACKS_CAPACITY.value)
        if g.capacity is None or mine > g.capacity:
            g.capacity = mine

    listed: list[tuple[Listed, Signals]] = []
    for row in session.execute(
        select(
            Person.id,
            Person.given_name,
            Person.family_name,
            Person.nhs_number,
            Person.date_of_birth,
            Person.level_of_need,
            Person.recorded_at,
            StaffMember.display_name,
            CaseloadSummary.last_contact_at,
            CarePlan.review_due,
        )
        .outerjoin(StaffMember, StaffMember.id == Person.lead_professional_id)
        .outerjoin(CaseloadSummary, CaseloadSummary.person_id == Person.id)
        .outerjoin(CarePlan, CarePlan.person_id == Person.id)
        .where(Person.id.in_(ids), Person.status == "open")
    ):
        g = gathered.get(row.id) or _Gathered([])
        last: datetime | None = row.last_contact_at
        quiet = last < quiet_since if last is not None else row.recorded_at < quiet_since
        listed.append(
            (
                Listed(
                    row.id,
                    row.given_name,
                    row.family_name,
                    row.nhs_number,
                    row.date_of_birth,
                    row.display_name,
                ),
                Signals(
                    unplanned_admissions=len(g.admissions),
                    first_admission_on=min(g.admissions, default=None),
                    ae_attendances=g.ae,
                    last_discharge_on=g.discharge,
                    falls=g.falls,
                    lives_alone=False,
                    carer_strain=g.carer,
                    specialist_need=row.level_of_need == LevelOfNeed.SPECIALIST.value,
                    high_risks=g.high,
                    safeguarding=g.safeguarding,
                    capacity_concern=g.capacity is not None and g.capacity[1],
                    overdue_review=g.risk_review_overdue or past(row.review_due, on),
                    no_contact=quiet,
                    last_contact_on=None if last is None else clock.local(last).date(),
                ),
            )
        )
    return listed
