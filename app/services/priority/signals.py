"""Each factor's signal for the people in a scope, read from the shared record in a
handful of set-based queries (one per kind of record, never one per person), so the
list for a 5,000-person team stays within its budget (bench/priority.py).

Where each factor comes from (shown beside the score, `weights.Factor.source`):
- admissions, A&E attendances, a recent discharge: hospital and urgent care events
  not entered in error, admissions and A&E in the last 12 months (from the day a
  year before today, as the outcome report's "last 12 months"), a discharge in the
  last RECENT_DISCHARGE_DAYS days;
- falls: an active risk of that kind; high risks: active risks scored AT_RISK_SCORE
  or more (likelihood x impact, the caseload's red band);
- carer strain: an active carer-breakdown risk, or any of the person's carers whose
  latest carer-strain check fires the team's prompt (high, or risen since the check
  before: `app.values.carer_strain.Trend.prompt`), read in one query;
- safeguarding: an alert of that kind in force;
- capacity: the person's most recent mental capacity assessment found they lacked
  capacity for the decision assessed;
- overdue review: the care plan's or any active risk's review date is past
  (`app.values.overdue`, the one rule; the risks' earliest review date is the one
  `caseload_summary` keeps for the Team view);
- no contact: no contact note for NO_CONTACT_WEEKS weeks, or none at all on a
  record first made that long ago;
- level of need and living alone: the person's details.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, Select, String, select, type_coerce
from sqlalchemy.orm import Session

from app.services import clock
from app.services.carers.strain_trends import prompting_people
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
    CarerStrainCheck,
    CaseloadSummary,
    HospitalEvent,
    MentalCapacityAssessment,
    Person,
    Risk,
    StaffMember,
)


class Listed(NamedTuple):
    """Who a row of the list is (shown beside the score)."""

    person_id: str
    given_name: str
    family_name: str
    nhs_number: str | None
    date_of_birth: date
    lead_name: str | None


@dataclass
class _Gathered:
    admissions: int = 0
    first_admission: date | None = None
    ae: int = 0
    discharge: date | None = None
    falls: bool = False
    carer: bool = False
    strain_prompt: bool = False
    high: int = 0
    safeguarding: bool = False
    capacity_concern: bool = False


_ADMISSION = HospitalEventKind.UNPLANNED_ADMISSION.value
_AE = HospitalEventKind.AE_ATTENDANCE.value
_DISCHARGE = HospitalEventKind.DISCHARGE.value
_FALLS = RiskKind.FALLS.value
_CARER = RiskKind.CARER_BREAKDOWN.value
_LACKS = CapacityOutcome.LACKS_CAPACITY.value
_ACTIVE = RiskStatus.ACTIVE.value
_SAFEGUARDING = AlertKind.SAFEGUARDING.value
_SPECIALIST = LevelOfNeed.SPECIALIST.value
# Up to this many people, each read names them (a practitioner's own caseload); a
# team's list reads each table's rows of the kind wanted and keeps its people's here:
# naming 4,000 people makes the store look each one up (measured three times as long
# as reading the rows). Each read returns as few text columns as it can: with
# SQLCipher's memory security on, every value handed back is a buffer wiped when freed.
_NAMED = 400


def _of(person_id: Any, people: set[str]) -> tuple[ColumnElement[bool], ...]:
    """The condition naming the people, for a short list; none for a long one."""
    return (person_id.in_(people),) if len(people) <= _NAMED else ()


def _gather(conn: Connection, people: set[str], on: date) -> dict[str, _Gathered]:
    """Each factor's facts from the person's other records, for the people given."""
    year_start = a_year_before(on) + timedelta(days=1)
    discharge_start = on - timedelta(days=RECENT_DISCHARGE_DAYS)
    gathered: dict[str, _Gathered] = defaultdict(_Gathered)
    e = HospitalEvent
    for person_id, kind, occurred in conn.execute(
        select(e.person_id, e.kind, e.occurred_on).where(
            e.entered_in_error.is_not(True), *_of(e.person_id, people)
        )
    ).all():
        if person_id not in people or occurred > on:
            continue
        if kind == _ADMISSION and occurred >= year_start:
            g = gathered[person_id]
            g.admissions += 1
            g.first_admission = min(occurred, g.first_admission or occurred)
        elif kind == _AE and occurred >= year_start:
            gathered[person_id].ae += 1
        elif kind == _DISCHARGE and occurred >= discharge_start:
            g = gathered[person_id]
            g.discharge = max(occurred, g.discharge or occurred)
    r = Risk
    for person_id, kind, likelihood, impact in conn.execute(
        select(r.person_id, r.kind, r.likelihood, r.impact).where(
            r.status == _ACTIVE, *_of(r.person_id, people)
        )
    ).all():
        if person_id not in people:
            continue
        g = gathered[person_id]
        g.falls |= kind == _FALLS
        g.carer |= kind == _CARER
        g.high += likelihood * impact >= AT_RISK_SCORE
    c = CarerStrainCheck
    # The dates as the store's own text: they sort as dates, and parsing thousands of
    # them costs more than the rest of this read.
    for person_id in prompting_people(
        conn.execute(
            select(
                c.person_id,
                c.carer_id,
                type_coerce(c.checked_on, String),
                c.answers,
                type_coerce(c.recorded_at, String),
                c.id,
            ).where(c.checked_on <= on, *_of(c.person_id, people))
        ).all()
    ):
        if person_id in people:
            gathered[person_id].strain_prompt = True
    for (person_id,) in conn.execute(
        select(Alert.person_id).where(
            Alert.active.is_(True),
            Alert.kind == _SAFEGUARDING,
            *_of(Alert.person_id, people),
        )
    ).all():
        if person_id in people:
            gathered[person_id].safeguarding = True
    latest: dict[str, tuple[date, bool]] = {}
    m = MentalCapacityAssessment
    for person_id, assessed_on, outcome in conn.execute(
        select(m.person_id, m.assessed_on, m.outcome).where(*_of(m.person_id, people))
    ).all():
        # The most recent assessment speaks for the person now (two on one day: the
        # one that found a lack of capacity, the safer reading).
        mine = (assessed_on, outcome == _LACKS)
        if person_id in people and (person_id not in latest or mine > latest[person_id]):
            latest[person_id] = mine
    for person_id, (_on, lacks) in latest.items():
        gathered[person_id].capacity_concern = lacks
    return gathered


def read_signals(
    session: Session, people: Select[Any], *, now: datetime
) -> list[tuple[Listed, Signals]]:
    """Each open person whose id `people` selects, with their signals as of `now`."""
    on = clock.local(now).date()
    quiet_since = now - timedelta(weeks=NO_CONTACT_WEEKS)
    # Core, not the ORM: plain rows, a third less to make.
    conn = session.connection()
    scope = set(conn.scalars(people))
    gathered = _gather(conn, scope, on)
    # Each table read on its own and joined here: a join looks up a row per person,
    # three times what reading the three small tables costs.
    summary = CaseloadSummary
    kept = {
        person_id: (last, risk_due)
        for person_id, last, risk_due in conn.execute(
            select(summary.person_id, summary.last_contact_at, summary.risk_review_due)
        ).all()
    }
    plan_due = dict(conn.execute(select(CarePlan.person_id, CarePlan.review_due)).all())
    leads = dict(conn.execute(select(StaffMember.id, StaffMember.display_name)).all())
    none = _Gathered()
    listed: list[tuple[Listed, Signals]] = []
    for row in conn.execute(
        select(
            Person.id,
            Person.given_name,
            Person.family_name,
            Person.nhs_number,
            Person.date_of_birth,
            Person.level_of_need,
            Person.recorded_at,
            Person.lead_professional_id,
            Person.lives_alone,
        ).where(Person.status == "open", *_of(Person.id, scope))
    ).all():
        if row.id not in scope:
            continue
        last, risk_due = kept.get(row.id, (None, None))
        g = gathered.get(row.id, none)
        # Quiet: no contact since `quiet_since`, or none at all on a record made before.
        quiet = (last if last is not None else row.recorded_at) < quiet_since
        listed.append(
            (
                Listed(
                    row.id,
                    row.given_name,
                    row.family_name,
                    row.nhs_number,
                    row.date_of_birth,
                    leads.get(row.lead_professional_id),
                ),
                Signals(
                    unplanned_admissions=g.admissions,
                    first_admission_on=g.first_admission,
                    ae_attendances=g.ae,
                    last_discharge_on=g.discharge,
                    falls=g.falls,
                    lives_alone=row.lives_alone is True,
                    carer_strain=g.carer,
                    carer_strain_prompt=g.strain_prompt,
                    specialist_need=row.level_of_need == _SPECIALIST,
                    high_risks=g.high,
                    safeguarding=g.safeguarding,
                    capacity_concern=g.capacity_concern,
                    overdue_review=past(risk_due, on) or past(plan_due.get(row.id), on),
                    no_contact=quiet,
                    # Only a quiet person's last contact is said in words.
                    last_contact_on=clock.local(last).date() if quiet and last else None,
                ),
            )
        )
    return listed
