"""The caseload summary triggers as migration 0008 left them, frozen here because
rebuilding a table in SQLite drops its triggers: a later migration that rebuilds
planned_visit, risk, alert, contact_note, consent_to_share or sync_conflict
creates them again from this one definition (0003 and 0006 keep theirs in
summary_triggers.py).

A summary row is made by the first visit, risk, alert, note, consent or conflict
about a person, not by inserting the person: a person with none of those has no
row, which every reader's outer join already reads as "nothing due". That keeps
a 5,000-person import from paying a second insert (and six index entries) per
person.
"""

from __future__ import annotations

# Every lookup is by person. The unary + keeps SQLite from answering a min() or max()
# by walking an index on the date (or on status) across everyone's rows until it
# meets this person's: without it, the backfill on 5,000 people and 100,000 notes
# ran for over ten minutes.
COLUMNS = {
    "next_visit_due": (
        "planned_visit",
        "(SELECT min(+due_at) FROM planned_visit WHERE person_id = {pid} AND +status = 'planned')",
    ),
    "highest_risk": (
        "risk",
        "(SELECT max(likelihood * impact) FROM risk"
        " WHERE person_id = {pid} AND +status = 'active')",
    ),
    "risk_review_due": (
        "risk",
        "(SELECT min(+review_on) FROM risk WHERE person_id = {pid} AND +status = 'active')",
    ),
    "alert_kinds": (
        "alert",
        "(SELECT group_concat(kind, ',') FROM (SELECT DISTINCT kind FROM alert"
        " WHERE person_id = {pid} AND active = 1 ORDER BY kind))",
    ),
    "last_contact_at": (
        "contact_note",
        "(SELECT max(+occurred_at) FROM contact_note WHERE person_id = {pid})",
    ),
    "consent_review_due": (
        "consent_to_share",
        "(SELECT min(+review_on) FROM consent_to_share WHERE person_id = {pid}"
        " AND decision = 'given' AND withdrawn_on IS NULL)",
    ),
    "open_conflicts": (
        "sync_conflict",
        "(SELECT count(*) FROM sync_conflict WHERE person_id = {pid})",
    ),
}
SOURCES: dict[str, list[str]] = {}
for _column, (_table, _) in COLUMNS.items():
    SOURCES.setdefault(_table, []).append(_column)

# The indexed columns (alert_kinds is read, never sorted on).
INDEXED = [c for c in COLUMNS if c != "alert_kinds"]


# One person's newest note is a single seek on contact_note (person_id, occurred_at):
# the unary + (right for the backfill over everyone) would make every inserted note
# scan all of that person's notes, so a pull of many notes grew with the square.
TRIGGER_COLUMNS = {
    **COLUMNS,
    "last_contact_at": (
        "contact_note",
        "(SELECT max(occurred_at) FROM contact_note WHERE person_id = {pid})",
    ),
}


def _refresh(table: str, pid: str) -> str:
    sets = ", ".join(f"{c} = {TRIGGER_COLUMNS[c][1].format(pid=pid)}" for c in SOURCES[table])
    # sync_conflict.person_id may be empty (a conflict on a directory record) or name
    # someone not on this laptop. Records about a person name them by foreign key, but
    # sync applies with the keys deferred, so a note may land before its person.
    known = (
        f"{pid} IN (SELECT id FROM person)" if table == "sync_conflict" else f"{pid} IS NOT NULL"
    )
    return (
        f"INSERT INTO caseload_summary (person_id) SELECT {pid}"
        f" WHERE {known} ON CONFLICT DO NOTHING;\n"
        f"UPDATE caseload_summary SET {sets} WHERE person_id = {pid};"
    )


def drop_statements() -> list[str]:
    drops = [f"DROP TRIGGER IF EXISTS {t}_summary_{s}" for t in SOURCES for s in ("ai", "au", "ad")]
    return [*drops, "DROP TRIGGER IF EXISTS person_summary_ai"]


def create_statements() -> list[str]:
    statements = []
    for table in SOURCES:
        statements += [
            f"CREATE TRIGGER {table}_summary_ai AFTER INSERT ON {table} BEGIN\n"
            f"{_refresh(table, 'NEW.person_id')}\nEND",
            f"CREATE TRIGGER {table}_summary_au AFTER UPDATE ON {table} BEGIN\n"
            f"{_refresh(table, 'OLD.person_id')}\n{_refresh(table, 'NEW.person_id')}\nEND",
            f"CREATE TRIGGER {table}_summary_ad AFTER DELETE ON {table} BEGIN\n"
            f"{_refresh(table, 'OLD.person_id')}\nEND",
        ]
    return statements


def backfill_statements() -> list[str]:
    """One row per person who has anything summarised, then each column in one UPDATE."""
    having = " UNION ".join(f"SELECT person_id FROM {t}" for t in SOURCES)
    return [
        "INSERT INTO caseload_summary (person_id) SELECT id FROM person"
        f" WHERE id IN ({having}) ON CONFLICT DO NOTHING",
        *(
            f"UPDATE caseload_summary SET {column} = "
            + expression.format(pid="caseload_summary.person_id")
            for column, (_table, expression) in COLUMNS.items()
        ),
    ]
