"""The outcome report's facts (`app.reports.outcomes.facts.OutcomeFacts`) from what the
server holds: for the whole organisation, one of its teams, or one locality.

Whose: the people whose team (`person_team`, the winning `person.team_id`, or the
receiving team of someone a partner shares) is one of this server's teams, which are
all its own organisation's (sync/server/directory.py); a team scope is that team's
people, a locality scope the organisation's people whose record names that locality.

What: each kind the facts need, as the journal folds it, read from the tables kept
beside it (`sync/server/outcome_records.py`; or by folding the journal itself,
`sync/server/outcome_journal.py`, which gives the same), then turned into facts by
the same definitions the laptop uses (`joined_on`, `first_contacts`,
`plan_reviews`). All of it in one read transaction, so the kinds agree.

A record whose values cannot be read as the facts need them (a date that is not one,
a code that is not text) is left out and counted by kind in `ServerFacts.unreadable`;
a person left out takes their records with them. Nothing here logs a value.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from operator import attrgetter
from typing import Any, TypeVar

from sqlalchemy import Connection, select

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
    first_contacts,
    joined_on,
    plan_reviews,
)
from app.services import clock
from sync.server import schema as s
from sync.server.outcome_journal import Journal, People, Record, Unreadable, read
from sync.server.outcome_kinds import (
    EPISODE,
    EXPERIENCE,
    GOAL,
    GOAL_REVIEW,
    HOSPITAL,
    KINDS,
    PERSON,
    PLAN,
    PLAN_VERSION,
    REFERRAL,
)
from sync.server.outcome_records import read_kept
from sync.server.outcome_sql import Kind
from sync.server.outcome_typed import at_of
from sync.server.outcome_typed import code as _code
from sync.server.outcome_typed import day as _day
from sync.server.outcome_typed import maybe_code as _maybe_code
from sync.server.outcome_typed import maybe_day as _maybe_day
from sync.server.outcome_typed import maybe_int as _maybe_int
from sync.server.outcome_typed import moment as _moment
from sync.server.store import ServerStore

logger = logging.getLogger(__name__)


class UnknownScopeError(Exception):
    """A team this server does not keep; a plain sentence, no patient data."""


@dataclass(frozen=True)
class Scope:
    """Whose outcomes: the whole organisation (neither), one team, or one locality."""

    team_id: str | None = None
    locality_id: str | None = None


@dataclass(frozen=True)
class ServerFacts:
    facts: OutcomeFacts
    # kind -> records left out because a value could not be read
    unreadable: dict[str, int]


T = TypeVar("T")


def _each(
    records: Iterable[Record],
    people: dict[str, Any],
    make: Callable[[Record], T],
    unreadable: Unreadable,
    entity: str,
) -> list[T]:
    """`make` of each record of someone in scope; what it cannot read is counted."""
    made: list[T] = []
    for record in records:
        if record.person_id not in people:
            continue
        try:
            made.append(make(record))
        except (ValueError, TypeError):
            unreadable.add(entity)
    return made


def _whole(fact: Any) -> str:
    # Its fields' repr: a total order on facts of one kind, whatever their types
    # (None beside a date), but costly on 300,000 facts; only ties are ordered by it.
    return repr(vars(fact))


def _ordered(items: Iterable[T], *fields: str) -> tuple[T, ...]:
    """A fixed order, so two servers' facts compare equal: by `fields` (ones never
    None, person first), then facts tied on them by all of their fields."""
    by = attrgetter(*fields)
    ordered: list[T] = []
    for _same, group in groupby(sorted(items, key=by), key=by):
        tied = list(group)
        if len(tied) > 1:
            tied.sort(key=_whole)
        ordered += tied
    return tuple(ordered)


# --- whose records ------------------------------------------------------------


def _people_of(conn: Connection, scope: Scope) -> tuple[People, dict[str, str | None]]:
    """The SQL condition naming the people in scope by team, and each one's team."""
    pt, teams = s.person_team, s.teams
    if scope.team_id is not None:
        known = conn.execute(select(teams.c.team_id).where(teams.c.team_id == scope.team_id))
        if known.first() is None:
            raise UnknownScopeError("This server keeps no team with that id.")
        condition = People(
            "SELECT person_id FROM person_team WHERE team_id = :scope_team",
            {"scope_team": scope.team_id},
        )
        query = select(pt.c.person_id, pt.c.team_id).where(pt.c.team_id == scope.team_id)
    else:
        condition = People(
            "SELECT pt.person_id FROM person_team pt JOIN teams t ON t.team_id = pt.team_id", {}
        )
        query = select(pt.c.person_id, pt.c.team_id).join(teams, teams.c.team_id == pt.c.team_id)
    return condition, {str(row.person_id): row.team_id for row in conn.execute(query)}


