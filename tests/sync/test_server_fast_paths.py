"""The partner server's fast push and pull paths (sync/server/push_insert.py,
pull_wire.py, the visibility prefilter), on SQLite and PostgreSQL: what is
stored and sent is exactly what the slower, model-by-model code stored and sent."""

from __future__ import annotations

import gc
import json
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import gc_pause
from app.services import clock
from sync.protocol import MAX_PULL_PAGE, Change, PullResponse, PushResponse
from sync.server import checkpoint, directory, handlers
from sync.server import pull as pull_module
from sync.server import schema as s
from sync.server.push_insert import insert_changes
from sync.server.store import ServerStore, _wire
from sync.server.visibility import _maybe_sensitive
from tests.sync.rows import complete_row

TEAM = "Wensleydale Locality"


@pytest.fixture
def store(store: ServerStore) -> ServerStore:
    """tests/sync/conftest.py's store, with a team."""
    directory.add_team(store, TEAM)
    return store


class Device:
    def __init__(self, store: ServerStore, name: str, role: str) -> None:
        user_id = directory.add_user(store, name, role, TEAM)
        team_id = directory.team_id_by_name(store, TEAM)
        self.info = {"device_id": str(uuid.uuid4()), "team_id": team_id, "user_id": user_id}
        # The provenance the server checks against the device's enrolled user.
        self.role = role
        self.organisation_id = directory.organisation(store)
        self.hlc = 1_000_000
        self.cursor = ""

    def recorded(self) -> dict[str, Any]:
        """A row's own provenance columns, as this device's journal stamps them."""
        return {
            "recorded_by": self.info["user_id"],
            "recorded_org": self.organisation_id,
            "recorded_device": self.info["device_id"],
        }

    def change(self, entity: str, op: str, entity_id: str, value: Any, **extra: Any) -> Any:
        self.hlc += 1
        return {
            "change_id": str(uuid.uuid4()),
            "hlc": self.hlc,
            "device_id": self.info["device_id"],
            "author_id": self.info["user_id"],
            "organisation_id": self.organisation_id,
            "entity": entity,
            "entity_id": entity_id,
            "op": op,
            "field": None,
            "value": json.dumps(value),
            "bases": [],
            "recorded_at": clock.now().isoformat(),
        } | extra

    def push(self, store: ServerStore, changes: list[Any]) -> PushResponse:
        body = json.dumps({"changes": changes}).encode()
        return PushResponse.model_validate_json(handlers.push(store, self.info, body))

    def pull_bodies(self, store: ServerStore) -> list[bytes]:
        bodies = []
        while True:
            body = handlers.pull(store, self.info, self.cursor, 5000)
            bodies.append(body)
            page = PullResponse.model_validate_json(body)
            self.cursor = page.cursor
            if not page.more:
                return bodies


def note(device: Device, person_id: str, narrative: str, **extra: Any) -> dict[str, Any]:
    # A whole row, as the device's own user writes it: the server refuses anything less.
    values: dict[str, Any] = {
        "contact_type": "home_visit",
        "sensitive": False,
        "author_id": device.info["user_id"],
        "author_role": device.role,
        "organisation_id": device.organisation_id,
        **device.recorded(),
    } | extra
    return complete_row("contact_note", person_id=person_id, narrative=narrative, **values)


def person(device: Device, store: ServerStore) -> tuple[str, dict[str, Any]]:
    person_id = str(uuid.uuid4())
    team_id = directory.team_id_by_name(store, TEAM)
    create = device.change(
        "person",
        "create",
        person_id,
        complete_row(
            "person", id=person_id, given_name="Zoë", team_id=team_id, **device.recorded()
        ),
    )
    return person_id, create


def test_pushed_changes_are_stored_column_for_column(store: ServerStore) -> None:
    writer = Device(store, "Sam Taylor", "community_nurse")
    person_id, create = person(writer, store)
    edit = writer.change(
        "person", "set", person_id, 'Zoë O\'Neill\n"quoted"', field="given_name"
    ) | {"bases": [create["change_id"]]}
    sent = [create, edit]
    answer = writer.push(store, sent)
    assert (answer.accepted, answer.duplicates, answer.refused) == (2, 0, [])
    with store.engine.connect() as conn:
        rows = conn.execute(select(s.changes).where(s.changes.c.person_id == person_id)).all()
    by_id = {r.change_id: r for r in rows}
    assert set(by_id) == {c["change_id"] for c in sent}
    for change in sent:
        row = by_id[change["change_id"]]
        # What a pull sends back is exactly what was pushed.
        assert _wire(row).model_dump() == change
        assert row.person_id == person_id
        assert isinstance(row.received_at, datetime)
    # Arrival order: the create before the edit.
    assert by_id[create["change_id"]].seq < by_id[edit["change_id"]].seq


