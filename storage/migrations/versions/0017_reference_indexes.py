"""reference indexes: an index on each of the four columns that refer to another
record and had none (a note's amended note, a visit's note, a goal's need, an
action's meeting item). Pulls write with foreign keys deferred; while a reference
in the page is still dangling, SQLite looks for the children of every parent row
it writes, and removing a record does the same: without an index, a whole-table
read each time. Partial (the column set): most rows leave these empty.

Nothing in any row changes.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels = None
depends_on = None

# (index, table, column)
_INDEXES = (
    ("ix_contact_note_amends", "contact_note", "amends_id"),
    ("ix_planned_visit_done_note", "planned_visit", "done_note_id"),
    ("ix_goal_need", "goal", "need_id"),
    ("ix_plan_action_mdt_item", "plan_action", "mdt_item_id"),
)


def upgrade() -> None:
    for name, table, column in _INDEXES:
        op.create_index(name, table, [column], sqlite_where=sa.text(f"{column} IS NOT NULL"))


def downgrade() -> None:
    for name, table, _column in _INDEXES:
        op.drop_index(name, table_name=table)
