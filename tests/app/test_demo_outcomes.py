"""The demo's outcomes (issue 19): reablement episodes and their 91-day check,
hospital events, goal reviews and experience answers keep every rule, spread as a
real locality team's do, agree with the rest of each person's record, and repeat
for a seed.

The caseload is made as of the clock's today (CI moves the clock with
ONERECORD_CLOCK_DATE), so these hold whatever day they run.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import CheckConstraint, select, text
from sqlalchemy.orm import Session

from app.demo.generator import build_demo_caseload
from app.services import clock
from app.services.profile.demo_profile import create_demo_profile
from app.services.profile.integrity import check
from app.services.record.record_rules import validate
from app.values.vocab import FollowUpResult as F
from app.values.vocab import ReablementOutcome as O
from app.workspace import Workspace
from storage import profile
from storage.store import Store
from storage.tables import (
    CarePlan,
    CarePlanVersion,
    ContactNote,
    ExperienceAnswer,
    Goal,
    GoalReview,
    HospitalEvent,
    Person,
    PersonalContact,
    PlannedVisit,
    ReablementEpisode,
    Referral,
    StaffMember,
)
from storage.tables.base import Base
from storage.tables.outcomes import FOLLOW_UP_DAYS, REABLEMENT_DAYS
from tests.conftest import FAST_KDF, PASSPHRASE

PEOPLE = 300
OUTCOME_TABLES = (ReablementEpisode, GoalReview, HospitalEvent, ExperienceAnswer, Referral, Goal)
STATUS_RESULT = {
    "achieved": "achieved",
    "partially_achieved": "partly",
    "not_achieved": "not_achieved",
    "discontinued": "no_longer_wanted",
}


@dataclass
class Record:
    """One person's rows that the outcomes touch."""

    person: Person
    referrals: list[Referral] = field(default_factory=list)
    episodes: list[ReablementEpisode] = field(default_factory=list)
    hospital: list[HospitalEvent] = field(default_factory=list)
    goals: dict[str, Goal] = field(default_factory=dict)
    reviews: list[GoalReview] = field(default_factory=list)
    answers: list[ExperienceAnswer] = field(default_factory=list)
    sessions: list[date] = field(default_factory=list)
    note_days: list[date] = field(default_factory=list)
    last_note: date | None = None
    visits: int = 0
    has_carer: bool = False

    @property
    def joined(self) -> date:
        return min(r.received_on for r in self.referrals)

    @property
    def age(self) -> int:
        born, on = self.person.date_of_birth, clock.today()
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass
class Caseload:
    workspace: Workspace
    as_of: date
    records: dict[str, Record]
    staff: set[str]

    @property
    def episodes(self) -> list[ReablementEpisode]:
        return [e for r in self.records.values() for e in r.episodes]


def _read(session: Session) -> tuple[dict[str, Record], set[str]]:
    records = {p.id: Record(p) for p in session.execute(select(Person)).scalars()}
    for table, attr in (
        (Referral, "referrals"),
        (ReablementEpisode, "episodes"),
        (HospitalEvent, "hospital"),
        (GoalReview, "reviews"),
        (ExperienceAnswer, "answers"),
    ):
        for row in session.execute(select(table)).scalars():
            getattr(records[row.person_id], attr).append(row)
    for goal in session.execute(select(Goal)).scalars():
        records[goal.person_id].goals[goal.id] = goal
    for pid, kind, at in session.execute(
        select(ContactNote.person_id, ContactNote.contact_type, ContactNote.occurred_at)
    ):
        day = clock.local(at).date()
        r = records[pid]
        r.last_note = max(r.last_note or day, day)
        r.note_days.append(day)
        if kind == "reablement_session":
            r.sessions.append(day)
    for (pid,) in session.execute(select(PlannedVisit.person_id)):
        records[pid].visits += 1
    for (pid,) in session.execute(
        select(PersonalContact.person_id).where(PersonalContact.is_main_carer.is_(True))
    ):
        records[pid].has_carer = True
    staff = set(session.execute(select(StaffMember.id)).scalars())
    session.expunge_all()
    return records, staff


@pytest.fixture(scope="module")
def caseload(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Caseload]:
    folder: Path = tmp_path_factory.mktemp("outcomes") / "p"
    workspace, _ = create_demo_profile(folder, PASSPHRASE, people=PEOPLE, seed=19, kdf=FAST_KDF)
    try:
        with workspace.store.read() as session:
            records, staff = _read(session)
        yield Caseload(workspace, clock.today(), records, staff)
    finally:
        workspace.close()


