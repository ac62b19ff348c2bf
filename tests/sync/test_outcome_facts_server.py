"""The server's outcome facts (sync/server/outcome_facts.py) from what laptops pushed:
equal to the facts known by construction, on SQLite and on PostgreSQL, for the
organisation, a team and a locality; the same journal gives the same facts on both
databases; a value that cannot be read is left out and counted, never logged."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from sync.server import directory
from sync.server import schema as s
from sync.server.outcome_facts import Scope, UnknownScopeError, server_facts
from sync.server.store import ServerStore
from tests.databases import require_postgres_url
from tests.pg_schemas import fresh_schema_url
from tests.sync.conftest import TEAM, Laptop, RunningServer, reopen
from tests.sync.outcome_caseload import LOCALITY_CRAVEN, LOCALITY_DALES, plant, same


def test_the_server_reads_the_facts_the_laptop_wrote(server: RunningServer, laptop: Laptop) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    team_id = directory.team_id_by_name(server.store, TEAM)
    planted = plant(nurse, team_id)
    found = server_facts(server.store, Scope())
    assert found.unreadable == {}
    assert same(found.facts) == same(planted.expected)
    nurse.close()


def test_a_team_and_a_locality_are_their_people_only(server: RunningServer, laptop: Laptop) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    team_id = directory.team_id_by_name(server.store, TEAM)
    planted = plant(nurse, team_id)
    team = server_facts(server.store, Scope(team_id=team_id)).facts
    assert same(team) == same(planted.expected)
    dales = server_facts(server.store, Scope(locality_id=LOCALITY_DALES)).facts
    assert {p.person_id for p in dales.people} == {planted.zoe, planted.ceri}
    assert {r.person_id for r in dales.referrals} == {planted.zoe}
    craven = server_facts(server.store, Scope(locality_id=LOCALITY_CRAVEN)).facts
    assert {p.person_id for p in craven.people} == {planted.alun}
    assert {h.person_id for h in craven.hospital} == {planted.alun}
    assert not craven.plan_reviews and not craven.goal_reviews and not craven.experience
    other = directory.add_team(server.store, "Wensleydale")
    assert server_facts(server.store, Scope(team_id=other)).facts.people == ()
    with pytest.raises(UnknownScopeError):
        server_facts(server.store, Scope(team_id=str(uuid.uuid4())))
    nurse.close()


# --- the same journal on both databases ------------------------------------------


def _copy(source: ServerStore, target: ServerStore) -> None:
    """Every row the facts depend on, from one server's database into another's."""
    with source.engine.connect() as conn:
        tables = {
            table: [dict(r._mapping) for r in conn.execute(sa.select(table))]
            for table in (s.changes, s.person_team, s.teams)
        }
    with target.engine.begin() as conn:
        conn.execute(sa.delete(s.teams))
        for table, rows in tables.items():
            if rows:
                conn.execute(sa.insert(table), rows)
    target.rebuild_outcome_records()  # the journal restored on its own


@pytest.mark.database("postgresql")
def test_the_same_journal_gives_the_same_facts_on_sqlite_and_postgresql(
    tmp_path: Path, sqlite_journal: ServerStore
) -> None:
    postgres = ServerStore(fresh_schema_url(require_postgres_url()))
    try:
        _copy(sqlite_journal, postgres)
        for scope in (Scope(), Scope(locality_id=_a_locality(sqlite_journal))):
            on_sqlite = server_facts(sqlite_journal, scope)
            on_postgres = server_facts(postgres, scope)
            assert on_sqlite.facts.people, "the journal has people"
            assert on_sqlite == on_postgres  # in the same order too
    finally:
        postgres.close()


def _a_locality(store: ServerStore) -> str:
    facts = server_facts(store, Scope()).facts
    return next(p.locality_id for p in facts.people if p.locality_id)


@pytest.fixture
def sqlite_journal(tmp_path: Path) -> Any:
    """A 300-person synthetic journal (bench/_outcome_journal.py) on SQLite."""
    from app.services import clock
    from bench import _outcome_journal

    store = ServerStore(f"sqlite:///{tmp_path / 'journal.db'}")
    directory.organisation(store, "Dales Community Health")
    teams = [directory.add_team(store, name) for name in ("Craven", "Dales")]
    _outcome_journal.build(store, 300, teams=teams, today=clock.today(), seed=7)
    yield store
    store.close()


# --- what cannot be read ----------------------------------------------------------


def _insert(store: ServerStore, entity: str, op: str, person_id: str, value: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            sa.insert(s.changes),
            [
                {
                    "change_id": str(uuid.uuid4()),
                    "hlc": 1,
                    "device_id": str(uuid.uuid4()),
                    "entity": entity,
                    "entity_id": str(uuid.uuid4()),
                    "op": op,
                    "value": value,
                    "recorded_at": "2026-01-01T00:00:00+00:00",
                    "person_id": person_id,
                    "received_at": datetime.now(UTC),
                }
            ],
        )


def test_a_value_that_cannot_be_read_is_left_out_and_counted(
    server: RunningServer, laptop: Laptop, caplog: pytest.LogCaptureFixture
) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    planted = plant(nurse, directory.team_id_by_name(server.store, TEAM))
    secret = "Section 42 enquiry about her nephew"
    # Rows as an older server might have taken them: a note and a referral that are
    # not JSON (on PostgreSQL the note makes the database refuse the whole pass), a
    # referral whose date is not one, an episode whose start is missing.
    _insert(server.store, "contact_note", "append", planted.zoe, f"{{not json {secret}")
    _insert(server.store, "referral", "create", planted.zoe, f"[{secret}")
    _insert(
        server.store,
        "referral",
        "create",
        planted.alun,
        json.dumps(
            {
                "person_id": planted.alun,
                "received_on": f"soon {secret}",
                "urgency": "routine",
                "source": "gp",
            }
        ),
    )
    _insert(
        server.store, "reablement_episode", "create", planted.zoe, json.dumps({"reason": secret})
    )
    with caplog.at_level(logging.INFO):
        # The journal as it was before the kept tables: they are built from it.
        server.store.rebuild_outcome_records()
        found = server_facts(server.store, Scope())
        slow = server_facts(server.store, Scope(), from_journal=True)
    assert found.unreadable == {"contact_note": 1, "referral": 2, "reablement_episode": 1}
    assert found == slow
    assert same(found.facts) == same(planted.expected)
    assert secret not in caplog.text and planted.zoe not in caplog.text
    assert "could not be read" in caplog.text
    nurse.close()
