"""the joint initial assessment, and ending plan entries

An assessment may be one part of the joint initial assessment (the person's own
account, health, daily living, home and equipment, carers, risks, mental
capacity), written and signed by one professional; daily living names the Care Act
outcomes the person needs help with; and whether the person agreed the findings
can be shown in their printed plan.

A strength, a need or a contingency plan can be ended (`ended_on`): no longer true,
met, or no longer needed. It is kept with its history; the plan as it stands, on
screen and printed, leaves it out.

Existing assessments are standalone (no part), and not shown in the printed plan
(NULL: nobody has been asked yet).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("part", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("needs_help_with", sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column("shown_in_plan", sa.Boolean(), nullable=True))
    for table in ("strength", "need", "contingency_plan"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("ended_on", sa.Date(), nullable=True))


def downgrade() -> None:
    for table in ("contingency_plan", "need", "strength"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("ended_on")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_column("shown_in_plan")
        batch_op.drop_column("needs_help_with")
        batch_op.drop_column("part")
