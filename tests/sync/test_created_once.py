"""No record is created twice, and the database holds that rule (schema.CREATED_ONCE):
a push's creates are not looked up one by one unless an insert breaks the rule, and
a server whose journal broke it before the index existed still refuses, carefully.
On SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.services import clock
from sync.protocol import Change
from sync.server import directory
from sync.server import schema as s
from sync.server.push_insert import insert_changes
from sync.server.row_references import ALREADY
from sync.server.store import ServerStore
from tests.databases import require_postgres_url
from tests.pg_schemas import fresh_schema_url
from tests.sync.test_server_fast_paths import TEAM, Device, note, person


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.db'}"
    return fresh_schema_url(require_postgres_url())


@pytest.fixture
def store(url: str) -> Iterator[ServerStore]:
    server = ServerStore(url)
    directory.organisation(server, "Dales Community Health")
    directory.add_team(server, TEAM)
    yield server
    server.close()


def indexes(store: ServerStore) -> set[str]:
    with store.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'changes'"
        else:
            query = (
                "SELECT indexname FROM pg_indexes "
                "WHERE tablename = 'changes' AND schemaname = current_schema()"
            )
        return set(conn.exec_driver_sql(query).scalars())


def appended(writer: Device, person_id: str, row: dict[str, Any]) -> dict[str, Any]:
    """A fresh change (its own change id) appending this row."""
    return writer.change("contact_note", "append", row["id"], row)


def test_a_second_create_of_a_held_record_is_refused_and_the_rest_of_the_push_kept(
    store: ServerStore,
) -> None:
    writer = Device(store, "Sam Taylor", "community_nurse")
    person_id, create = person(writer, store)
    first = note(writer, person_id, "first visit")
    assert writer.push(store, [create, appended(writer, person_id, first)]).accepted == 2
    # The same note appended again under a new change id (not a duplicate of a push:
    # a second record with one id), beside a new one.
    again = appended(writer, person_id, first | {"narrative": "rewritten"})
    later = appended(writer, person_id, note(writer, person_id, "second visit"))
    answer = writer.push(store, [again, later])
    assert answer.accepted == 1
    assert {r.change_id: r.reason for r in answer.refused} == {again["change_id"]: ALREADY}
    with store.engine.connect() as conn:
        held = conn.execute(
            select(s.changes.c.change_id).where(s.changes.c.entity_id == first["id"])
        ).scalars()
        assert len(list(held)) == 1
    assert later["change_id"] not in {r.change_id for r in answer.refused}


def test_the_database_itself_refuses_a_second_create_but_not_a_second_edit(
    store: ServerStore,
) -> None:
    """The rule held below the checks: the index fails an insert that breaks it."""
    assert s.CREATED_ONCE in indexes(store)
    writer = Device(store, "Sam Taylor", "community_nurse")
    person_id, create = person(writer, store)
    edits = [
        writer.change("person", "set", person_id, f'"Zo{n}"', field="given_name") for n in "ëe"
    ]
    with store.engine.begin() as conn:
        insert_changes(
            conn, [(Change.model_validate(c), person_id) for c in [create, *edits]], clock.now()
        )
    second = writer.change("person", "create", person_id, {"id": person_id})
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        insert_changes(conn, [(Change.model_validate(second), person_id)], clock.now())
    # Another kind of record may carry the same id (the rule is per kind).
    other = writer.change("contact_note", "append", person_id, {"id": person_id})
    with store.engine.begin() as conn:
        insert_changes(conn, [(Change.model_validate(other), person_id)], clock.now())


def test_the_index_takes_the_place_of_the_one_it_replaces_on_an_existing_server(
    url: str,
) -> None:
    server = ServerStore(url)
    # As an earlier version left it: the plain kind-and-id index, the id index
    # PostgreSQL had, and no CREATED_ONCE.
    with server.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP INDEX {s.CREATED_ONCE}")
        conn.exec_driver_sql(f"CREATE INDEX {s.REPLACED_INDEX} ON changes (entity, entity_id)")
        conn.exec_driver_sql("CREATE INDEX ix_changes_entity_id ON changes (entity_id)")
    server.close()
    again = ServerStore(url)
    try:
        assert again.created_once
        found = indexes(again)
        assert s.CREATED_ONCE in found
        assert s.REPLACED_INDEX not in found
        assert "ix_changes_entity_id" not in found
    finally:
        again.close()


def test_a_journal_holding_a_record_created_twice_is_checked_carefully(
    url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A server whose laptops pushed a second create before it was refused: the index
    cannot be made, so every push looks its creates up, and still refuses them."""
    server = ServerStore(url)
    directory.organisation(server, "Dales Community Health")
    directory.add_team(server, TEAM)
    writer = Device(server, "Sam Taylor", "community_nurse")
    person_id, create = person(writer, server)
    first = note(writer, person_id, "first visit")
    assert writer.push(server, [create, appended(writer, person_id, first)]).accepted == 2
    with server.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP INDEX {s.CREATED_ONCE}")
        conn.exec_driver_sql(f"CREATE INDEX {s.REPLACED_INDEX} ON changes (entity, entity_id)")
        twice = Change.model_validate(appended(writer, person_id, first))
        insert_changes(conn, [(twice, person_id)], clock.now())
    server.close()
    with caplog.at_level(logging.WARNING, logger="sync.server.store"):
        again = ServerStore(url)
    try:
        assert not again.created_once
        assert any("created twice" in r.getMessage() for r in caplog.records)
        # Nothing of the record in the warning: only the index's name.
        assert first["id"] not in caplog.text
        assert s.REPLACED_INDEX in indexes(again)  # kept: lookups by kind and id need it
        third = appended(writer, person_id, first)
        later = appended(writer, person_id, note(writer, person_id, "second visit"))
        answer = writer.push(again, [third, later])
        assert answer.accepted == 1
        assert {r.change_id: r.reason for r in answer.refused} == {third["change_id"]: ALREADY}
    finally:
        again.close()


def test_two_creates_of_one_record_in_one_push_keep_the_first(store: ServerStore) -> None:
    writer = Device(store, "Sam Taylor", "community_nurse")
    person_id, create = person(writer, store)
    row = note(writer, person_id, "a visit")
    one, two = appended(writer, person_id, row), appended(writer, person_id, row)
    answer = writer.push(store, [create, one, two])
    assert answer.accepted == 2
    assert {r.change_id: r.reason for r in answer.refused} == {two["change_id"]: ALREADY}
