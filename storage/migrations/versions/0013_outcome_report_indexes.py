"""outcome report indexes: the review date each care plan version was agreed with,
held in an index beside the version's person, number and day, so the outcome report
reads a small index instead of every frozen plan (`bench/outcomes.py`).

An index only: no row changes, nothing to sync, and a laptop that has not upgraded
reads the same values from the snapshots.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels = None
depends_on = None

# As storage/tables/care_plan.py's REVIEW_DUE_AS_AGREED when this was written (a
# migration keeps its own copy: the table module may change later).
# Guarded: an expression that raised (json_extract on text that is not JSON) would
# refuse the row, and every version pulled from the server must apply.
_REVIEW_DUE = "CASE WHEN json_valid(snapshot) THEN json_extract(snapshot, '$.review_due') END"


def upgrade() -> None:
    op.create_index(
        "ix_care_plan_version_review_due",
        "care_plan_version",
        ["person_id", "version", "agreed_on", sa.text(_REVIEW_DUE)],
    )


def downgrade() -> None:
    op.drop_index("ix_care_plan_version_review_due", table_name="care_plan_version")
