"""A record a pulled page only creates is stored from that create without its journal
being read back (storage/replay.py: most of a first download), but only when the
create is the record's whole journal: a change to it that came on an earlier page
(pages can bring an edit before the create it follows) is folded in."""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app.workspace import Workspace, create
from storage import replay, wallclock
from storage.ids import new_id
from sync.client.apply import apply_changes
from sync.protocol import Change
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.sync.rows import complete_row

DEVICE = str(uuid.uuid4())


def _person(person_id: str, given: str) -> dict[str, Any]:
    # A whole row a laptop could have written (tests/sync/rows.py).
    return complete_row("person", id=person_id, given_name=given)


def _change(hlc: int, entity_id: str, op: str, value: Any, **extra: Any) -> Change:
    return Change(
        change_id=new_id(),
        hlc=hlc,
        device_id=DEVICE,
        entity="person",
        entity_id=entity_id,
        op=op,
        value=json.dumps(value),
        recorded_at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC).isoformat(),
        **extra,
    )


def _pull(workspace: Workspace, page: list[Change]) -> int:
    with workspace.store.write(workspace.actor, flushed=False) as session:
        applied = apply_changes(session.connection(), page, wallclock.utcnow())
    assert not applied.kept_aside, applied.kept_aside
    return applied.new_changes


def _given_name(workspace: Workspace, person_id: str) -> str | None:
    with workspace.store.engine.connect() as conn:
        return conn.execute(
            text("SELECT given_name FROM person WHERE id = :id"), {"id": person_id}
        ).scalar()


def test_a_create_alone_is_stored_as_it_came(workspace: Workspace) -> None:
    person_id = new_id()
    assert _pull(workspace, [_change(1_000, person_id, "create", _person(person_id, "Zoë"))]) == 1
    assert _given_name(workspace, person_id) == "Zoë"


def test_an_edit_pulled_before_its_create_is_kept(workspace: Workspace) -> None:
    person_id = new_id()
    create = _change(1_000, person_id, "create", _person(person_id, "Zoë"))
    # The edit came after the create (a later stamp, based on it) but on an earlier page.
    edit = _change(2_000, person_id, "set", "Zoella", field="given_name", bases=[create.change_id])
    assert _pull(workspace, [edit]) == 1
    assert _given_name(workspace, person_id) is None  # nothing to edit yet
    # The create is all its page says of the record, but not the record's whole journal.
    assert _pull(workspace, [create]) == 1
    assert _given_name(workspace, person_id) == "Zoella"


_FIELDS = ("given_name", "family_name")


@st.composite
def _histories(draw: st.DrawFn) -> list[list[Change]]:
    """Two people's changes from other laptops (creates, edits, some concurrent, a
    removal), shuffled and cut into pages as a server may send them over several syncs."""
    changes: list[Change] = []
    stamp = 1_000
    for n in range(2):
        person_id = new_id()
        stamp += 1
        create = _change(stamp, person_id, "create", _person(person_id, f"Person {n}"))
        changes.append(create)
        # The last change each field was seen at (what an edit is based on).
        seen = {name: create.change_id for name in _FIELDS}
        for _ in range(draw(st.integers(0, 4))):
            what = draw(st.sampled_from(("set", "set", "concurrent", "delete")))
            stamp += 1
            if what == "delete":
                changes.append(_change(stamp, person_id, "delete", None))
                continue
            name = draw(st.sampled_from(_FIELDS))
            edit = _change(stamp, person_id, "set", f"Name {stamp}", field=name, bases=[seen[name]])
            changes.append(edit)
            if what == "set":
                seen[name] = edit.change_id  # a concurrent edit leaves the base as it was
    order = draw(st.permutations(changes))
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(order) - 1)), max_size=3)))
    return [
        list(order[a:b]) for a, b in zip([0, *cuts], [*cuts, len(order)], strict=True) if order[a:b]
    ]


def _state(workspace: Workspace) -> tuple[list[Any], list[Any]]:
    with workspace.store.engine.connect() as conn:
        people = conn.execute(
            text("SELECT id, given_name, family_name FROM person ORDER BY id")
        ).all()
        conflicts = conn.execute(
            text("SELECT entity_id, field FROM sync_conflict ORDER BY entity_id, field")
        ).all()
    return [tuple(p) for p in people], [tuple(c) for c in conflicts]


@settings(max_examples=40, deadline=None)
@given(pages=_histories())
def test_the_shortcut_gives_what_reading_the_whole_journal_gives(
    pages: list[list[Change]],
) -> None:
    """Whatever the history and however it is paged, a record stored from its lone
    create is exactly what the full fold stores (the shortcut switched off)."""
    states = []
    with tempfile.TemporaryDirectory() as folder:
        for shortcut in (True, False):
            ws = create(Path(folder) / str(shortcut), PASSPHRASE, user_name="Sam", kdf=FAST_KDF)
            try:
                with _shortcut(shortcut):
                    for page in pages:
                        with ws.store.write(ws.actor, flushed=False) as session:
                            apply_changes(session.connection(), page, wallclock.utcnow())
                states.append(_state(ws))
            finally:
                ws.close()
    assert states[0] == states[1]


@contextmanager
def _shortcut(on: bool) -> Iterator[None]:
    if on:
        yield
        return
    real = replay._lone_creates
    replay._lone_creates = lambda _fresh, _parsed: {}
    try:
        yield
    finally:
        replay._lone_creates = real
