"""The outcome measures on a planted caseload whose answers are known by construction
(synthetic ids only; no dates depend on today: the facts carry their own `as_of`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.errors import InvalidInputError
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
)
from app.reports.outcomes.measures import compute, draft
from app.reports.outcomes.statistics import centile, gas_t_score, median

START, END = date(2026, 4, 1), date(2026, 6, 30)
AS_OF = date(2026, 8, 31)
OLD = date(1940, 3, 1)  # 86 in the period
YOUNG = date(1970, 3, 1)  # 56


def person(
    n: int, *, born: date = OLD, joined: date = date(2026, 4, 1), **kw: object
) -> PersonFact:
    return PersonFact(
        f"p{n}",
        "team",
        None,
        born,
        joined,
        kw.get("closed_on"),
        kw.get("closed_reason"),  # type: ignore[arg-type]
    )


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def referrals() -> tuple[ReferralFact, ...]:
    # Routine: 10 referrals on 1 April, first contact after 0..9 days: median 4.5, 90th 8.
    routine = [
        ReferralFact(f"p{n}", date(2026, 4, 1), "routine", "gp", at(date(2026, 4, 1 + n)))
        for n in range(10)
    ]
    # Urgent: 6 contacted after 0,0,1,1,2,7 days; 2 still waiting; median 1, 90th 7.
    waits = [0, 0, 1, 1, 2, 7]
    urgent = [
        ReferralFact(f"p{10 + n}", date(2026, 5, 1), "urgent", "gp", at(date(2026, 5, 1 + w)))
        for n, w in enumerate(waits)
    ]
    urgent += [ReferralFact(f"p{16 + n}", date(2026, 5, 2), "urgent", "gp", None) for n in range(2)]
    outside = ReferralFact("p30", date(2026, 3, 31), "routine", "gp", None)  # before the period
    return (*routine, *urgent, outside)


def facts(**kw: object) -> OutcomeFacts:
    people = [person(n) for n in range(30)]
    # p12, p13 not taken on (closed after the referral); p14 signposted before it: accepted.
    people[12] = person(12, closed_on=date(2026, 5, 3), closed_reason="referral_not_accepted")
    people[13] = person(13, closed_on=date(2026, 5, 1), closed_reason="signposted")
    people[14] = person(14, closed_on=date(2026, 4, 20), closed_reason="signposted")
    base: dict[str, object] = {
        "as_of": AS_OF,
        "people": tuple(people),
        "referrals": referrals(),
        "episodes": (),
        "goal_reviews": (),
        "hospital": (),
        "plan_reviews": (),
        "experience": (),
    }
    base.update(kw)
    return OutcomeFacts(**base)  # type: ignore[arg-type]


def test_referrals_received_accepted_and_time_to_first_contact() -> None:
    d = draft(facts(), START, END)
    c = d.counts
    assert (c["ref.routine"], c["ref.urgent"], c["ref.all"]) == (10, 8, 18)
    assert (c["ref.accepted"], c["ref.not_accepted"]) == (16, 2)
    assert (c["contact.urgent.made"], c["contact.urgent.waiting"]) == (6, 2)
    report = compute(facts(), START, END, scope="Dales")
    # 16 of 18: the difference, 2, is a small number, so neither the share nor the
    # accepted count is shown (the smallest other cell: 18 - 16 would give 2 away).
    assert report.figure("referrals", "Accepted", 1).text == "*"
    assert report.figure("referrals", "Not accepted or signposted").text == "<5"
    assert report.figure("referrals", "Accepted").text == "*"
    assert report.figure("referrals", "All referrals received").text == "18"
    fc = report.section("first_contact")
    routine, urgent, everyone = fc.lines
    assert [f.text for f in routine.figures] == ["10", "0", "4.5", "8"]
    assert [f.text for f in urgent.figures] == ["*", "<5", "1.0", "7"]  # 8 - 2
    # All 16 contacted: 0..9 and 0,0,1,1,2,7 -> median 2.5 (8th and 9th: 2, 3), 90th: rank 15 = 8.
    assert [f.text for f in everyone.figures[2:]] == ["2.5", "8"]


def test_ninety_one_days_at_home_ascof_2b1() -> None:
    left = date(2026, 4, 10)
    ep = lambda n, **kw: EpisodeFact(  # noqa: E731
        f"p{n}",
        kw.get("started", left),  # type: ignore[arg-type]
        left + timedelta(days=40),
        kw.get("discharged", left),  # type: ignore[arg-type]
        kw.get("ended", left + timedelta(days=30)),  # type: ignore[arg-type]
        kw.get("outcome", "independent"),  # type: ignore[arg-type]
        kw.get("check", left + timedelta(days=91)),  # type: ignore[arg-type]
        kw.get("result", "at_home"),  # type: ignore[arg-type]
    )
    episodes = [ep(n) for n in range(12)]  # 12 at home
    episodes += [ep(12 + n, result="in_hospital") for n in range(3)]  # 3 not at home
    episodes += [ep(15 + n, outcome="died", check=None, result=None) for n in range(3)]  # died
    # Day 91 after as_of (31 August): left on 30 June.
    episodes += [
        ep(40 + n, discharged=END, started=END, ended=None, outcome=None, check=None, result=None)
        for n in range(8)
    ]
    episodes += [ep(23, check=None, result=None)]  # day 91 passed, no check recorded
    episodes += [ep(24, discharged=None, check=None, result=None)]  # from home: not ASCOF
    young = [person(n) for n in range(50)]
    young[25] = person(25, born=YOUNG)
    episodes += [ep(25)]  # under 65: left out
    episodes += [ep(26, discharged=date(2026, 3, 31), started=date(2026, 3, 31))]  # before
    d = draft(facts(episodes=tuple(episodes), people=tuple(young)), START, END)
    c = d.counts
    assert (c["home.yes"], c["home.no"], c["home.counted"]) == (12, 6, 18)
    assert (c["home.not_yet"], c["home.unrecorded"], c["home.all"]) == (8, 1, 27)
    report = compute(facts(episodes=tuple(episodes), people=tuple(young)), START, END, scope="x")
    assert report.figure("at_home", "Still at home at day 91", 1).text == "67%"  # 12 / 18
    assert report.figure("at_home", "Still waiting: day 91 not reached").text == "*"
    assert report.figure("at_home", "Still waiting: 91-day check not recorded").text == "<5"
    assert c["reable.started"] == 29  # all but the one that started on 31 March
    assert c["reable.died"] == 3 and c["reable.ended"] == 22  # 8 have not ended


def test_goals_by_result_with_attainment_change_and_t_score() -> None:
    day = date(2026, 5, 5)
    reviews = []
    # Five people, two goals each (baseline -1): scores 0 and +1 -> changes +1, +2.
    for n in range(5):
        reviews.append(GoalReviewFact(f"p{n}", f"g{n}a", day, "achieved", 0, -1))
        reviews.append(GoalReviewFact(f"p{n}", f"g{n}b", day, "achieved", 1, -1))
    # Reviewed twice: only the latest in the period counts.
    reviews.append(GoalReviewFact("p5", "g5", date(2026, 4, 2), "not_achieved", None, None))
    reviews.append(GoalReviewFact("p5", "g5", date(2026, 6, 2), "partly", None, None))
    reviews.append(GoalReviewFact("p6", "g6", date(2026, 7, 2), "achieved", 2, -2))  # after
    report = compute(facts(goal_reviews=tuple(reviews)), START, END, scope="x")
    d = draft(facts(goal_reviews=tuple(reviews)), START, END)
    assert (d.counts["goals.achieved"], d.counts["goals.partly"]) == (10, 1)
    assert d.counts["goals.not_achieved"] == 0 and d.counts["goals.all"] == 11
    assert report.figure("goals", "Mean change in goal attainment from baseline").text == "1.50"
    t = gas_t_score([0, 1])  # 50 + 10 * 1 / sqrt(0.7 * 2 + 0.3 * 4) = 56.2
    assert round(t, 1) == 56.2
    assert report.figure("goals", "Mean goal attainment T-score").text == "56.2"


def test_unplanned_admissions_per_thousand_caseload_days() -> None:
    joined = date(2026, 4, 1)
    people = [person(n, joined=joined) for n in range(10)]
    # p9 closed on 10 April: 10 days on the caseload; the others to 30 June: 91 days.
    people[9] = person(9, joined=joined, closed_on=date(2026, 4, 10), closed_reason="discharged")
    hospital = [HospitalFact(f"p{n}", "unplanned_admission", date(2025, 12, 1)) for n in range(10)]
    hospital += [HospitalFact(f"p{n}", "unplanned_admission", date(2026, 5, 1)) for n in range(5)]
    hospital += [HospitalFact("p1", "ae_attendance", date(2026, 5, 2))]  # not an admission
    hospital += [HospitalFact("p2", "unplanned_admission", date(2025, 3, 31))]  # 366 days before
    hospital += [HospitalFact("p9", "unplanned_admission", date(2026, 4, 11))]  # after closing
    report = compute(
        facts(people=tuple(people), referrals=(), hospital=tuple(hospital)), START, END, scope="x"
    )
    before = report.figure("admissions", "In the 365 days before joining the caseload", 1)
    after = report.figure("admissions", "After joining, while on the caseload", 1)
    assert before.text == f"{1000 * 10 / 3650:.2f}" == "2.74"
    assert after.text == f"{1000 * 5 / (9 * 91 + 10):.2f}" == "6.03"
    assert report.figure("admissions", "In the 365 days before joining the caseload").text == "10"
    assert report.figure("admissions", "After joining, while on the caseload").text == "5"


def test_plan_reviews_on_time_late_and_not_done() -> None:
    due = date(2026, 5, 1)
    reviews = [PlanReviewFact(f"p{n}", due, due - timedelta(days=n)) for n in range(8)]
    reviews += [PlanReviewFact(f"p{n}", due, due + timedelta(days=3)) for n in range(5)]
    reviews += [PlanReviewFact(f"p{n}", due, None) for n in range(7)]
    reviews += [PlanReviewFact("p1", date(2026, 7, 1), None)]  # due after the period
    report = compute(facts(plan_reviews=tuple(reviews)), START, END, scope="x")
    assert [f.text for li in report.section("plan_reviews").lines for f in li.figures] == [
        "20", "", "8", "40%", "5", "", "7", "",
    ]  # fmt: skip


def test_experience_answers_per_statement() -> None:
    day = date(2026, 6, 1)
    answers = [ExperienceFact(f"p{n}", day, "tell_story_once", "yes_definitely") for n in range(9)]
    answers += [ExperienceFact(f"p{n}", day, "tell_story_once", "no") for n in range(6)]
    answers += [ExperienceFact("p1", date(2026, 7, 1), "tell_story_once", "no")]  # after
    report = compute(facts(experience=tuple(answers)), START, END, scope="x")
    line = next(
        li for li in report.section("experience").lines if li.label == "I tell my story once."
    )
    assert [f.text for f in line.figures] == ["9", "0", "6", "0", "15"]


def test_definitions_median_centile_and_first_contact_on_englands_calendar() -> None:
    assert median([3, 1, 2, 10]) == 2.5 and median([]) is None
    assert centile(list(range(1, 11)), 90) == 9 and centile([5], 90) == 5
    # 23:30 UTC on 31 May is 00:30 on 1 June in England (summer time): on the day.
    late = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    assert first_contact(date(2026, 6, 1), [late]) == late
    assert first_contact(date(2026, 6, 2), [late]) is None


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        compute(facts(), END, START, scope="x")