def _fail(problems: list[str]) -> str:
    return f"{len(problems)} problems: " + "; ".join(problems[:8])


# --- every rule -------------------------------------------------------------------


def test_the_outcome_rows_keep_every_rule_and_the_check(caseload: Caseload) -> None:
    with caseload.workspace.store.read() as session:
        _, breaks = validate(session)
        for table in OUTCOME_TABLES:
            assert session.execute(select(table.id).limit(1)).first(), table.__tablename__
            for sql in _checks(table):
                bad = session.execute(
                    text(f"SELECT count(*) FROM {table.__tablename__} WHERE NOT ({sql})")
                )
                assert bad.scalar() == 0, (table.__tablename__, sql)
    assert breaks == []
    report = check(caseload.workspace)
    assert report.ok, report.lines()


def _checks(table: type[Base]) -> list[str]:
    """The table's own CHECK constraints, asked again of every stored row."""
    return [str(c.sqltext) for c in table.__table__.constraints if isinstance(c, CheckConstraint)]


def test_nothing_is_dated_after_the_demos_day(caseload: Caseload) -> None:
    today = caseload.as_of
    problems = []
    for r in caseload.records.values():
        days: list[tuple[str, date | None]] = [("referral", x.received_on) for x in r.referrals]
        for e in r.episodes:
            days += [
                ("started", e.started_on),
                ("discharged", e.discharged_on),
                ("ended", e.ended_on),
                ("checked", e.follow_up_on),
            ]
        days += [("hospital", h.occurred_on) for h in r.hospital]
        days += [("reviewed", v.reviewed_on) for v in r.reviews]
        days += [("asked", a.asked_on) for a in r.answers]
        days += [("closed", r.person.closed_on), ("died", r.person.date_of_death)]
        days += [("goal made", clock.local(g.recorded_at).date()) for g in r.goals.values()]
        problems += [f"{what} {day}" for what, day in days if day is not None and day > today]
    assert not problems, _fail(problems)


# --- how they spread --------------------------------------------------------------


def test_about_one_in_five_had_reablement_in_the_last_year(caseload: Caseload) -> None:
    year_ago = caseload.as_of - timedelta(days=365)
    recent = {
        e.person_id
        for e in caseload.episodes
        if e.started_on >= year_ago or (e.ended_on or caseload.as_of) >= year_ago
    }
    assert 0.15 <= len(recent) / PEOPLE <= 0.25, len(recent)
    older = [caseload.records[e.person_id].age >= 65 for e in caseload.episodes]
    assert sum(older) / len(older) >= 0.8  # mostly older people
    sources = Counter(
        x.source for e in caseload.episodes for x in caseload.records[e.person_id].referrals
    )
    assert sources["hospital_discharge"] > sum(sources.values()) / 2, sources


def test_some_are_in_reablement_today_and_some_are_planned_longer(caseload: Caseload) -> None:
    today = caseload.as_of
    open_now = [e for e in caseload.episodes if e.ended_on is None]
    assert 1 <= len(open_now) <= 15
    for e in open_now:
        day = (today - e.started_on).days + 1
        assert 1 <= day <= (e.planned_end_on - e.started_on).days, day
    longer = [e for e in caseload.episodes if (e.planned_end_on - e.started_on).days > 42]
    assert longer
    assert all(e.longer_reason for e in longer)
    assert len(longer) < len(caseload.episodes) / 5


def test_outcomes_and_the_91_day_check_spread_as_reablement_does(caseload: Caseload) -> None:
    ended = [e.outcome for e in caseload.episodes if e.outcome is not None]
    share = {k: v / len(ended) for k, v in Counter(ended).items()}
    assert 0.3 <= share.get(O.INDEPENDENT.value, 0) <= 0.65, share
    home = share.get(O.INDEPENDENT.value, 0) + share.get(O.REDUCED_SUPPORT.value, 0)
    # About 45% independent and 20% less support; a 300-person demo ends about sixty
    # episodes, so the bounds allow for chance.
    assert home >= 0.45, share
    worse = sum(share.get(o.value, 0) for o in (O.RESIDENTIAL_CARE, O.DIED, O.READMITTED))
    assert 0.03 <= worse <= 0.35, share
    assert len(share) >= 5, share
    checks = Counter(e.follow_up_result for e in caseload.episodes if e.follow_up_result)
    at_home = checks[F.AT_HOME.value] / sum(checks.values())
    assert 0.65 <= at_home <= 0.95, checks  # ASCOF 2B(1): about four in five
    assert len(checks) >= 2, checks


