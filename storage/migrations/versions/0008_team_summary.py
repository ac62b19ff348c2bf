"""team view figures in the caseload summary; audit events outlive the person

The coordinator's team view sorts and filters 5,000 people by last contact,
consent review, risk review and open conflicts. As correlated subqueries those
cost 100-700 ms; they now live in `caseload_summary` beside next visit and
highest risk, kept by triggers (summary_triggers_0008) on contact_note,
consent_to_share, risk and sync_conflict, indexed, and backfilled here.
Inserting a person no longer makes an empty summary row (bulk imports paid for it).

Charts count contacts per week by organisation: `contact_note (occurred_at,
organisation_id)` answers that from the index. Overdue consent and risk reviews
are ranges on `consent_to_share (review_on)` and `risk (status, review_on)`.

`audit_event.person_id` loses its foreign key (as 0006 did for directory
references): a laptop may keep its audit events about a person it no longer holds.
The table is rebuilt with its rows, ids, hashes and indexes as they were.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 12:45:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from storage.migrations import summary_triggers, summary_triggers_0008

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels = None
depends_on = None

NEW_COLUMNS: dict[str, Any] = {
    "last_contact_at": sa.DateTime(),
    "consent_review_due": sa.Date(),
    "risk_review_due": sa.Date(),
    "open_conflicts": sa.Integer(),
}


def upgrade() -> None:
    for statement in summary_triggers.drop_statements():
        op.execute(statement)
    with op.batch_alter_table("caseload_summary", schema=None) as batch_op:
        for name, type_ in NEW_COLUMNS.items():
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table("caseload_summary", schema=None) as batch_op:
        for name in NEW_COLUMNS:
            batch_op.create_index(batch_op.f(f"ix_caseload_summary_{name}"), [name], unique=False)
    with op.batch_alter_table("contact_note", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contact_note_week", ["occurred_at", "organisation_id"], unique=False
        )
    with op.batch_alter_table("consent_to_share", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_to_share_review_on"), ["review_on"], unique=False
        )
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.create_index("ix_risk_review", ["status", "review_on"], unique=False)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_audit_event_person_id_person"), type_="foreignkey")
    for statement in [
        *summary_triggers_0008.create_statements(),
        *summary_triggers_0008.backfill_statements(),
    ]:
        op.execute(statement)


def downgrade() -> None:
    for statement in summary_triggers_0008.drop_statements():
        op.execute(statement)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_event_person_id_person"), "person", ["person_id"], ["id"]
        )
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_review")
    with op.batch_alter_table("consent_to_share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_to_share_review_on"))
    with op.batch_alter_table("contact_note", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_note_week")
    with op.batch_alter_table("caseload_summary", schema=None) as batch_op:
        for name in NEW_COLUMNS:
            batch_op.drop_index(batch_op.f(f"ix_caseload_summary_{name}"))
    with op.batch_alter_table("caseload_summary", schema=None) as batch_op:
        for name in NEW_COLUMNS:
            batch_op.drop_column(name)
    for statement in [
        *summary_triggers.create_statements(),
        *summary_triggers.backfill_statements(),
    ]:
        op.execute(statement)
