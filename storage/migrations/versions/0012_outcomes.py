"""outcomes: reablement episodes (start, planned end, outcome, the 91-day check), goal
reviews (the result in the person's terms, a goal attainment score), hospital and
urgent care events, and the person's experience ("I" statements); a goal's goal
attainment baseline and the reablement episode working on it.

Existing goals have no baseline and no episode: nothing about them changes.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 07:00:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels = None
depends_on = None


def _recorded() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
    ]


def _person_table(name: str, *columns: sa.schema.SchemaItem) -> None:
    op.create_table(
        name,
        sa.Column("person_id", sa.String(length=36), nullable=False),
        *columns,
        *_recorded(),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f(f"fk_{name}_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_person_id"), ["person_id"], unique=False)


def upgrade() -> None:
    _person_table(
        "reablement_episode",
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("planned_end_on", sa.Date(), nullable=False),
        sa.Column("longer_reason", sa.String(length=500), nullable=True),
        sa.Column("discharged_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("follow_up_result", sa.String(length=30), nullable=True),
        sa.CheckConstraint(
            "planned_end_on >= started_on",
            name=op.f("ck_reablement_episode_planned_end_after_start"),
        ),
        sa.CheckConstraint(
            "julianday(planned_end_on) - julianday(started_on) <= 42"
            " OR coalesce(length(trim(longer_reason)), 0) > 0",
            name=op.f("ck_reablement_episode_longer_than_six_weeks_has_a_reason"),
        ),
        sa.CheckConstraint(
            "discharged_on IS NULL OR discharged_on <= started_on",
            name=op.f("ck_reablement_episode_discharged_before_start"),
        ),
        sa.CheckConstraint(
            "ended_on IS NULL OR ended_on >= started_on",
            name=op.f("ck_reablement_episode_ends_after_start"),
        ),
        sa.CheckConstraint(
            "(ended_on IS NULL) = (outcome IS NULL)",
            name=op.f("ck_reablement_episode_outcome_when_ended"),
        ),
        sa.CheckConstraint(
            "follow_up_on IS NULL OR (ended_on IS NOT NULL AND julianday(follow_up_on)"
            " - julianday(coalesce(discharged_on, started_on)) >= 91)",
            name=op.f("ck_reablement_episode_follow_up_from_day_91"),
        ),
        sa.CheckConstraint(
            "(follow_up_on IS NULL) = (follow_up_result IS NULL)",
            name=op.f("ck_reablement_episode_follow_up_answered"),
        ),
    )
    op.create_index(
        "uq_reablement_episode_open",
        "reablement_episode",
        ["person_id"],
        unique=True,
        sqlite_where=sa.text("ended_on IS NULL"),
    )
    _person_table(
        "goal_review",
        sa.Column("goal_id", sa.String(length=36), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("result", sa.String(length=30), nullable=False),
        sa.Column("gas_score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reviewed_by_id", sa.String(length=36), nullable=False),
        sa.CheckConstraint(
            "gas_score IS NULL OR gas_score BETWEEN -2 AND 2",
            name=op.f("ck_goal_review_gas_range"),
        ),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], name=op.f("fk_goal_review_goal_id_goal")),
    )
    with op.batch_alter_table("goal_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_review_goal_id"), ["goal_id"], unique=False)
    _person_table(
        "hospital_event",
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("hospital", sa.String(length=200), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("entered_in_error", sa.Boolean(), nullable=False),
    )
    _person_table(
        "experience_answer",
        sa.Column("asked_on", sa.Date(), nullable=False),
        sa.Column("statement", sa.String(length=30), nullable=False),
        sa.Column("answer", sa.String(length=30), nullable=False),
        sa.Column("answered_by", sa.String(length=20), nullable=False),
        sa.Column("asked_by_id", sa.String(length=36), nullable=False),
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gas_baseline", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reablement_episode_id", sa.String(length=36), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_goal_reablement_episode_id"), ["reablement_episode_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_goal_reablement_episode_id_reablement_episode"),
            "reablement_episode",
            ["reablement_episode_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            "gas_baseline_range", "gas_baseline IS NULL OR gas_baseline IN (-2, -1)"
        )


def downgrade() -> None:
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_constraint("ck_goal_gas_baseline_range", type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_goal_reablement_episode_id_reablement_episode"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_goal_reablement_episode_id"))
        batch_op.drop_column("reablement_episode_id")
        batch_op.drop_column("gas_baseline")
    op.drop_index("uq_reablement_episode_open", table_name="reablement_episode")
    for name in ("experience_answer", "hospital_event", "goal_review", "reablement_episode"):
        with op.batch_alter_table(name, schema=None) as batch_op:
            if name == "goal_review":
                batch_op.drop_index(batch_op.f("ix_goal_review_goal_id"))
            batch_op.drop_index(batch_op.f(f"ix_{name}_person_id"))
        op.drop_table(name)
