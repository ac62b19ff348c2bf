"""The outcome report's measures, computed from `OutcomeFacts` for a period [start, end]
(both days included). The same code runs on the laptop (the coordinator's team) and on
the partner server (the whole organisation). docs/outcomes.md cites each source.

Referrals received: received in the period. Accepted unless the person's case was
closed as `referral_not_accepted` or `signposted` on or after the day it arrived.

Referral to first contact: whole days from the day the referral arrived to the day
(England's calendar) of the first contact note on or after it (0: the same day), by
urgency; median (the mean of the two middle values for an even count) and 90th
centile by nearest rank, over the referrals with a first contact; those with none
yet are counted as waiting.

Reablement: episodes started (started_on in the period) and ended (ended_on in the
period), the ended ones by outcome.

Still at home 91 days after leaving hospital into reablement (ASCOF 2B(1)): episodes
whose person left hospital (discharged_on) in the period aged 65 or over. At home:
the 91-day check found them at home. Not at home: the check found them elsewhere or
not known, or the episode ended with their death. Left out of the proportion and
counted as still waiting: day 91 (discharged_on + 91) after the day the report is
read, or no check recorded yet.

Goals: each goal's latest review in the period, by result; where the goal has an
attainment baseline and the review a score, the mean change from baseline and each
person's goal attainment T-score (statistics.gas_t_score), averaged.

Unplanned admissions per 1,000 caseload days: people on the caseload in the period
(joined on or before its end, not closed before its start, not closed as a referral
not taken on). Before: unplanned admissions in the 365 days before joining, over
365 days each. After: from joining to the earlier of the case's closure and the
period's end, over those days (both days counted).

Plan reviews: reviews that fell due in the period: done on time (agreed again on or
before the day due), late, not yet done.

Experience: each "I" statement's answers given in the period.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, timedelta

from app.errors import InvalidInputError
from app.reports.outcomes.draft import (
    Blank,
    Count,
    Draft,
    DraftLine,
    DraftSection,
    OutcomeReport,
    Percent,
    Rate,
    Statistic,
    Total,
)
from app.reports.outcomes.facts import (
    GoalReviewFact,
    OutcomeFacts,
    PersonFact,
    age_on,
    contact_day,
)
from app.reports.outcomes.small_numbers import publish
from app.reports.outcomes.statistics import centile, gas_t_score, mean, median
from app.values import vocab

logger = logging.getLogger(__name__)

NOT_TAKEN_ON = frozenset(
    {vocab.ClosedReason.REFERRAL_NOT_ACCEPTED.value, vocab.ClosedReason.SIGNPOSTED.value}
)
ASCOF_AGE = 65
FOLLOW_UP_DAYS = 91
BEFORE_DAYS = 365
URGENCIES = tuple(vocab.ReferralUrgency)


def compute(facts: OutcomeFacts, start: date, end: date, *, scope: str) -> OutcomeReport:
    """The report for [start, end], small numbers suppressed (`small_numbers.publish`)."""
    if end < start:
        raise InvalidInputError("The 'to' date is before the 'from' date.")
    return publish(draft(facts, start, end), scope=scope, start=start, end=end, as_of=facts.as_of)


def draft(facts: OutcomeFacts, start: date, end: date) -> Draft:
    """Every measure before suppression (tests read the raw counts here)."""
    counts: dict[str, int] = {}
    totals: list[Total] = []
    sections = (
        _referrals(facts, start, end, counts, totals),
        _first_contact(facts, start, end, counts, totals),
        _reablement(facts, start, end, counts, totals),
        _at_home(facts, start, end, counts, totals),
        _goals(facts, start, end, counts, totals),
        _admissions(facts, start, end, counts),
        _plan_reviews(facts, start, end, counts, totals),
        _experience(facts, start, end, counts, totals),
    )
    return Draft(counts, tuple(totals), sections)


def _within(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def _partition(
    counts: dict[str, int], totals: list[Total], whole: str, parts: dict[str, int]
) -> None:
    """Counts `parts` and their total `whole`, with the total's rule for suppression."""
    counts.update(parts)
    counts[whole] = sum(parts.values())
    totals.append(Total(whole, tuple(parts)))