def test_duplicates_are_found_across_a_batch_of_more_than_one_lookup(store: ServerStore) -> None:
    writer = Device(store, "Sam Taylor", "community_nurse")
    person_id, create = person(writer, store)
    first = [create] + [
        writer.change("contact_note", "append", n["id"], n)
        for n in (note(writer, person_id, f"visit {i}") for i in range(1199))
    ]
    assert writer.push(store, first).accepted == 1200
    more = [
        writer.change("contact_note", "append", n["id"], n)
        for n in (note(writer, person_id, f"later {i}") for i in range(300))
    ]
    again = writer.push(store, first[:700] + more + first[700:])
    assert (again.accepted, again.duplicates) == (300, 1200)
    with store.engine.connect() as conn:
        count = conn.execute(select(s.changes.c.seq).where(s.changes.c.person_id == person_id))
        assert len(count.all()) == 1500


def test_a_pull_page_is_byte_for_byte_what_pydantic_writes(store: ServerStore) -> None:
    writer = Device(store, "Sam Taylor", "community_nurse")
    reader = Device(store, "Ola Nowak", "community_nurse")
    reader.pull_bodies(store)
    person_id, create = person(writer, store)
    changes = [create] + [
        writer.change("contact_note", "append", n["id"], n)
        for n in (
            note(
                writer, person_id, 'Zoë\'s kitchen: "fine"\n\ttabbed \\ backslash \u2028 é 漢字 🙂'
            ),
            note(writer, person_id, "plain"),
        )
    ]
    changes.append(
        writer.change("person", "set", person_id, "DL8 3AB", field="postcode")
        | {"bases": [create["change_id"], str(uuid.uuid4())]}
    )
    assert writer.push(store, changes).accepted == len(changes)
    bodies = reader.pull_bodies(store)
    received = [c for b in bodies for c in PullResponse.model_validate_json(b).changes]
    assert [c.model_dump() for c in received] == changes
    for body in bodies:
        # The laptop's parser reads it, and pydantic writes the very same bytes.
        assert PullResponse.model_validate_json(body).model_dump_json().encode() == body


@pytest.mark.parametrize("chars", [1, 5000])
def test_a_page_ends_once_its_values_reach_the_servers_bound(
    store: ServerStore, chars: int
) -> None:
    """However many changes a laptop asks for, a page ends once its values reach
    `page_chars` (with at least one change), and the next page goes on from there:
    every change arrives once, in order."""
    writer = Device(store, "Sam Taylor", "community_nurse")
    reader = Device(store, "Ola Nowak", "community_nurse")
    reader.pull_bodies(store)
    person_id, create = person(writer, store)
    notes = [
        writer.change("contact_note", "append", n["id"], n)
        for n in (
            note(writer, person_id, f"Visit {i}: " + "walked with the frame. " * 60)
            for i in range(12)
        )
    ]
    assert writer.push(store, [create, *notes]).accepted == 13
    store.page_chars = chars
    pages = [PullResponse.model_validate_json(b) for b in reader.pull_bodies(store)]
    received = [c for page in pages for c in page.changes]
    assert [c.change_id for c in received] == [c["change_id"] for c in [create, *notes]]
    largest = max(len(c["value"]) for c in [create, *notes])
    for page in pages:
        sizes = [len(c.value or "") for c in page.changes]
        # Under the bound until its last change, which may cross it.
        assert sum(sizes[:-1]) < chars and sum(sizes) < chars + largest
    # Each page takes changes until their values reach the bound: one at the smallest.
    expected, size, count = [], 0, 0
    for change in [create, *notes]:
        size, count = size + len(change["value"]), count + 1
        if size >= chars:
            expected.append(count)
            size, count = 0, 0
    expected += [count] if count else []
    assert [len(page.changes) for page in pages if page.changes] == expected
    assert len(expected) == (13 if chars == 1 else 5)


