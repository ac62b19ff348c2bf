"""team priority weights: the weights a team gives the priority list's factors, kept
as a history (each change a new row, never edited), and whether a person lives alone.

Existing people have lives_alone NULL ("not recorded"): nothing about them changes,
and a team with no weights row uses the default weights.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "priority_weights",
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("weights", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_weights")),
    )
    with op.batch_alter_table("priority_weights", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_priority_weights_team_id"), ["team_id"], unique=False)
    # Nullable: a person row written before this column existed travels without it.
    # A plain ALTER TABLE ADD COLUMN, never a rebuild of the person table (its triggers).
    op.add_column("person", sa.Column("lives_alone", sa.Boolean(), nullable=True))


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35 and later), not a batch rebuild: the person table
    # is named by triggers (the caseload and conflict summaries) that a rebuild breaks.
    op.drop_column("person", "lives_alone")
    with op.batch_alter_table("priority_weights", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_priority_weights_team_id"))
    op.drop_table("priority_weights")
