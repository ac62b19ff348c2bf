"""The personalised care and support plan (PRSB PCSP v2.0)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base, Recorded


class CarePlan(Recorded, Base):
    """The one current plan for a person. Agreeing it freezes a numbered version."""

    __tablename__ = "care_plan"

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    # draft: changed since the last agreed version; agreed: matches it.
    status: Mapped[str] = mapped_column(String(20), default="draft")
    agreed_on: Mapped[date | None] = mapped_column()
    agreed_with_name: Mapped[str | None] = mapped_column(String(200))
    # the person, carer, lasting power of attorney, advocate
    agreed_with_role: Mapped[str | None] = mapped_column(String(60))
    review_due: Mapped[date | None] = mapped_column(index=True)
    review_owner_id: Mapped[str | None] = mapped_column(String(36))
    funding_source: Mapped[str | None] = mapped_column(String(120))


# The review date as agreed, read from the frozen copy (the plan's own review date
# may have moved since). The outcome report reads it for every version; the index
# below holds it, so the report reads the index and never the snapshots. Guarded by
# json_valid: an index expression that raised would refuse the row itself, and a
# version pulled from the server with a snapshot that is not JSON must still apply.
REVIEW_DUE_AS_AGREED = (
    "CASE WHEN json_valid(snapshot) THEN json_extract(snapshot, '$.review_due') END"
)


class CarePlanVersion(Recorded, Base):
    """A frozen copy of the plan as agreed: what was printed for the home folder."""

    __tablename__ = "care_plan_version"
    __journal__ = "append"
    __table_args__ = (
        Index(
            "ix_care_plan_version_review_due",
            "person_id",
            "version",
            "agreed_on",
            text(REVIEW_DUE_AS_AGREED),
        ),
    )

    plan_id: Mapped[str] = mapped_column(ForeignKey("care_plan.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    agreed_on: Mapped[date]
    agreed_with_name: Mapped[str] = mapped_column(String(200))
    agreed_with_role: Mapped[str] = mapped_column(String(60))
    snapshot: Mapped[str] = mapped_column(Text)


class Strength(Recorded, Base):
    __tablename__ = "strength"

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    # No longer true (kept, with its history; the plan as it stands leaves it out).
    ended_on: Mapped[date | None] = mapped_column()


class Need(Recorded, Base):
    """A need, concern or problem, optionally tied to a Care Act eligibility outcome."""

    __tablename__ = "need"

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    care_act_outcome: Mapped[str | None] = mapped_column(String(60))
    # Met, or no longer a need (kept; goals that served it still name it).
    ended_on: Mapped[date | None] = mapped_column()


class Goal(Recorded, Base):
    """What the person wants to achieve, in their words ("I want to ...")."""

    __tablename__ = "goal"
    __table_args__ = (
        CheckConstraint("importance BETWEEN 1 AND 10", name="importance_range"),
        CheckConstraint(
            "gas_baseline IS NULL OR gas_baseline IN (-2, -1)", name="gas_baseline_range"
        ),
        # Every column that refers to another record has an index (migration 0017):
        # SQLite looks for a record's children when it is written during a pull and
        # when it is removed, and without one reads the whole table each time.
        Index("ix_goal_need", "need_id", sqlite_where=text("need_id IS NOT NULL")),
    )

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    need_id: Mapped[str | None] = mapped_column(ForeignKey("need.id"))
    statement: Mapped[str] = mapped_column(Text)
    importance: Mapped[int] = mapped_column(Integer, default=5)
    status: Mapped[str] = mapped_column(String(30), default="in_progress")
    target_date: Mapped[date | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(Text)
    # Goal attainment scaling (Turner-Stokes 2009), set when the goal is made: where
    # the person starts (-1, or -2 when they cannot get worse); 0 is the expected
    # outcome, reviewed later from -2 to +2 (GoalReview.gas_score).
    gas_baseline: Mapped[int | None] = mapped_column(Integer)
    # The reablement episode that works on it (None: the plan's own goal).
    reablement_episode_id: Mapped[str | None] = mapped_column(
        ForeignKey("reablement_episode.id"), index=True
    )


class PlanAction(Recorded, Base):
    """Who does what, and when: towards a goal, or agreed at a team meeting about the
    person (`mdt_item_id`; such an action may serve no goal)."""

    __tablename__ = "plan_action"
    __table_args__ = (
        CheckConstraint(
            "confidence IS NULL OR confidence BETWEEN 1 AND 10", name="confidence_range"
        ),
        CheckConstraint(
            "goal_id IS NOT NULL OR mdt_item_id IS NOT NULL", name="towards_a_goal_or_agreed"
        ),
        # See Goal: a referring column has an index.
        Index(
            "ix_plan_action_mdt_item", "mdt_item_id", sqlite_where=text("mdt_item_id IS NOT NULL")
        ),
    )

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    goal_id: Mapped[str | None] = mapped_column(ForeignKey("goal.id"), index=True)
    mdt_item_id: Mapped[str | None] = mapped_column(ForeignKey("mdt_item.id"))
    what: Mapped[str] = mapped_column(Text)
    who_name: Mapped[str] = mapped_column(String(200), default="")
    who_role: Mapped[str | None] = mapped_column(String(120))
    who_organisation_id: Mapped[str | None] = mapped_column(String(36))
    who_contact: Mapped[str | None] = mapped_column(String(200))
    timing: Mapped[str | None] = mapped_column(String(120))
    due_on: Mapped[date | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default="planned")
    confidence: Mapped[int | None] = mapped_column(Integer)
    strategies: Mapped[str | None] = mapped_column(Text)
    review_on: Mapped[date | None] = mapped_column()
    last_updated: Mapped[datetime | None] = mapped_column()


class ContingencyPlan(Recorded, Base):
    """If this happens, do this, call this number."""

    __tablename__ = "contingency_plan"

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    trigger: Mapped[str] = mapped_column(Text)
    what_should_happen: Mapped[str] = mapped_column(Text)
    who_to_contact: Mapped[str] = mapped_column(Text, default="")
    early_warning_signs: Mapped[str | None] = mapped_column(Text)
    anticipatory_medicines_equipment: Mapped[str | None] = mapped_column(Text)
    review_on: Mapped[date | None] = mapped_column()
    # No longer needed (kept; the printed plan leaves it out).
    ended_on: Mapped[date | None] = mapped_column()