@dataclass(frozen=True)
class _Person:
    """What the person's own record says; joined_on needs their referrals too."""

    team_id: str | None
    locality_id: str | None
    date_of_birth: date
    first_recorded: date
    closed_on: date | None
    closed_reason: str | None


def _person(team_id: str | None, values: dict[str, Any]) -> _Person:
    locality = values.get("locality_id")
    return _Person(
        team_id=team_id,
        locality_id=None if locality is None else _code(locality),
        date_of_birth=_day(values.get("date_of_birth")),
        # The day the record was first made, on England's calendar.
        first_recorded=clock.local(_moment(values.get("recorded_at"))).date(),
        closed_on=_maybe_day(values.get("closed_on")),
        closed_reason=_maybe_code(values.get("closed_reason")),
    )


def _people(
    journal: Journal, scope: Scope, team_of: dict[str, str | None], unreadable: Unreadable
) -> dict[str, _Person]:
    found: dict[str, _Person] = {}
    for record in journal.records[PERSON.entity]:
        if record.entity_id not in team_of:
            continue
        try:
            person = _person(team_of[record.entity_id], record.values)
        except (ValueError, TypeError):
            unreadable.add(PERSON.entity)
            continue
        if scope.locality_id is None or person.locality_id == scope.locality_id:
            found[record.entity_id] = person
    return found


def _referrals(
    journal: Journal, people: dict[str, _Person], unreadable: Unreadable
) -> tuple[list[PersonFact], list[ReferralFact]]:
    """Each person's fact (joined the caseload at their first referral) and each
    referral with its first contact, by the shared definitions."""
    received: dict[str, list[tuple[date, str, str]]] = defaultdict(list)
    for person_id, referral in _each(
        journal.records[REFERRAL.entity],
        people,
        lambda r: (
            r.person_id,
            (
                _day(r.values.get("received_on")),
                _code(r.values.get("urgency")),
                _code(r.values.get("source")),
            ),
        ),
        unreadable,
        REFERRAL.entity,
    ):
        received[person_id].append(referral)
    persons: list[PersonFact] = []
    referrals: list[ReferralFact] = []
    for person_id, person in people.items():
        mine = sorted(received.get(person_id, ()))
        persons.append(
            PersonFact(
                person_id=person_id,
                team_id=person.team_id,
                locality_id=person.locality_id,
                date_of_birth=person.date_of_birth,
                joined_on=joined_on((on for on, _u, _s in mine), person.first_recorded),
                closed_on=person.closed_on,
                closed_reason=person.closed_reason,
            )
        )
        if not mine:
            continue  # first contacts are only asked after a referral
        times = _candidates(mine, journal, person_id, unreadable)
        firsts = first_contacts([on for on, _u, _s in mine], times)
        for (on, urgency, source), first in zip(mine, firsts, strict=True):
            referrals.append(ReferralFact(person_id, on, urgency, source, first))
    return persons, referrals


def _candidates(
    mine: list[tuple[date, str, str]], journal: Journal, person_id: str, unreadable: Unreadable
) -> list[datetime]:
    """Of a person's contacts, the earliest on or after each referral's day: the only
    ones `facts.first_contacts` can choose, found among plain numbers (`contact_of`),
    so it reads a few times, not every note (a person has hundreds)."""
    contacts = journal.note_times.get(person_id, ())
    chosen: set[int] = set()
    for on, _u, _s in mine:
        after = on.toordinal()
        earliest = min((at for at, day in filter(None, contacts) if day >= after), default=None)
        if earliest is not None:
            chosen.add(earliest)
    unread = sum(1 for c in contacts if c is None)
    if unread:
        unreadable.add("contact_note", unread)
    return [at_of(at) for at in sorted(chosen)]


def _episode(r: Record) -> EpisodeFact:
    v = r.values
    return EpisodeFact(
        person_id=r.person_id,
        started_on=_day(v.get("started_on")),
        planned_end_on=_day(v.get("planned_end_on")),
        discharged_on=_maybe_day(v.get("discharged_on")),
        ended_on=_maybe_day(v.get("ended_on")),
        outcome=_maybe_code(v.get("outcome")),
        follow_up_on=_maybe_day(v.get("follow_up_on")),
        follow_up_result=_maybe_code(v.get("follow_up_result")),
    )


def _hospital(r: Record) -> HospitalFact | None:
    in_error = r.values.get("entered_in_error")
    if not isinstance(in_error, bool) and in_error is not None:
        raise TypeError("not yes or no")
    if in_error:
        return None  # kept in the record, counted nowhere
    return HospitalFact(r.person_id, _code(r.values.get("kind")), _day(r.values.get("occurred_on")))


def _experience(r: Record) -> ExperienceFact:
    v = r.values
    return ExperienceFact(
        r.person_id, _day(v.get("asked_on")), _code(v.get("statement")), _code(v.get("answer"))
    )


