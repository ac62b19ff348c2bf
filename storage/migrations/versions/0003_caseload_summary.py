"""caseload summary kept by triggers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 09:10:00

Sorting 5,000 people by next visit or highest risk with a correlated subquery
per row cost over 100 ms. These figures now live in one row per person,
maintained by triggers on every write path (ORM, bulk inserts, sync), indexed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.migrations.summary_triggers import (
    backfill_statements,
    create_statements,
    drop_statements,
)

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "caseload_summary",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("next_visit_due", sa.DateTime(), nullable=True),
        sa.Column("highest_risk", sa.Integer(), nullable=True),
        sa.Column("alert_kinds", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_caseload_summary_person_id_person")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_caseload_summary")),
    )
    with op.batch_alter_table("caseload_summary", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_caseload_summary_next_visit_due"), ["next_visit_due"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_caseload_summary_highest_risk"), ["highest_risk"], unique=False
        )
    for statement in [*create_statements(), *backfill_statements()]:
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_statements():
        op.execute(statement)
    op.drop_table("caseload_summary")
