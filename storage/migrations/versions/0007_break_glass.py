"""break-glass grants: access outside a legitimate relationship, with a reason and an expiry

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 11:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "break_glass",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("staff_member_id", sa.String(length=36), nullable=True),
        sa.Column("staff_role", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.CheckConstraint("length(reason) > 0", name=op.f("ck_break_glass_reason_present")),
        sa.CheckConstraint(
            "expires_at > started_at", name=op.f("ck_break_glass_expires_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_break_glass_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_break_glass")),
    )
    with op.batch_alter_table("break_glass", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_break_glass_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            "ix_break_glass_who", ["staff_member_id", "person_id", "expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("break_glass", schema=None) as batch_op:
        batch_op.drop_index("ix_break_glass_who")
        batch_op.drop_index(batch_op.f("ix_break_glass_person_id"))
    op.drop_table("break_glass")