def _goal_reviews(
    journal: Journal, people: dict[str, _Person], unreadable: Unreadable
) -> list[GoalReviewFact]:
    baselines: dict[str, int | None] = {}
    for record in journal.records[GOAL.entity]:
        try:
            baselines[record.entity_id] = _maybe_int(record.values.get("gas_baseline"))
        except TypeError:
            unreadable.add(GOAL.entity)

    def review(r: Record) -> GoalReviewFact | None:
        goal_id = _code(r.values.get("goal_id"))
        if goal_id not in baselines:
            return None  # a goal this server does not hold: left out, as on the laptop
        return GoalReviewFact(
            person_id=r.person_id,
            goal_id=goal_id,
            reviewed_on=_day(r.values.get("reviewed_on")),
            result=_code(r.values.get("result")),
            gas_score=_maybe_int(r.values.get("gas_score")),
            gas_baseline=baselines[goal_id],
        )

    made = _each(journal.records[GOAL_REVIEW.entity], people, review, unreadable, "goal_review")
    return [r for r in made if r is not None]


def _plan_reviews(
    journal: Journal, people: dict[str, _Person], unreadable: Unreadable
) -> list[PlanReviewFact]:
    """Each review that fell due, from the agreed versions in version order and the
    plan's review date now (`facts.plan_reviews`)."""
    # A person with two plans (made on two laptops apart): the one with the greatest id,
    # whichever order the records were read in.
    plans = _each(
        journal.records[PLAN.entity],
        people,
        lambda r: (r.person_id, r.entity_id, _maybe_day(r.values.get("review_due"))),
        unreadable,
        PLAN.entity,
    )
    current = {person_id: due for person_id, _id, due in sorted(plans, key=lambda p: p[:2])}
    agreed: dict[str, list[tuple[int, date, date | None]]] = defaultdict(list)
    for person_id, version in _each(
        journal.records[PLAN_VERSION.entity],
        people,
        lambda r: (
            r.person_id,
            (
                _maybe_int(r.values.get("version")) or 0,
                _day(r.values.get("agreed_on")),
                _maybe_day(r.values.get("review_due")),
            ),
        ),
        unreadable,
        PLAN_VERSION.entity,
    ):
        agreed[person_id].append(version)
    found: list[PlanReviewFact] = []
    for person_id, versions in agreed.items():
        # In version order; (a tie with one review date missing sorts it first rather
        # than comparing nothing with a date.)
        ordered = [
            (on, due)
            for _n, on, due in sorted(
                versions, key=lambda v: (v[0], v[1], v[2] is not None, v[2] or date.min)
            )
        ]
        found += plan_reviews(person_id, ordered, current.get(person_id))
    return found


def facts_from(
    conn: Connection, scope: Scope, as_of: date, *, from_journal: bool = False
) -> ServerFacts:
    """The facts for a scope, read inside the caller's transaction: from the tables kept
    beside the journal (`outcome_records`), or, `from_journal`, by folding the journal
    itself (what those tables are held to)."""
    unreadable = Unreadable()
    condition, team_of = _people_of(conn, scope)
    reader = read if from_journal else read_kept
    journal = reader(conn, KINDS, condition, unreadable)
    people = _people(journal, scope, team_of, unreadable)
    persons, referrals = _referrals(journal, people, unreadable)
    records = journal.records

    def each(kind: Kind, make: Callable[[Record], T]) -> list[T]:
        return _each(records[kind.entity], people, make, unreadable, kind.entity)

    facts = OutcomeFacts(
        as_of=as_of,
        people=_ordered(persons, "person_id"),
        referrals=_ordered(referrals, "person_id", "received_on"),
        episodes=_ordered(each(EPISODE, _episode), "person_id", "started_on"),
        goal_reviews=_ordered(
            _goal_reviews(journal, people, unreadable), "person_id", "goal_id", "reviewed_on"
        ),
        hospital=_ordered(
            (h for h in each(HOSPITAL, _hospital) if h is not None), "person_id", "occurred_on"
        ),
        plan_reviews=_ordered(_plan_reviews(journal, people, unreadable), "person_id", "due_on"),
        experience=_ordered(each(EXPERIENCE, _experience), "person_id", "asked_on", "statement"),
    )
    unreadable.log()
    return ServerFacts(facts, dict(unreadable.counts))


def server_facts(
    store: ServerStore, scope: Scope, *, as_of: date | None = None, from_journal: bool = False
) -> ServerFacts:
    """The facts for a scope as the server holds them now (one snapshot of the journal:
    REPEATABLE READ on PostgreSQL); `from_journal`: see `facts_from`."""
    on = as_of or clock.today()
    engine = store.engine
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    with gc_paused(), engine.connect() as conn, conn.begin():
        return facts_from(conn, scope, on, from_journal=from_journal)