def test_a_backfill_page_keeps_to_its_own_size_however_large_a_page_is_asked(
    store: ServerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """People newly on a laptop's caseload go whole, bounded by the change count alone
    (not by characters), so a backfill page stays at BACKFILL_PAGE changes even when a
    laptop far behind asks for MAX_PULL_PAGE."""
    writer = Device(store, "Sam Taylor", "community_nurse")
    reader = Device(store, "Ola Nowak", "community_nurse")
    reader.pull_bodies(store)
    pushed: dict[str, list[str]] = {}
    for name in ("Iris", "Edna"):
        person_id, create = person(writer, store)
        notes = [
            writer.change("contact_note", "append", n["id"], n)
            for n in (note(writer, person_id, f"{name}, visit {i}.") for i in range(3))
        ]
        assert writer.push(store, [create, *notes]).accepted == 4
        pushed[person_id] = [c["change_id"] for c in (create, *notes)]
    # Off the team while the reader's cursor passes their changes, then back on it.
    elsewhere = directory.add_team(store, "Hambleton Locality")
    for team_id in (elsewhere, directory.team_id_by_name(store, TEAM)):
        with store.engine.begin() as conn:
            conn.execute(
                update(s.person_team)
                .where(s.person_team.c.person_id.in_(list(pushed)))
                .values(team_id=team_id)
            )
        if team_id == elsewhere:
            assert not [
                c
                for b in reader.pull_bodies(store)
                for c in PullResponse.model_validate_json(b).changes
                if c.entity_id in pushed
            ]
    monkeypatch.setattr(pull_module, "BACKFILL_PAGE", 4)
    store.page_chars = 10**9
    pages = []
    while True:
        page = PullResponse.model_validate_json(
            handlers.pull(store, reader.info, reader.cursor, MAX_PULL_PAGE)
        )
        pages.append(page)
        reader.cursor = page.cursor
        if not page.more:
            break
    sent = [[c.change_id for c in page.changes] for page in pages if page.changes]
    # Each person whole, on a page of their own: four changes each.
    assert sorted(sent) == sorted(pushed.values())


def test_a_sensitive_note_is_withheld_however_its_key_is_spelt(store: ServerStore) -> None:
    author = Device(store, "Ceri Jones", "social_worker")
    reader = Device(store, "Sam Taylor", "community_nurse")
    reader.pull_bodies(store)
    person_id, create = person(author, store)
    plain = note(author, person_id, "seen at home", author_role="social_worker")
    marked = note(author, person_id, "disclosed", sensitive=True, author_role="social_worker")
    # The same mark, written so that no plain '"sensitive"' appears in the text...
    escaped = json.dumps(note(author, person_id, "escaped", author_role="social_worker"))
    escaped = escaped.replace('"sensitive": false', '"sens\\u0069tive": true')
    # ...or appears twice, the last one (the one that counts) true.
    twice = json.dumps(note(author, person_id, "twice", author_role="social_worker"))[:-1]
    twice += ', "sensitive": true}'
    changes = [create]
    for row in (plain, marked):
        changes.append(author.change("contact_note", "append", row["id"], row))
    for text in (escaped, twice):
        row = json.loads(text)
        changes.append(author.change("contact_note", "append", row["id"], row) | {"value": text})
    assert author.push(store, changes).accepted == len(changes)

    def narratives(device: Device) -> dict[str, Any]:
        return {
            json.loads(c.value or "")["id"]: json.loads(c.value or "")["narrative"]
            for body in device.pull_bodies(store)
            for c in PullResponse.model_validate_json(body).changes
            if c.entity == "contact_note"
        }

    seen = narratives(reader)
    assert seen[plain["id"]] == "seen at home"
    hidden = [marked["id"], json.loads(escaped)["id"], json.loads(twice)["id"]]
    assert [seen[i] for i in hidden] == [{"$withheld": True}] * 3
    # The author's own laptop (restored from a backup) is sent its own words.
    author.cursor = "~own"
    mine = narratives(author)
    assert [mine[i] for i in hidden] == ["disclosed", "escaped", "twice"]


json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
rows = st.dictionaries(
    st.sampled_from(["sensitive", "narrative", "id", 'a"sensitive', "x"]),
    json_scalars | st.dictionaries(st.sampled_from(["sensitive", "y"]), json_scalars),
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(row=rows, compact=st.booleans(), ascii_only=st.booleans())
def test_the_prefilter_never_passes_a_note_marked_sensitive(
    row: dict[str, Any], compact: bool, ascii_only: bool
) -> None:
    separators = (",", ":") if compact else (", ", ": ")
    text = json.dumps(row, separators=separators, ensure_ascii=ascii_only)
    if not _maybe_sensitive(text):
        assert not json.loads(text).get("sensitive")


@pytest.mark.database("sqlite")
def test_sqlite_log_is_checkpointed_off_the_request_thread(tmp_path: Path) -> None:
    from sync.server.store import _CHECKPOINTERS

    url = f"sqlite:///{tmp_path / 'server.db'}"
    server = ServerStore(url)
    directory.organisation(server, "Dales Community Health")
    directory.add_team(server, TEAM)
    checkpointer = _CHECKPOINTERS[id(server.engine)]
    writer = Device(server, "Sam Taylor", "community_nurse")
    person_id, create = person(writer, server)
    notes = [
        writer.change("contact_note", "append", n["id"], n)
        for n in (note(writer, person_id, f"visit {i}") for i in range(500))
    ]
    before = checkpointer.runs
    assert writer.push(server, [create, *notes]).accepted == 501
    deadline = time.monotonic() + 10
    while checkpointer.runs == before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert checkpointer.runs > before
    with server.engine.connect() as conn:
        # A committing request only checkpoints itself past the safety net.
        pages = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    assert pages == checkpoint.SAFETY_NET_PAGES
    server.close()
    assert id(server.engine) not in _CHECKPOINTERS
    assert not checkpointer._thread.is_alive()
    again = ServerStore(url)
    with again.engine.connect() as conn:
        stored = conn.execute(select(s.changes.c.seq).where(s.changes.c.person_id == person_id))
        assert len(stored.all()) == 501
    again.close()


def test_a_change_inserted_twice_is_an_integrity_error_on_either_database(
    store: ServerStore,
) -> None:
    """What ServerStore.ingest retries on when two pushes race (the driver's own
    executemany and COPY raise it as SQLAlchemy would)."""
    writer = Device(store, "Sam Taylor", "community_nurse")
    person_id, create = person(writer, store)
    change = Change.model_validate(create)
    with store.engine.begin() as conn:
        insert_changes(conn, [(change, person_id)], clock.now())
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        insert_changes(conn, [(change, person_id)], clock.now())
    with store.engine.connect() as conn:
        held = conn.execute(
            select(s.changes.c.seq).where(s.changes.c.change_id == change.change_id)
        )
        assert len(held.all()) == 1


def test_a_large_push_and_pull_set_off_no_collection(
    store: ServerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A push or pull of 2,000 changes builds thousands of models and rows without
    cycles: the collector waits until the work is done (app/gc_pause.py) instead of
    walking them over and over, an eighth of the server's time (bench/server_sync.py)."""
    # As on a server: the collector on, not taken over by a desktop in this process.
    monkeypatch.setattr(gc_pause, "_handed_over", False)
    was_on = gc.isenabled()
    gc.enable()
    collections: list[str] = []

    def counted(phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            collections.append(phase)

    writer = Device(store, "Sam Taylor", "community_nurse")
    reader = Device(store, "Ola Nowak", "community_nurse")
    person_id, create = person(writer, store)
    assert writer.push(store, [create]).accepted == 1
    reader.pull_bodies(store)
    notes = [
        writer.change("contact_note", "append", n["id"], n)
        for n in (note(writer, person_id, f"Visit {i}.") for i in range(2000))
    ]
    body = json.dumps({"changes": notes}).encode()
    gc.callbacks.append(counted)
    try:
        answer = PushResponse.model_validate_json(handlers.push(store, writer.info, body))
        pushed = len(collections)
        pulled = handlers.pull(store, reader.info, reader.cursor, 5000)
    finally:
        gc.callbacks.remove(counted)
        if not was_on:
            gc.disable()
    assert answer.accepted == 2000
    assert len(PullResponse.model_validate_json(pulled).changes) == 2000
    # At most the one the collector starts as it comes back on (26 and 8 without the pause).
    assert pushed <= 1
    assert len(collections) - pushed <= 1
