"""unpushed index: the journal's index of changes not yet pushed holds only those.

It indexed `pushed_at` for every row, so every change pulled from the server (all
pushed already, most of a laptop's journal) was written into it too, and every change
pushed moved from one end of it to the other. The outbox only ever asks for changes
not yet pushed, in order (`pushed_at IS NULL ... ORDER BY seq`): a partial index on
`seq` of those rows answers that, holds a handful of rows on a laptop that syncs, and
costs a pull nothing.

Nothing in any row changes.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_change_journal_unpushed", table_name="change_journal")
    op.create_index(
        "ix_change_journal_unpushed",
        "change_journal",
        ["seq"],
        sqlite_where=sa.text("pushed_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_change_journal_unpushed", table_name="change_journal")
    op.create_index("ix_change_journal_unpushed", "change_journal", ["pushed_at"])
