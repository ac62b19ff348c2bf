"""The caseload summary triggers (first created in 0003). Kept here, frozen, because
rebuilding a table in SQLite drops its triggers: later migrations that rebuild
planned_visit, risk, alert or person create them again from this one definition."""

from __future__ import annotations

REFRESH = {
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
SOURCES = {"planned_visit": "next_visit_due", "risk": "highest_risk", "alert": "alert_kinds"}


def _refresh(column: str, pid: str) -> str:
    return (
        f"INSERT INTO caseload_summary (person_id) VALUES ({pid}) ON CONFLICT DO NOTHING;\n"
        f"UPDATE caseload_summary SET {column} = {REFRESH[column].format(pid=pid)}"
        f" WHERE person_id = {pid};"
    )


def drop_statements() -> list[str]:
    drops = [f"DROP TRIGGER IF EXISTS {t}_summary_{s}" for t in SOURCES for s in ("ai", "au", "ad")]
    return [*drops, "DROP TRIGGER IF EXISTS person_summary_ai"]


def create_statements() -> list[str]:
    statements = [
        "CREATE TRIGGER person_summary_ai AFTER INSERT ON person BEGIN "
        "INSERT INTO caseload_summary (person_id) VALUES (NEW.id) ON CONFLICT DO NOTHING; END"
    ]
    for table, column in SOURCES.items():
        statements += [
            f"CREATE TRIGGER {table}_summary_ai AFTER INSERT ON {table} BEGIN\n"
            f"{_refresh(column, 'NEW.person_id')}\nEND",
            f"CREATE TRIGGER {table}_summary_au AFTER UPDATE ON {table} BEGIN\n"
            f"{_refresh(column, 'OLD.person_id')}\n{_refresh(column, 'NEW.person_id')}\nEND",
            f"CREATE TRIGGER {table}_summary_ad AFTER DELETE ON {table} BEGIN\n"
            f"{_refresh(column, 'OLD.person_id')}\nEND",
        ]
    return statements


def backfill_statements() -> list[str]:
    return [
        "INSERT INTO caseload_summary (person_id) SELECT id FROM person WHERE true"
        " ON CONFLICT DO NOTHING",
        *(
            f"UPDATE caseload_summary SET {column} = "
            + REFRESH[column].format(pid="caseload_summary.person_id")
            for column in SOURCES.values()
        ),
    ]
