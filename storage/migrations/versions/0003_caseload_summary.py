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

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None

_REFRESH = {
    "next_visit_due": (
        "(SELECT min(due_at) FROM planned_visit WHERE person_id = {pid} AND status = 'planned')"
    ),
    "highest_risk": (
        "(SELECT max(likelihood * impact) FROM risk WHERE person_id = {pid} AND status = 'active')"
    ),
    "alert_kinds": (
        "(SELECT group_concat(kind, ',') FROM (SELECT DISTINCT kind FROM alert"
        " WHERE person_id = {pid} AND active = 1 ORDER BY kind))"
    ),
}
_SOURCES = {"planned_visit": "next_visit_due", "risk": "highest_risk", "alert": "alert_kinds"}


def _refresh(column: str, pid: str) -> str:
    return (
        f"INSERT INTO caseload_summary (person_id) VALUES ({pid}) ON CONFLICT DO NOTHING;\n"
        f"UPDATE caseload_summary SET {column} = {_REFRESH[column].format(pid=pid)}"
        f" WHERE person_id = {pid};"
    )


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
    op.execute(
        "CREATE TRIGGER person_summary_ai AFTER INSERT ON person BEGIN "
        "INSERT INTO caseload_summary (person_id) VALUES (NEW.id) ON CONFLICT DO NOTHING; END"
    )
    for table, column in _SOURCES.items():
        op.execute(
            f"CREATE TRIGGER {table}_summary_ai AFTER INSERT ON {table} BEGIN\n"
            f"{_refresh(column, 'NEW.person_id')}\nEND"
        )
        op.execute(
            f"CREATE TRIGGER {table}_summary_au AFTER UPDATE ON {table} BEGIN\n"
            f"{_refresh(column, 'OLD.person_id')}\n{_refresh(column, 'NEW.person_id')}\nEND"
        )
        op.execute(
            f"CREATE TRIGGER {table}_summary_ad AFTER DELETE ON {table} BEGIN\n"
            f"{_refresh(column, 'OLD.person_id')}\nEND"
        )
    op.execute("INSERT INTO caseload_summary (person_id) SELECT id FROM person")
    for column in _SOURCES.values():
        op.execute(
            f"UPDATE caseload_summary SET {column} = "
            + _REFRESH[column].format(pid="caseload_summary.person_id")
        )


def downgrade() -> None:
    for table in _SOURCES:
        for suffix in ("ai", "au", "ad"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_summary_{suffix}")
    op.execute("DROP TRIGGER IF EXISTS person_summary_ai")
    op.drop_table("caseload_summary")
