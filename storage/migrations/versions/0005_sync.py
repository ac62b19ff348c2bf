"""sync: change bases, refused pushes, conflicts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 09:00:03.791350
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_conflict",
        sa.Column("entity", sa.String(length=60), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=True),
        sa.Column("heads", sa.Text(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "entity_id", "field", name=op.f("pk_sync_conflict")),
    )
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_conflict_person_id"), ["person_id"], unique=False)

    with op.batch_alter_table("change_journal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bases", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("push_error", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("change_journal", schema=None) as batch_op:
        batch_op.drop_column("push_error")
        batch_op.drop_column("bases")

    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_conflict_person_id"))

    op.drop_table("sync_conflict")
