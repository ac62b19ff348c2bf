"""The record's "Reablement and outcomes" section, projected from the person's
snapshot (`record_snapshot.load_snapshot`): episodes with their day and 91-day check,
the goals each works on, the latest review of each goal, hospital and urgent care
events, admissions before and since joining the caseload, and the latest experience
answers. No table is read here; need-to-know was applied by the snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.services.record.record_snapshot import RecordSnapshot, undated_first
from app.values import reablement
from app.values.vocab import (
    AnsweredBy,
    ExperienceAnswer,
    ExperienceStatement,
    FollowUpResult,
    GoalResult,
    HospitalEventKind,
    ReablementOutcome,
)

# Admissions are compared over the year before the person joined the caseload.
YEAR = timedelta(days=365)


@dataclass(frozen=True)
class EpisodeItem:
    id: str
    started_on: date
    planned_end_on: date
    longer_reason: str | None
    discharged_on: date | None
    ended_on: date | None
    outcome: str | None  # its label
    # Day N of the planned days, while under way.
    day: int | None
    planned_days: int
    goals: tuple[tuple[str, str], ...]  # (goal id, statement)
    contacts: int
    follow_up_due: date
    follow_up_needed: bool
    follow_up_on: date | None
    follow_up_result: str | None  # its label

    @property
    def under_way(self) -> bool:
        return self.ended_on is None


@dataclass(frozen=True)
class GoalReviewItem:
    goal_id: str
    goal: str
    reviewed_on: date
    result: str  # its label
    gas_score: int | None
    gas_baseline: int | None
    by: str | None
    comment: str | None


@dataclass(frozen=True)
class HospitalItem:
    id: str
    kind: str  # its label
    occurred_on: date
    hospital: str | None
    detail: str | None


@dataclass(frozen=True)
class ExperienceItem:
    asked_on: date
    by: str | None
    answered_by: str  # its label
    answers: tuple[tuple[str, str], ...]  # (statement, answer), labels


@dataclass(frozen=True)
class OutcomesView:
    episodes: tuple[EpisodeItem, ...]
    goal_reviews: tuple[GoalReviewItem, ...]  # the latest of each goal, newest first
    hospital: tuple[HospitalItem, ...]  # newest first, none entered in error
    # Unplanned admissions in the year before joining the caseload, and since.
    admissions_before: int
    admissions_since: int
    joined_on: date | None
    experience: ExperienceItem | None  # the latest time the statements were asked

    @property
    def open_episode(self) -> EpisodeItem | None:
        return next((e for e in self.episodes if e.under_way), None)


def _label(kind: type[ReablementOutcome] | type[FollowUpResult], code: str | None) -> str | None:
    return kind(code).label if code else None


def outcomes_view(snap: RecordSnapshot, today: date) -> OutcomesView:
    goals = {g.id: g for g in snap.goals}
    episodes = tuple(
        EpisodeItem(
            id=e.id,
            started_on=e.started_on,
            planned_end_on=e.planned_end_on,
            longer_reason=e.longer_reason,
            discharged_on=e.discharged_on,
            ended_on=e.ended_on,
            outcome=_label(ReablementOutcome, e.outcome),
            day=reablement.day_of_episode(e.started_on, today) if e.ended_on is None else None,
            planned_days=(e.planned_end_on - e.started_on).days,
            goals=tuple((g.id, g.statement) for g in snap.goals if g.reablement_episode_id == e.id),
            contacts=snap.episode_contacts.get(e.id, 0),
            follow_up_due=reablement.follow_up_due(e.started_on, e.discharged_on),
            follow_up_needed=reablement.follow_up_needed(e.ended_on, e.outcome, e.follow_up_on),
            follow_up_on=e.follow_up_on,
            follow_up_result=_label(FollowUpResult, e.follow_up_result),
        )
        for e in sorted(snap.episodes, key=lambda e: (e.started_on, e.id), reverse=True)
    )
    latest: dict[str, GoalReviewItem] = {}
    for r in sorted(snap.goal_reviews, key=lambda r: (r.reviewed_on, r.recorded_at)):
        goal = goals.get(r.goal_id)
        reviewer = snap.staff.get(r.reviewed_by_id)
        latest[r.goal_id] = GoalReviewItem(
            goal_id=r.goal_id,
            goal=goal.statement if goal else "",
            reviewed_on=r.reviewed_on,
            result=GoalResult(r.result).label,
            gas_score=r.gas_score,
            gas_baseline=goal.gas_baseline if goal else None,
            by=reviewer.display_name if reviewer else None,
            comment=r.comment,
        )
    live = [h for h in snap.hospital_events if not h.entered_in_error]
    joined = min(
        (r.received_on for r in snap.referrals),
        default=snap.person.recorded_at.date() if snap.person.recorded_at else None,
    )
    admissions = [h.occurred_on for h in live if h.kind == HospitalEventKind.UNPLANNED_ADMISSION]
    return OutcomesView(
        episodes=episodes,
        goal_reviews=tuple(sorted(latest.values(), key=lambda r: r.reviewed_on, reverse=True)),
        hospital=tuple(
            HospitalItem(h.id, HospitalEventKind(h.kind).label, h.occurred_on, h.hospital, h.detail)
            for h in sorted(live, key=lambda h: (undated_first(h.occurred_on), h.id), reverse=True)
        ),
        admissions_before=sum(1 for on in admissions if joined and joined - YEAR <= on < joined),
        admissions_since=sum(1 for on in admissions if joined and on >= joined),
        joined_on=joined,
        experience=_latest_experience(snap),
    )


def _latest_experience(snap: RecordSnapshot) -> ExperienceItem | None:
    if not snap.experience:
        return None
    last = max(snap.experience, key=lambda a: (a.asked_on, a.recorded_at))
    same = [
        a
        for a in snap.experience
        if (a.asked_on, a.asked_by_id) == (last.asked_on, last.asked_by_id)
    ]
    order = [s.value for s in ExperienceStatement]
    same.sort(key=lambda a: order.index(a.statement) if a.statement in order else len(order))
    asker = snap.staff.get(last.asked_by_id)
    return ExperienceItem(
        asked_on=last.asked_on,
        by=asker.display_name if asker else None,
        answered_by=AnsweredBy(last.answered_by).label,
        answers=tuple(
            (ExperienceStatement(a.statement).label, ExperienceAnswer(a.answer).label) for a in same
        ),
    )
