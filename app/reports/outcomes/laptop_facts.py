"""The outcome report's facts read from this laptop's encrypted store, for the people
a clause chooses (the coordinator's team: `team_scope`), in one query per kind of
fact (set-based: 5,000 people in well under a second, `bench/outcomes.py`).

Each raw row becomes a fact through facts.py's shared definitions (joined the
caseload, first contact after a referral, plan reviews due and done), so the partner
server, which builds the same shape from its journal, cannot count differently.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal_column, select, true
from sqlalchemy.orm import Session

from app.gc_pause import gc_paused
from app.reports.outcomes.facts import (
    EpisodeFact,
    ExperienceFact,
    GoalReviewFact,
    HospitalFact,
    OutcomeFacts,
    PersonFact,
    PlanReviewFact,
    ReferralFact,
    first_contact,
    joined_on,
    plan_reviews,
)
from app.services import clock
from storage.tables import (
    CarePlan,
    CarePlanVersion,
    ContactNote,
    ExperienceAnswer,
    Goal,
    GoalReview,
    HospitalEvent,
    Person,
    ReablementEpisode,
    Referral,
)
from storage.tables.care_plan import REVIEW_DUE_AS_AGREED

logger = logging.getLogger(__name__)

# England's midnight is never more than an hour before UTC's (summer time), so the
# first contact note from an hour before the referral's day (UTC) always includes the
# first on that day in England; facts.first_contact then applies the definition.
_EARLIEST = "-1 hours"


def laptop_facts(session: Session, team_id: str | None, as_of: date) -> OutcomeFacts:
    """The facts for one team's people (None: everyone in this store)."""
    chosen = true() if team_id is None else Person.team_id == team_id
    return facts_for(session, chosen, as_of)


def facts_for(session: Session, chosen: ColumnElement[bool], as_of: date) -> OutcomeFacts:
    """The facts for the people `chosen` (an SQL clause on Person)."""
    with gc_paused():  # ~100,000 small objects on the reference caseload: app/gc_pause.py
        return _facts_for(session, chosen, as_of)


def _facts_for(session: Session, chosen: ColumnElement[bool], as_of: date) -> OutcomeFacts:
    ids = select(Person.id).where(chosen).scalar_subquery()
    referrals = _referrals(session, ids)
    received: dict[str, list[date]] = defaultdict(list)
    for r in referrals:
        received[r.person_id].append(r.received_on)
    return OutcomeFacts(
        as_of=as_of,
        people=_people(session, chosen, received),
        referrals=tuple(referrals),
        episodes=_episodes(session, ids),
        goal_reviews=_goal_reviews(session, ids),
        hospital=_hospital(session, ids),
        plan_reviews=_plan_reviews(session, ids),
        experience=_experience(session, ids),
    )


def _rows(session: Session, stmt: Any) -> list[Any]:
    # Through the connection (Core), not the ORM session: these are plain columns, and
    # the ORM's row loading was most of the time for tens of thousands of rows.
    return list(session.connection().execute(stmt).all())


def _people(
    session: Session, chosen: ColumnElement[bool], received: dict[str, list[date]]
) -> tuple[PersonFact, ...]:
    stmt = select(
        Person.id,
        Person.team_id,
        Person.locality_id,
        Person.date_of_birth,
        Person.closed_on,
        Person.closed_reason,
        Person.recorded_at,
    ).where(chosen)
    return tuple(
        PersonFact(
            pid,
            team,
            locality,
            born,
            _joined(received.get(pid, ()), recorded),
            closed_on,
            reason,
        )
        for pid, team, locality, born, closed_on, reason, recorded in _rows(session, stmt)
    )


def _joined(referred: list[date] | tuple[()], recorded: datetime) -> date:
    # The day registered counts only for someone never referred: most people were,
    # and a time zone conversion per person was a fifth of the people's read.
    registered = referred[0] if referred else clock.local(recorded).date()
    return joined_on(referred, registered)


