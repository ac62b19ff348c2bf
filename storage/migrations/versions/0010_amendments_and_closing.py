"""note amendments, closing a case, referrals: why a note was corrected; why and
when a case was closed; how a person came to the team

Notes are append-only: a note is corrected by a new note that amends it
(`amends_id`), never by editing it. The reason for the correction is kept with
the correction and shown beside the note it corrects. A case is closed
(discharged, moved away, died, moved into a care home, declined) with its reason
and date, and reopened by clearing them. A referral says who referred the person,
why, how urgently, when it arrived and when first contact is due.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 23:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contact_note", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amendment_reason", sa.String(length=500), nullable=True))
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_reason", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("closed_on", sa.Date(), nullable=True))

    op.create_table(
        "referral",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("referrer_name", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("urgency", sa.String(length=20), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("first_contact_due", sa.Date(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_referral_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_person_id"))
    op.drop_table("referral")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("closed_on")
        batch_op.drop_column("closed_reason")
    with op.batch_alter_table("contact_note", schema=None) as batch_op:
        batch_op.drop_column("amendment_reason")
