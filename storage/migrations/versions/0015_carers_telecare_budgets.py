"""carers, telecare and budgets: the carer-strain check (the Modified Caregiver Strain
Index, signed by whoever asked), the carer's contingency plan, telecare equipment in
the home (tested when, who responds, still on an analogue line), and the person's
personal budget.

Existing carers have no contingency plan (NULL: not made yet); nobody has checks,
equipment or a budget recorded: nothing about them changes.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 14:00:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
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
        "carer_strain_check",
        sa.Column("carer_id", sa.String(length=36), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("asked_by_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["carer_id"],
            ["personal_contact.id"],
            name=op.f("fk_carer_strain_check_carer_id_personal_contact"),
        ),
    )
    op.create_index("ix_carer_strain_check_carer", "carer_strain_check", ["carer_id", "checked_on"])
    _person_table(
        "telecare_item",
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("installed_on", sa.Date(), nullable=True),
        sa.Column("last_tested_on", sa.Date(), nullable=True),
        sa.Column("test_every_days", sa.Integer(), nullable=False),
        sa.Column("responder", sa.String(length=30), nullable=False),
        sa.Column("responder_detail", sa.String(length=200), nullable=True),
        sa.Column("analogue_line", sa.Boolean(), nullable=True),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "last_tested_on IS NULL OR installed_on IS NULL OR last_tested_on >= installed_on",
            name=op.f("ck_telecare_item_tested_after_installed"),
        ),
        sa.CheckConstraint(
            "removed_on IS NULL OR installed_on IS NULL OR removed_on >= installed_on",
            name=op.f("ck_telecare_item_removed_after_installed"),
        ),
        sa.CheckConstraint(
            "test_every_days BETWEEN 1 AND 730",
            name=op.f("ck_telecare_item_test_interval_range"),
        ),
    )
    _person_table(
        "personal_budget",
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("managed_as", sa.String(length=30), nullable=False),
        sa.Column("pays_for", sa.Text(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "amount_pence >= 0", name=op.f("ck_personal_budget_amount_not_negative")
        ),
        sa.CheckConstraint(
            "ended_on IS NULL OR ended_on >= started_on",
            name=op.f("ck_personal_budget_ends_after_start"),
        ),
    )
    # Nullable: a carer's row written before this column existed travels without it.
    # A plain ALTER TABLE ADD COLUMN, never a rebuild of the table.
    op.add_column("personal_contact", sa.Column("contingency_plan", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("personal_contact", "contingency_plan")
    op.drop_index("ix_carer_strain_check_carer", table_name="carer_strain_check")
    for name in ("personal_budget", "telecare_item", "carer_strain_check"):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{name}_person_id"))
        op.drop_table(name)