def _referrals(
    facts: OutcomeFacts, start: date, end: date, counts: dict[str, int], totals: list[Total]
) -> DraftSection:
    closed = {p.person_id: p for p in facts.people}
    received = [r for r in facts.referrals if _within(r.received_on, start, end)]
    by_urgency = {f"ref.{u}": sum(r.urgency == u for r in received) for u in URGENCIES}
    _partition(counts, totals, "ref.all", by_urgency)

    def not_taken_on(person_id: str, on: date) -> bool:
        p = closed.get(person_id)
        return bool(p and p.closed_reason in NOT_TAKEN_ON and p.closed_on and p.closed_on >= on)

    refused = sum(not_taken_on(r.person_id, r.received_on) for r in received)
    counts["ref.accepted"], counts["ref.not_accepted"] = len(received) - refused, refused
    totals.append(Total("ref.all", ("ref.accepted", "ref.not_accepted")))
    lines = [DraftLine(u.label, (Count(f"ref.{u}"), Blank())) for u in URGENCIES]
    lines += [
        DraftLine("All referrals received", (Count("ref.all"), Blank())),
        DraftLine("Accepted", (Count("ref.accepted"), Percent("ref.accepted", "ref.all"))),
        DraftLine("Not accepted or signposted", (Count("ref.not_accepted"), Blank())),
    ]
    return DraftSection("referrals", "Referrals received", ("Referrals", "Share"), tuple(lines))


def _first_contact(
    facts: OutcomeFacts, start: date, end: date, counts: dict[str, int], totals: list[Total]
) -> DraftSection:
    received = [r for r in facts.referrals if _within(r.received_on, start, end)]
    lines = []
    everyone: list[tuple[str, int]] = []
    for u in URGENCIES:
        mine = [r for r in received if r.urgency == u]
        waits = [
            (r.person_id, (contact_day(r.first_contact_at) - r.received_on).days)
            for r in mine
            if r.first_contact_at is not None
        ]
        everyone += waits
        made, waiting = f"contact.{u}.made", f"contact.{u}.waiting"
        counts[made], counts[waiting] = len(waits), len(mine) - len(waits)
        totals.append(Total(f"ref.{u}", (made, waiting)))
        lines.append(DraftLine(u.label, (Count(made), Count(waiting), *_spread(waits))))
    lines.append(DraftLine("All referrals", (Blank(), Blank(), *_spread(everyone))))
    return DraftSection(
        "first_contact",
        "Time from referral to first contact (days)",
        ("First contact made", "Waiting for first contact", "Median days", "90th centile days"),
        tuple(lines),
        ("Whole days from the day the referral arrived (0: contacted the same day).",),
    )


def _spread(waits: Sequence[tuple[str, int]]) -> tuple[Statistic, Statistic]:
    days = [float(d) for _, d in waits]
    people = len({p for p, _ in waits})
    return Statistic(median(days), people), Statistic(centile(days, 90), people, 0)


def _reablement(
    facts: OutcomeFacts, start: date, end: date, counts: dict[str, int], totals: list[Total]
) -> DraftSection:
    counts["reable.started"] = sum(_within(e.started_on, start, end) for e in facts.episodes)
    ended = [e for e in facts.episodes if _within(e.ended_on, start, end)]
    outcomes = tuple(vocab.ReablementOutcome)
    _partition(
        counts,
        totals,
        "reable.ended",
        {f"reable.{o}": sum(e.outcome == o for e in ended) for o in outcomes},
    )
    lines = [
        DraftLine("Episodes started", (Count("reable.started"),)),
        DraftLine("Episodes ended", (Count("reable.ended"),)),
        *(DraftLine(f"Ended: {o.label}", (Count(f"reable.{o}"),)) for o in outcomes),
    ]
    chart = (0, tuple(range(2, 2 + len(outcomes))))
    return DraftSection("reablement", "Reablement episodes", ("Episodes",), tuple(lines), (), chart)


