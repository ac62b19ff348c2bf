"""What the team's work achieved: reablement episodes and their 91-day check, goal
reviews, hospital and urgent care events, and the person's experience.

The rules that tie a record's own fields together are CHECK constraints here, so the
laptop's store, its services and the partner server (which evaluates them on the
record as it will stand, `app.services.write_rules.row_validity`) refuse the same
rows: an episode ending before it starts, a planned length past six weeks with no
reason, a 91-day check before day 91, a goal attainment score off the scale.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base, Recorded

# Reablement lasts up to six weeks; longer needs a recorded reason.
REABLEMENT_DAYS = 42
# ASCOF 2B(1): still at home 91 days after leaving hospital into reablement.
FOLLOW_UP_DAYS = 91


class ReablementEpisode(Recorded, Base):
    """A time-limited period of reablement: from its start (often the day the person
    left hospital) to its planned end, its outcome when it ends, and the check 91
    days after the person left hospital (or started, if they came from home)."""

    __tablename__ = "reablement_episode"
    # One episode under way per person (ended_on empty): the store refuses a second
    # (the partial unique index below), the services say so first, and the partner
    # server refuses one pushed by a laptop that started it offline
    # (sync/server/one_open.py).
    __one_open__ = "ended_on"
    __table_args__ = (
        Index(
            "uq_reablement_episode_open",
            "person_id",
            unique=True,
            sqlite_where=text("ended_on IS NULL"),
        ),
        CheckConstraint("planned_end_on >= started_on", name="planned_end_after_start"),
        CheckConstraint(
            f"julianday(planned_end_on) - julianday(started_on) <= {REABLEMENT_DAYS}"
            " OR coalesce(length(trim(longer_reason)), 0) > 0",
            name="longer_than_six_weeks_has_a_reason",
        ),
        CheckConstraint(
            "discharged_on IS NULL OR discharged_on <= started_on",
            name="discharged_before_start",
        ),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ends_after_start"),
        CheckConstraint("(ended_on IS NULL) = (outcome IS NULL)", name="outcome_when_ended"),
        CheckConstraint(
            "follow_up_on IS NULL OR (ended_on IS NOT NULL AND julianday(follow_up_on)"
            f" - julianday(coalesce(discharged_on, started_on)) >= {FOLLOW_UP_DAYS})",
            name="follow_up_from_day_91",
        ),
        CheckConstraint(
            "(follow_up_on IS NULL) = (follow_up_result IS NULL)", name="follow_up_answered"
        ),
    )

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    started_on: Mapped[date]
    planned_end_on: Mapped[date]
    # Why it is planned longer than six weeks (required past 42 days).
    longer_reason: Mapped[str | None] = mapped_column(String(500))
    # The day the person left hospital into reablement (None: referred from home).
    discharged_on: Mapped[date | None] = mapped_column()
    ended_on: Mapped[date | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(30))  # vocab.ReablementOutcome
    follow_up_on: Mapped[date | None] = mapped_column()
    follow_up_result: Mapped[str | None] = mapped_column(String(30))  # vocab.FollowUpResult


class GoalReview(Recorded, Base):
    """A goal's result at a review or when the plan ends, in the person's terms, and
    optionally its goal attainment scale score; signed by the reviewer. Kept as a
    history: a goal reviewed twice has two."""

    __tablename__ = "goal_review"
    __journal__ = "append"
    __table_args__ = (
        CheckConstraint("gas_score IS NULL OR gas_score BETWEEN -2 AND 2", name="gas_range"),
    )

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    goal_id: Mapped[str] = mapped_column(ForeignKey("goal.id"), index=True)
    reviewed_on: Mapped[date]
    result: Mapped[str] = mapped_column(String(30))  # vocab.GoalResult
    gas_score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[str] = mapped_column(String(36))


class HospitalEvent(Recorded, Base):
    """An unplanned admission, an A&E attendance or a discharge: admissions are counted
    per 1,000 caseload days before and after the person joined the caseload."""

    __tablename__ = "hospital_event"

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # vocab.HospitalEventKind
    occurred_on: Mapped[date]
    hospital: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    # Recorded against the wrong person or never happened: kept, and counted nowhere.
    entered_in_error: Mapped[bool] = mapped_column(Boolean, default=False)


class ExperienceAnswer(Recorded, Base):
    """One National Voices "I" statement answered with the person at plan review;
    signed by whoever asked."""

    __tablename__ = "experience_answer"
    __journal__ = "append"

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    asked_on: Mapped[date]
    statement: Mapped[str] = mapped_column(String(30))  # vocab.ExperienceStatement
    answer: Mapped[str] = mapped_column(String(30))  # vocab.ExperienceAnswer
    answered_by: Mapped[str] = mapped_column(String(20))  # vocab.AnsweredBy
    asked_by_id: Mapped[str] = mapped_column(String(36))