def test_most_people_have_no_admission_in_a_year_and_frail_people_more(
    caseload: Caseload,
) -> None:
    year_ago = caseload.as_of - timedelta(days=365)
    admitted: dict[str, int] = {}
    for pid, r in caseload.records.items():
        admitted[pid] = sum(
            1
            for h in r.hospital
            if h.kind == "unplanned_admission"
            and not h.entered_in_error
            and h.occurred_on >= year_ago
        )
    assert sum(1 for n in admitted.values() if n == 0) / PEOPLE >= 0.5
    frail = [n for pid, n in admitted.items() if _frail(caseload.records[pid])]
    others = [n for pid, n in admitted.items() if not _frail(caseload.records[pid])]
    assert sum(frail) / len(frail) > sum(others) / len(others)


def _frail(r: Record) -> bool:
    return r.age >= 75 and r.person.level_of_need == "specialist"


def test_admissions_come_before_and_after_joining_and_fewer_after(caseload: Caseload) -> None:
    before = after = 0
    days_before = days_after = 0
    for r in caseload.records.values():
        joined = r.joined
        for h in r.hospital:
            if h.kind == "unplanned_admission" and not h.entered_in_error:
                before += h.occurred_on < joined
                after += h.occurred_on >= joined
        days_before += min(365, (joined - r.person.date_of_birth).days)
        days_after += (_last_day(r, caseload.as_of) - joined).days
    assert before and after
    assert before / days_before > after / days_after  # the change the report counts
    kinds = Counter(h.kind for r in caseload.records.values() for h in r.hospital)
    assert kinds["ae_attendance"] > 0


def test_goal_reviews_and_experience_answers_look_like_a_teams(caseload: Caseload) -> None:
    reviews = [v for r in caseload.records.values() for v in r.reviews]
    assert {v.result for v in reviews} == set(STATUS_RESULT.values())
    assert any(v.gas_score is not None for v in reviews)
    answers = [a for r in caseload.records.values() for a in r.answers]
    people = {a.person_id for a in answers}
    assert 0.05 * PEOPLE <= len(people) <= 0.5 * PEOPLE
    positive = sum(a.answer in ("yes_definitely", "yes_somewhat") for a in answers)
    assert positive / len(answers) >= 0.65
    assert {a.answered_by for a in answers} == {"person", "carer", "together"}


def test_plans_are_agreed_again_mostly_by_their_review_date(caseload: Caseload) -> None:
    """Each version is frozen as agree_plan freezes it, with the review date it was
    agreed with; of those agreed again, most were by that date and some late."""
    with caseload.workspace.store.read() as session:
        versions = session.execute(
            select(
                CarePlanVersion.person_id,
                CarePlanVersion.version,
                CarePlanVersion.agreed_on,
                CarePlanVersion.snapshot,
            ).order_by(CarePlanVersion.person_id, CarePlanVersion.version)
        ).all()
        current = dict(session.execute(select(CarePlan.person_id, CarePlan.review_due)).all())
    by_person: dict[str, list[tuple[date, date]]] = {}
    for pid, version, on, frozen_text in versions:
        frozen = json.loads(frozen_text)
        assert frozen["version"] == version and frozen["agreed_on"] == on.isoformat()
        due = date.fromisoformat(frozen["review_due"])
        assert due > on, (pid, version)
        by_person.setdefault(pid, []).append((on, due))
    on_time = late = 0
    for pid, agreed in by_person.items():
        for (_on, due), (following, _) in pairwise(agreed):
            on_time += following <= due
            late += following > due
        last_on, last_due = agreed[-1]
        assert last_due == current[pid] or current[pid] <= last_on, pid
    assert on_time + late >= 0.3 * PEOPLE
    assert 0.6 <= on_time / (on_time + late) <= 0.95


# --- coherence with each person ---------------------------------------------------


