"""kept aside: pulled changes this laptop could not apply, with their reason

A change from the server that cannot be applied (a required value missing, a
value of the wrong type, a clock stamp far ahead, a reference to a record that
is not here) used to fail the page it came in, and so every sync after it. It is
now kept here, whole, with a plain reason: the rest of the page applies, the
user is told, and the change is tried again at each sync. Device-local.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kept_aside",
        sa.Column("change_id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=60), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("op", sa.String(length=10), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=True),
        sa.Column("person_id", sa.String(length=36), nullable=True),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("kept_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_kept_aside")),
    )
    with op.batch_alter_table("kept_aside", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kept_aside_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kept_aside", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kept_aside_person_id"))
    op.drop_table("kept_aside")
