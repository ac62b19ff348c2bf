"""note amendments and closing a case: why a note was corrected; why and when a
case was closed

Notes are append-only: a note is corrected by a new note that amends it
(`amends_id`), never by editing it. The reason for the correction is kept with
the correction and shown beside the note it corrects. A case is closed
(discharged, moved away, died, moved into a care home, declined) with its reason
and date, and reopened by clearing them.

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


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("closed_on")
        batch_op.drop_column("closed_reason")
    with op.batch_alter_table("contact_note", schema=None) as batch_op:
        batch_op.drop_column("amendment_reason")