def test_first_contact_follows_each_referral(caseload: Caseload) -> None:
    """Seen soon after the first referral: urgent ones (home from hospital, NHS 111)
    within a few days, routine ones mostly within three weeks."""
    waits: dict[str, list[int]] = {"urgent": [], "routine": []}
    for r in caseload.records.values():
        first = min(r.referrals, key=lambda x: x.received_on)
        after = [d for d in r.note_days if d >= first.received_on]
        if after:
            waits[first.urgency].append((min(after) - first.received_on).days)
    assert len(waits["urgent"]) + len(waits["routine"]) >= 0.95 * PEOPLE
    urgent = sorted(waits["urgent"])
    assert urgent[len(urgent) // 2] <= 2, urgent
    assert sum(w <= 4 for w in urgent) >= 0.85 * len(urgent), urgent
    routine = waits["routine"]
    assert sum(w <= 21 for w in routine) >= 0.8 * len(routine)
    assert any(w > 14 for w in routine)  # some late, as in life


def test_episodes_agree_with_the_person_and_their_91_day_check(caseload: Caseload) -> None:
    problems = []
    for r in caseload.records.values():
        p = r.person
        for e in r.episodes:
            counted = e.discharged_on or e.started_on
            if e.follow_up_on is not None and (e.follow_up_on - counted).days < FOLLOW_UP_DAYS:
                problems.append("a 91-day check before day 91")
            if e.started_on < r.joined:
                problems.append("reablement before the person was referred")
            if r.age < 18:
                problems.append(f"reablement aged {r.age}")
            length = (e.planned_end_on - e.started_on).days
            if length > REABLEMENT_DAYS and not e.longer_reason:
                problems.append("longer than six weeks with no reason")
            died_by_check = e.follow_up_result == F.DIED.value
            if e.outcome == O.DIED.value:
                if p.date_of_death != e.ended_on or p.closed_reason != "died":
                    problems.append("died in reablement, but not so in the record")
                if e.follow_up_result not in (None, F.DIED.value):
                    problems.append(f"died in reablement, then {e.follow_up_result} at day 91")
            if died_by_check and not (
                p.date_of_death and e.ended_on and e.ended_on <= p.date_of_death <= e.follow_up_on
            ):
                problems.append("died by the check with no date of death between")
            alive = (F.AT_HOME.value, F.IN_HOSPITAL.value, F.NOT_KNOWN.value)
            checked, died = e.follow_up_on, p.date_of_death
            if e.follow_up_result in alive and checked and died and died <= checked:
                problems.append(f"{e.follow_up_result} at day 91 after dying")
            care_home = (O.RESIDENTIAL_CARE.value, F.RESIDENTIAL_CARE.value)
            if (e.outcome in care_home or e.follow_up_result in care_home) and p.status == "open":
                problems.append("moved to a care home, still open")
            if e.ended_on is None and p.status != "open":
                problems.append("in reablement today, but the case is closed")
            if e.discharged_on is not None and not any(
                h.kind == "discharge" and h.occurred_on == e.discharged_on for h in r.hospital
            ):
                problems.append("home from hospital with no discharge recorded")
    assert not problems, _fail(problems)


def test_an_episodes_goals_and_sessions_are_its_own(caseload: Caseload) -> None:
    problems = []
    episode_of: dict[str, ReablementEpisode] = {e.id: e for e in caseload.episodes}
    linked: Counter[str] = Counter()
    for r in caseload.records.values():
        for g in r.goals.values():
            if g.reablement_episode_id is None:
                continue
            e = episode_of.get(g.reablement_episode_id)
            linked[g.reablement_episode_id] += 1
            if e is None or e.person_id != g.person_id:
                problems.append("a goal linked to someone else's episode")
            elif g.gas_baseline is None:
                problems.append("a reablement goal with no attainment baseline")
        spans = [(e.started_on, e.ended_on or caseload.as_of) for e in r.episodes]
        for day in r.sessions:
            if not any(a <= day <= b for a, b in spans):
                problems.append(f"a reablement session on {day} outside any episode")
    assert not problems, _fail(problems)
    assert all(linked[e.id] >= 1 for e in caseload.episodes)
    with_sessions = sum(1 for r in caseload.records.values() if r.episodes and r.sessions)
    assert with_sessions >= 0.8 * len({e.person_id for e in caseload.episodes})


def test_hospital_events_fit_the_persons_life(caseload: Caseload) -> None:
    problems = []
    for r in caseload.records.values():
        p = r.person
        events = sorted(
            (h for h in r.hospital if not h.entered_in_error), key=lambda h: h.occurred_on
        )
        inside = 0
        for h in events:
            if h.occurred_on < p.date_of_birth:
                problems.append("in hospital before being born")
            if p.date_of_death is not None and h.occurred_on > p.date_of_death:
                problems.append("in hospital after dying")
            if h.kind == "unplanned_admission":
                if inside:
                    problems.append("admitted while already in")
                inside = 1
            elif h.kind == "discharge":
                if not inside:
                    problems.append("a discharge with no admission before it")
                inside = 0
    assert not problems, _fail(problems)


def test_closing_agrees_with_what_happened(caseload: Caseload) -> None:
    problems = []
    closed = Counter()
    for r in caseload.records.values():
        p = r.person
        if p.status == "open":
            if p.closed_on or p.closed_reason or p.date_of_death:
                problems.append("open with a closing or a death")
            continue
        closed[p.closed_reason] += 1
        if p.closed_on is None or p.closed_reason is None:
            problems.append("closed with no day or reason")
            continue
        if p.closed_reason == "died" and (p.date_of_death is None or p.date_of_death > p.closed_on):
            problems.append("closed as died with no date of death before")
        if p.closed_on < r.joined:
            problems.append("closed before joining")
        if r.last_note is not None and r.last_note > p.closed_on:
            problems.append("a note after the case closed")
        if r.visits:
            problems.append("visits planned for a closed case")
    assert not problems, _fail(problems)
    assert closed["died"] and closed["discharged"], closed


def test_reviews_and_answers_are_signed_by_the_team_after_the_goal(caseload: Caseload) -> None:
    problems = []
    for r in caseload.records.values():
        last = _last_day(r, caseload.as_of)
        latest: dict[str, GoalReview] = {}
        for v in sorted(r.reviews, key=lambda v: v.reviewed_on):
            goal = r.goals.get(v.goal_id)
            if goal is None:
                problems.append("a review of someone else's goal")
                continue
            latest[v.goal_id] = v
            if v.reviewed_by_id not in caseload.staff:
                problems.append("a review signed by no one on the team")
            if not clock.local(goal.recorded_at).date() <= v.reviewed_on <= last:
                problems.append("a review before the goal was made or after the case closed")
            if (v.gas_score is None) != (
                goal.gas_baseline is None
            ) and v.result != "no_longer_wanted":
                problems.append("an attainment score with no baseline, or none with one")
        for gid, goal in r.goals.items():
            expected = STATUS_RESULT.get(goal.status)
            got = latest[gid].result if gid in latest else None
            if expected != got:
                problems.append(f"a goal {goal.status} with its latest review {got}")
        for a in r.answers:
            if a.asked_by_id not in caseload.staff:
                problems.append("an experience answer asked by no one on the team")
            if a.answered_by != "person" and not r.has_carer:
                problems.append(f"answered by {a.answered_by} with no carer")
            if a.asked_on < r.joined or a.asked_on > last:
                problems.append("asked before joining or after closing")
    assert not problems, _fail(problems)


def _last_day(r: Record, as_of: date) -> date:
    return min(d for d in (as_of, r.person.closed_on, r.person.date_of_death) if d is not None)


# --- repeatable -------------------------------------------------------------------


def _dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every outcome column but the provenance stamps, in id order."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with store.read() as session:
        for table in (*OUTCOME_TABLES, Person):
            # Goals carry the day they were made; other rows the moment they were written.
            columns = [
                c
                for c in table.__table__.columns
                if not c.name.startswith(("recorded_", "updated_"))
                or (table is Goal and c.name == "recorded_at")
            ]
            rows = session.execute(select(*columns).order_by(columns[0]))
            found[table.__tablename__] = [
                tuple(json.dumps(v, default=str) for v in row) for row in rows
            ]
    return found


def test_the_same_seed_makes_the_same_outcomes(tmp_path: Path) -> None:
    made = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        store = profile.create(tmp_path / name, PASSPHRASE, kdf=FAST_KDF)
        try:
            build_demo_caseload(store, people=40, seed=seed, notes_per_person=4)
            made.append(_dump(store))
        finally:
            store.close()
    one, two, other = made
    assert one == two
    assert one["reablement_episode"] and one["hospital_event"] and one["goal_review"]
    assert one["reablement_episode"] != other["reablement_episode"]