def _at_home(
    facts: OutcomeFacts, start: date, end: date, counts: dict[str, int], totals: list[Total]
) -> DraftSection:
    born = {p.person_id: p.date_of_birth for p in facts.people}
    at_home = not_home = not_yet = unrecorded = 0
    for e in facts.episodes:
        left = e.discharged_on
        dob = born.get(e.person_id)
        if left is None or dob is None or not _within(left, start, end):
            continue
        if age_on(dob, left) < ASCOF_AGE:
            continue
        if e.follow_up_result == vocab.FollowUpResult.AT_HOME:
            at_home += 1
        elif e.follow_up_result is not None or e.outcome == vocab.ReablementOutcome.DIED:
            not_home += 1
        elif left + timedelta(days=FOLLOW_UP_DAYS) > facts.as_of:
            not_yet += 1
        else:
            unrecorded += 1
    _partition(counts, totals, "home.counted", {"home.yes": at_home, "home.no": not_home})
    _partition(
        counts,
        totals,
        "home.all",
        {
            "home.counted": counts["home.counted"],
            "home.not_yet": not_yet,
            "home.unrecorded": unrecorded,
        },
    )
    lines = (
        DraftLine("Left hospital into reablement, aged 65 or over", (Count("home.all"), Blank())),
        DraftLine(
            "Still at home at day 91", (Count("home.yes"), Percent("home.yes", "home.counted"))
        ),
        DraftLine("Not at home at day 91, or died", (Count("home.no"), Blank())),
        DraftLine("Counted in the proportion", (Count("home.counted"), Blank())),
        DraftLine("Still waiting: day 91 not reached", (Count("home.not_yet"), Blank())),
        DraftLine("Still waiting: 91-day check not recorded", (Count("home.unrecorded"), Blank())),
    )
    return DraftSection(
        "at_home",
        "Still at home 91 days after leaving hospital into reablement (ASCOF 2B(1))",
        ("Episodes", "Proportion"),
        lines,
        ("The proportion is of the episodes counted: those still waiting are left out.",),
        (0, (1, 2, 4, 5)),
    )


def _goals(
    facts: OutcomeFacts, start: date, end: date, counts: dict[str, int], totals: list[Total]
) -> DraftSection:
    latest: dict[str, GoalReviewFact] = {}
    for r in sorted(facts.goal_reviews, key=lambda r: r.reviewed_on):
        if _within(r.reviewed_on, start, end):
            latest[r.goal_id] = r
    reviews = [r for r in facts.goal_reviews if latest.get(r.goal_id) is r]
    results = tuple(vocab.GoalResult)
    _partition(
        counts,
        totals,
        "goals.all",
        {f"goals.{g}": sum(r.result == g for r in reviews) for g in results},
    )
    changes = [
        (r.person_id, r.gas_score - r.gas_baseline)
        for r in reviews
        if r.gas_score is not None and r.gas_baseline is not None
    ]
    scores: dict[str, list[int]] = {}
    for r in reviews:
        if r.gas_score is not None:
            scores.setdefault(r.person_id, []).append(r.gas_score)
    t_scores = [gas_t_score(s) for s in scores.values()]
    lines = (
        *(DraftLine(g.label, (Count(f"goals.{g}"),)) for g in results),
        DraftLine("Goals reviewed", (Count("goals.all"),)),
        DraftLine(
            "Mean change in goal attainment from baseline",
            (Statistic(mean([float(c) for _, c in changes]), len({p for p, _ in changes}), 2),),
        ),
        DraftLine("Mean goal attainment T-score", (Statistic(mean(t_scores), len(t_scores)),)),
    )
    return DraftSection(
        "goals",
        "Goals reviewed",
        ("Goals",),
        lines,
        (
            "Each goal's latest review in the period.",
            "Goal attainment scaling (Turner-Stokes 2009): a T-score of 50 means goals"
            " were met as expected.",
        ),
        (0, tuple(range(len(results)))),
    )


