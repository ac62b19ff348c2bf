"""What the outcome report is computed from: one shape, built on the laptop from its
encrypted store (the coordinator's team) and on the partner server from its journal
(the whole organisation), so both compute the same figures by the same code.

Each builder reads its own store; the rules that turn raw rows into facts (when a
person joined the caseload, which contact was the first after a referral, when each
plan review fell due and when it was done) are functions here, called by both, so
the laptop and the server cannot disagree on a definition.

Facts hold no names, addresses or NHS numbers: ids, dates and codes only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from storage.wallclock import LOCAL


@dataclass(frozen=True)
class PersonFact:
    person_id: str
    team_id: str | None
    locality_id: str | None
    date_of_birth: date
    # The day they joined the caseload (`joined_on`).
    joined_on: date
    closed_on: date | None
    closed_reason: str | None  # vocab.ClosedReason


@dataclass(frozen=True)
class ReferralFact:
    person_id: str
    received_on: date
    urgency: str  # vocab.ReferralUrgency
    source: str  # vocab.ReferralSource
    # The first contact with the person at or after the referral (`first_contact`).
    first_contact_at: datetime | None


@dataclass(frozen=True)
class EpisodeFact:
    person_id: str
    started_on: date
    planned_end_on: date
    discharged_on: date | None  # left hospital into reablement (None: from home)
    ended_on: date | None
    outcome: str | None  # vocab.ReablementOutcome
    follow_up_on: date | None
    follow_up_result: str | None  # vocab.FollowUpResult


@dataclass(frozen=True)
class GoalReviewFact:
    person_id: str
    goal_id: str
    reviewed_on: date
    result: str  # vocab.GoalResult
    gas_score: int | None
    gas_baseline: int | None  # the goal's, set when it was made


@dataclass(frozen=True)
class HospitalFact:
    """Only events not entered in error."""

    person_id: str
    kind: str  # vocab.HospitalEventKind
    occurred_on: date


@dataclass(frozen=True)
class PlanReviewFact:
    """A care plan review that fell due, and the day the plan was next agreed (None:
    not yet)."""

    person_id: str
    due_on: date
    done_on: date | None


@dataclass(frozen=True)
class ExperienceFact:
    person_id: str
    asked_on: date
    statement: str  # vocab.ExperienceStatement
    answer: str  # vocab.ExperienceAnswer


@dataclass(frozen=True)
class OutcomeFacts:
    """Everything the report counts, for the people in scope (a team, a locality, an
    organisation), as read on `as_of`."""

    as_of: date
    people: tuple[PersonFact, ...]
    referrals: tuple[ReferralFact, ...]
    episodes: tuple[EpisodeFact, ...]
    goal_reviews: tuple[GoalReviewFact, ...]
    hospital: tuple[HospitalFact, ...]
    plan_reviews: tuple[PlanReviewFact, ...]
    experience: tuple[ExperienceFact, ...]


def joined_on(referrals_received: Iterable[date], first_recorded: date) -> date:
    """The day a person joined the caseload: their first referral's arrival, or the
    day their record was first made when no referral was recorded."""
    return min(referrals_received, default=first_recorded)


def contact_day(at: datetime) -> date:
    """The day in England a contact happened: a stored time is UTC, and a visit at
    00:30 in summer is on the next day's calendar, not the UTC day before."""
    return at.astimezone(LOCAL).date() if at.tzinfo is not None else at.date()


def first_contact(received_on: date, contact_times: Iterable[datetime]) -> datetime | None:
    """The first contact with the person on or after the day the referral arrived
    (any contact note: a visit, a call, a video call, a reablement session), the day
    read on England's calendar (`contact_day`)."""
    return min((t for t in contact_times if contact_day(t) >= received_on), default=None)


def first_contacts(
    received: Sequence[date], contact_times: Iterable[datetime]
) -> list[datetime | None]:
    """`first_contact` for each of one person's referrals, in the order given."""
    times = sorted(contact_times)
    return [first_contact(on, times) for on in received]


def plan_reviews(
    person_id: str, agreed: Sequence[tuple[date, date | None]], current_due: date | None
) -> list[PlanReviewFact]:
    """Each review that fell due, from the plan's agreed versions in order ((agreed on,
    review due as agreed)) and the plan's review date now: a version's review is done
    when the next version is agreed; the last version's review is the plan's current
    review date (moved since, perhaps, without a new agreement), not done yet."""
    found: list[PlanReviewFact] = []
    for index, (_on, due) in enumerate(agreed):
        last = index == len(agreed) - 1
        if last:
            due = current_due if current_due is not None else due
        if due is None:
            continue
        done = None if last else agreed[index + 1][0]
        found.append(PlanReviewFact(person_id, due, done))
    return found


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years of age on a day."""
    return (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )
