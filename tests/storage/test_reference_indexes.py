"""Every column that refers to another record has an index, on a new profile and on
one upgraded from 0016; and a pull writes a page's records parents first.

Why it matters: pulls write with foreign keys deferred, and while any reference in
the page still points at nothing SQLite looks for the children of every parent row
it writes (and of every record removed), reading the whole child table each time
when the column has no index. A team's first download slowed as the laptop filled."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import Engine, text

from app.workspace import Workspace, unlock
from scripts.make_fixture_profile import PASSPHRASE as FIXTURE_PASSPHRASE
from storage.replay import parents_first
from storage.tables import Base

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "profiles" / "schema-0016"


def _references() -> list[tuple[str, str]]:
    return sorted(
        (table.name, fk.parent.name)
        for table in Base.metadata.tables.values()
        for fk in table.foreign_keys
    )


def _plan(engine: Engine, table: str, column: str) -> str:
    """SQLite's own plan for the lookup it makes to find a record's children."""
    with engine.connect() as conn:
        plan = conn.exec_driver_sql(
            f'EXPLAIN QUERY PLAN SELECT 1 FROM "{table}" WHERE "{column}" = ?',
            ("some-id",),
        ).all()
    return " ".join(str(row[-1]) for row in plan)


def _by_an_index(plan: str) -> bool:
    # "SEARCH t USING [COVERING] INDEX ix (c=?)", not "SCAN t" (the whole table).
    return plan.startswith("SEARCH") and " INDEX " in plan


def test_every_reference_is_looked_up_by_an_index(workspace: Workspace) -> None:
    references = _references()
    assert ("contact_note", "amends_id") in references  # the list is the real one
    for table, column in references:
        plan = _plan(workspace.store.engine, table, column)
        assert _by_an_index(plan), (table, column, plan)


def test_a_0016_profile_gains_the_indexes(tmp_path: Path) -> None:
    path = tmp_path / "old"
    shutil.copytree(FIXTURE, path, ignore=shutil.ignore_patterns("manifest.json"))
    ws = unlock(path, FIXTURE_PASSPHRASE)
    try:
        for table, column in (
            ("contact_note", "amends_id"),
            ("planned_visit", "done_note_id"),
            ("goal", "need_id"),
            ("plan_action", "mdt_item_id"),
        ):
            plan = _plan(ws.store.engine, table, column)
            assert _by_an_index(plan), (table, column, plan)
        with ws.store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    finally:
        ws.close()


def test_a_page_is_written_parents_first() -> None:
    # As a page can arrive: a visit naming its note, a goal its need, notes before
    # their person.
    touched = {
        "planned_visit": ["v1"],
        "contact_note": ["n1", "n2"],
        "goal": ["g1"],
        "need": ["d1"],
        "person": ["p1"],
    }
    order = [kind for kind, _ids in parents_first(touched)]
    assert order.index("person") < order.index("contact_note") < order.index("planned_visit")
    assert order.index("need") < order.index("goal")
    # Each kind's records stay in the order they came.
    assert dict(parents_first(touched))["contact_note"] == ["n1", "n2"]
