"""team meeting: the multi-disciplinary team meeting (the team's own record: when
and where), each person on its list (a part of their record: why, what was decided,
who was in the room), and actions agreed at it that serve no goal
(plan_action.goal_id may now be empty when the action names its meeting item).

Existing actions all have a goal and no meeting item: nothing about them changes.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels = None
depends_on = None


def _recorded() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "mdt_meeting",
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("meets_at", sa.DateTime(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("replaces_id", sa.String(length=36), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        *_recorded(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mdt_meeting")),
    )
    op.create_index(op.f("ix_mdt_meeting_team_id"), "mdt_meeting", ["team_id"])
    op.create_table(
        "mdt_item",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("meeting_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("attendees", sa.Text(), nullable=True),
        sa.Column("taken_off_on", sa.Date(), nullable=True),
        sa.Column("note_id", sa.String(length=36), nullable=True),
        *_recorded(),
        sa.CheckConstraint(
            "(decision IS NULL) = (decided_on IS NULL)",
            name=op.f("ck_mdt_item_decided_with_a_date"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_mdt_item_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mdt_item")),
    )
    op.create_index(op.f("ix_mdt_item_person_id"), "mdt_item", ["person_id"])
    op.create_index("ix_mdt_item_meeting", "mdt_item", ["meeting_id"])
    # SQLite cannot drop a NOT NULL in place: the batch rebuilds plan_action (no
    # trigger names it; its indexes and constraints are made again as declared).
    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mdt_item_id", sa.String(length=36), nullable=True))
        batch_op.alter_column("goal_id", existing_type=sa.String(length=36), nullable=True)
        batch_op.create_check_constraint(
            "towards_a_goal_or_agreed", "goal_id IS NOT NULL OR mdt_item_id IS NOT NULL"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_plan_action_mdt_item_id_mdt_item"), "mdt_item", ["mdt_item_id"], ["id"]
        )


def downgrade() -> None:
    # Actions agreed at a meeting with no goal cannot live in the older table: they go.
    op.execute("DELETE FROM plan_action WHERE goal_id IS NULL")
    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_plan_action_mdt_item_id_mdt_item"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("ck_plan_action_towards_a_goal_or_agreed"), type_="check"
        )
        batch_op.alter_column("goal_id", existing_type=sa.String(length=36), nullable=False)
        batch_op.drop_column("mdt_item_id")
    op.drop_index("ix_mdt_item_meeting", table_name="mdt_item")
    op.drop_index(op.f("ix_mdt_item_person_id"), table_name="mdt_item")
    op.drop_table("mdt_item")
    op.drop_index(op.f("ix_mdt_meeting_team_id"), table_name="mdt_meeting")
    op.drop_table("mdt_meeting")
