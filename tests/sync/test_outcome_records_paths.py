"""Every path that writes the journal keeps the outcome report's tables right, in its
own transaction (SQLite and PostgreSQL): a laptop's push, a partner server's page,
the first opening of a server whose journal was written before the tables, and the
rebuild command. Kept tables always equal those rebuilt from the whole journal, and
the facts read from them those read by folding the journal. A change whose record
then cannot be read never stops the push that brings it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from app.services.outcomes import hospital_events
from sync.server import cli, directory
from sync.server import schema as s
from sync.server.outcome_facts import Scope, server_facts
from sync.server.outcome_records import MARKER
from sync.server.store import ServerStore
from tests.sync.conftest import TEAM, Laptop, RunningServer, reopen
from tests.sync.helpers import sync
from tests.sync.outcome_caseload import plant
from tests.sync.partner_setup import Partnership, make_partnership, register_with_consent
from tests.sync.raw_push import crafted, refusals, signed_push


def _tables(store: ServerStore) -> tuple[list[Any], list[Any]]:
    with store.engine.connect() as conn:
        records = sorted(tuple(r) for r in conn.execute(sa.select(s.outcome_records)))
        contacts = sorted(tuple(r) for r in conn.execute(sa.select(s.outcome_contacts)))
    return records, contacts


def _kept_right(store: ServerStore) -> tuple[list[Any], list[Any]]:
    """The kept tables equal those rebuilt from the journal, and give the facts the
    journal's fold gives; the tables as they were."""
    kept = _tables(store)
    assert server_facts(store, Scope()) == server_facts(store, Scope(), from_journal=True)
    store.rebuild_outcome_records()
    assert _tables(store) == kept
    return kept


def test_a_laptops_push_keeps_the_tables(server: RunningServer, laptop: Laptop) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    plant(nurse, directory.team_id_by_name(server.store, TEAM))
    records, contacts = _kept_right(server.store)
    assert {r[0] for r in records} >= {"person", "referral", "hospital_event", "goal"}
    assert contacts
    nurse.close()


def test_edits_whose_bases_circle_never_stop_a_push(server: RunningServer, laptop: Laptop) -> None:
    """Two edits whose bases name each other (and the create): once they left no version
    of the field standing and the record was counted unreadable; now every version in
    the circle stands, an open conflict (storage.merge.heads), so the record is read as
    any replica folds it. The server takes both (the bases are the laptop's to choose),
    its kept tables give what the fold gives, and the laptop syncs on."""
    nurse = reopen(laptop("Sam Taylor"))
    plant(nurse, directory.team_id_by_name(server.store, TEAM))
    with server.store.engine.connect() as conn:
        event = conn.execute(
            sa.select(s.changes.c.entity_id, s.changes.c.change_id).where(
                s.changes.c.entity == "hospital_event", s.changes.c.op == "create"
            )
        ).first()
    assert event is not None
    first_id, second_id = str(uuid.uuid4()), str(uuid.uuid4())
    first = crafted(
        nurse, "hospital_event", "set", event.entity_id, "ae_attendance", field="kind"
    ) | {"change_id": first_id, "bases": [event.change_id, second_id]}
    second = crafted(
        nurse, "hospital_event", "set", event.entity_id, "ae_attendance", field="kind"
    ) | {"change_id": second_id, "bases": [first_id]}
    response = signed_push(server.url, nurse, [first, second])
    assert refusals(response) == {}
    assert response.json()["accepted"] == 2
    found = server_facts(server.store, Scope())
    assert found.unreadable == {}
    _kept_right(server.store)
    report = sync(reopen(nurse))
    assert not report.refused
    nurse.close()


def test_a_server_opened_without_the_tables_builds_them_and_the_command_rebuilds(
    server: RunningServer, laptop: Laptop, capsys: pytest.CaptureFixture[str]
) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    plant(nurse, directory.team_id_by_name(server.store, TEAM))
    nurse.close()
    kept = _tables(server.store)
    # As a journal written before this version: no tables, no marker.
    with server.store.engine.begin() as conn:
        for table in (s.outcome_records, s.outcome_contacts):
            table.drop(conn)
        conn.execute(sa.delete(s.server_meta).where(s.server_meta.c.key == MARKER))
    url = server.store.engine.url.render_as_string(hide_password=False)
    opened = ServerStore(url)
    try:
        assert _tables(opened) == kept
    finally:
        opened.close()
    # The command, after changes were loaded past the server (no kept rows).
    with server.store.engine.begin() as conn:
        conn.execute(sa.delete(s.outcome_records))
    assert cli.main(["report", "rebuild", "--db", url]) == 0
    assert "Rebuilt the outcome report's tables" in capsys.readouterr().out
    assert _tables(server.store) == kept


# --- a partner server's page ------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Partnership]:
    yield from make_partnership(request, tmp_path)


def test_a_partner_servers_page_keeps_the_tables(pair: Partnership) -> None:
    trust = pair.trust
    person_id = register_with_consent(trust.laptop)
    hospital_events.record_hospital_event(
        trust.laptop,
        person_id=person_id,
        kind="unplanned_admission",
        occurred_on="2026-02-03",
    )
    pair.replicate()
    council = pair.council.server.store
    records, _contacts = _kept_right(council)
    shared = {(r[0], r[2]) for r in records}
    assert ("person", person_id) in shared
    assert ("hospital_event", person_id) in shared
    _kept_right(trust.server.store)