def _on_caseload(facts: OutcomeFacts, start: date, end: date) -> list[PersonFact]:
    return [
        p
        for p in facts.people
        if p.joined_on <= end
        and (p.closed_on is None or p.closed_on >= start)
        and p.closed_reason not in NOT_TAKEN_ON
    ]


def _admissions(
    facts: OutcomeFacts, start: date, end: date, counts: dict[str, int]
) -> DraftSection:
    people = {p.person_id: p for p in _on_caseload(facts, start, end)}
    stop = {
        pid: min(p.closed_on, end) if p.closed_on is not None else end for pid, p in people.items()
    }
    before = after = 0
    for h in facts.hospital:
        p = people.get(h.person_id)
        if p is None or h.kind != vocab.HospitalEventKind.UNPLANNED_ADMISSION:
            continue
        if p.joined_on - timedelta(days=BEFORE_DAYS) <= h.occurred_on < p.joined_on:
            before += 1
        elif p.joined_on <= h.occurred_on <= stop[h.person_id]:
            after += 1
    days_after = sum((stop[pid] - p.joined_on).days + 1 for pid, p in people.items())
    counts.update({"adm.people": len(people), "adm.before": before, "adm.after": after})
    guard = ("adm.people",)
    lines = (
        DraftLine("People on the caseload in the period", (Count("adm.people"), Blank())),
        DraftLine(
            "In the 365 days before joining the caseload",
            (Count("adm.before"), Rate("adm.before", BEFORE_DAYS * len(people), guard)),
        ),
        DraftLine(
            "After joining, while on the caseload",
            (Count("adm.after"), Rate("adm.after", days_after, guard)),
        ),
    )
    return DraftSection(
        "admissions",
        "Unplanned hospital admissions",
        ("Number", "Per 1,000 days"),
        lines,
        ("Admissions entered in error are not counted.",),
        (1, (1, 2)),
    )


def _plan_reviews(
    facts: OutcomeFacts, start: date, end: date, counts: dict[str, int], totals: list[Total]
) -> DraftSection:
    due = [r for r in facts.plan_reviews if _within(r.due_on, start, end)]
    _partition(
        counts,
        totals,
        "reviews.due",
        {
            "reviews.on_time": sum(r.done_on is not None and r.done_on <= r.due_on for r in due),
            "reviews.late": sum(r.done_on is not None and r.done_on > r.due_on for r in due),
            "reviews.not_done": sum(r.done_on is None for r in due),
        },
    )
    lines = (
        DraftLine("Plan reviews due", (Count("reviews.due"), Blank())),
        DraftLine(
            "Done on time", (Count("reviews.on_time"), Percent("reviews.on_time", "reviews.due"))
        ),
        DraftLine("Done late", (Count("reviews.late"), Blank())),
        DraftLine("Not done yet", (Count("reviews.not_done"), Blank())),
    )
    return DraftSection(
        "plan_reviews",
        "Care plan reviews due in the period",
        ("Reviews", "Share"),
        lines,
        ("On time: the plan was agreed again on or before the day its review was due.",),
        (0, (1, 2, 3)),
    )


def _experience(
    facts: OutcomeFacts, start: date, end: date, counts: dict[str, int], totals: list[Total]
) -> DraftSection:
    asked = [x for x in facts.experience if _within(x.asked_on, start, end)]
    answers = tuple(vocab.ExperienceAnswer)
    lines = []
    for s in vocab.ExperienceStatement:
        mine = [x for x in asked if x.statement == s]
        _partition(
            counts,
            totals,
            f"exp.{s}",
            {f"exp.{s}.{a}": sum(x.answer == a for x in mine) for a in answers},
        )
        cells = (*(Count(f"exp.{s}.{a}") for a in answers), Count(f"exp.{s}"))
        lines.append(DraftLine(s.label, cells))
    return DraftSection(
        "experience",
        'The person\'s experience (National Voices "I" statements)',
        (*(a.label for a in answers), "Answers"),
        tuple(lines),
        ("Answers given at plan reviews in the period.",),
    )