def _referrals(session: Session, ids: Any) -> list[ReferralFact]:
    earliest = (
        select(func.min(ContactNote.occurred_at))
        .where(
            ContactNote.person_id == Referral.person_id,
            ContactNote.amends_id.is_(None),  # a correction is not a contact
            ContactNote.occurred_at >= func.datetime(Referral.received_on, _EARLIEST),
        )
        .correlate(Referral)
        .scalar_subquery()
    )
    stmt = select(
        Referral.person_id, Referral.received_on, Referral.urgency, Referral.source, earliest
    ).where(Referral.person_id.in_(ids))
    found = []
    for pid, on, urgency, source, candidate in _rows(session, stmt):
        at = _as_utc(candidate)
        first = first_contact(on, [at] if at is not None else [])
        if at is not None and first is None:  # the late evening before, in England
            later = _first_from(session, pid, on)
            first = first_contact(on, [later] if later is not None else [])
        found.append(ReferralFact(pid, on, urgency, source, first))
    return found


def _as_utc(value: datetime | str | None) -> datetime | None:
    """An aggregate over a UTC column comes back as stored: naive UTC (or its text)."""
    if value is None:
        return None
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _first_from(session: Session, person_id: str, day: date) -> datetime | None:
    start, _ = clock.day_bounds(day)
    return _as_utc(
        session.scalar(
            select(func.min(ContactNote.occurred_at)).where(
                ContactNote.person_id == person_id,
                ContactNote.amends_id.is_(None),
                ContactNote.occurred_at >= start,
            )
        )
    )


def _episodes(session: Session, ids: Any) -> tuple[EpisodeFact, ...]:
    e = ReablementEpisode
    stmt = select(
        e.person_id,
        e.started_on,
        e.planned_end_on,
        e.discharged_on,
        e.ended_on,
        e.outcome,
        e.follow_up_on,
        e.follow_up_result,
    ).where(e.person_id.in_(ids))
    return tuple(EpisodeFact(*row) for row in _rows(session, stmt))


def _goal_reviews(session: Session, ids: Any) -> tuple[GoalReviewFact, ...]:
    stmt = (
        select(
            GoalReview.person_id,
            GoalReview.goal_id,
            GoalReview.reviewed_on,
            GoalReview.result,
            GoalReview.gas_score,
            Goal.gas_baseline,
        )
        .join(Goal, Goal.id == GoalReview.goal_id)
        .where(GoalReview.person_id.in_(ids))
    )
    return tuple(GoalReviewFact(*row) for row in _rows(session, stmt))


def _hospital(session: Session, ids: Any) -> tuple[HospitalFact, ...]:
    stmt = select(HospitalEvent.person_id, HospitalEvent.kind, HospitalEvent.occurred_on).where(
        HospitalEvent.person_id.in_(ids), HospitalEvent.entered_in_error.is_not(True)
    )
    return tuple(HospitalFact(*row) for row in _rows(session, stmt))


def _plan_reviews(session: Session, ids: Any) -> tuple[PlanReviewFact, ...]:
    # Written as the index's own expression (a bound '$.review_due' would not match
    # it), so this reads ix_care_plan_version_review_due alone, in order.
    due_as_agreed: ColumnElement[str | None] = literal_column(REVIEW_DUE_AS_AGREED)
    versions = (
        select(CarePlanVersion.person_id, CarePlanVersion.agreed_on, due_as_agreed)
        .where(CarePlanVersion.person_id.in_(ids))
        .order_by(CarePlanVersion.person_id, CarePlanVersion.version)
    )
    agreed: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
    for pid, on, due in _rows(session, versions):
        agreed[pid].append((on, _day_or_none(due)))
    current = dict(
        _rows(
            session,
            select(CarePlan.person_id, CarePlan.review_due).where(CarePlan.person_id.in_(ids)),
        )
    )
    return tuple(
        review
        for pid, versions_agreed in agreed.items()
        for review in plan_reviews(pid, versions_agreed, current.get(pid))
    )


def _day_or_none(value: object) -> date | None:
    """A review date from a frozen plan: anything that is not one (a snapshot pulled
    from another laptop may hold anything) counts as no review date, never an error."""
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _experience(session: Session, ids: Any) -> tuple[ExperienceFact, ...]:
    x = ExperienceAnswer
    stmt = select(x.person_id, x.asked_on, x.statement, x.answer).where(x.person_id.in_(ids))
    return tuple(ExperienceFact(*row) for row in _rows(session, stmt))
