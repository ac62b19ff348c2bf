"""Concurrent edits to one field: the same winner everywhere, the loser kept as an
open conflict, and a person's resolution syncs and settles it on every laptop."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.services.record import people
from app.services.record.conflicts import list_conflicts, resolve
from app.workspace import Workspace
from storage import hlc
from storage.tables import Person
from tests.conftest import ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import shared_state, sync


@pytest.fixture
def pair(server: RunningServer, laptop: Laptop) -> tuple[Workspace, Workspace]:
    nurse = reopen(laptop("Sam Taylor"))
    social_worker = reopen(laptop("Ceri Jones"))
    sync(nurse)
    people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    sync(nurse)
    sync(social_worker)
    yield nurse, social_worker
    for ws in (nurse, social_worker):
        if ws.store.is_open:
            ws.close()


def _level(ws: Workspace) -> str:
    with ws.store.read() as session:
        return session.execute(
            select(Person.level_of_need).where(Person.nhs_number == ZOE)
        ).scalar_one()


def test_sequential_edits_do_not_conflict(pair: tuple[Workspace, Workspace]) -> None:
    nurse, social_worker = pair
    people.edit(nurse, ZOE, {"level_of_need": "specialist"})
    sync(nurse)
    sync(social_worker)
    people.edit(social_worker, ZOE, {"level_of_need": "universal"})
    sync(social_worker)
    sync(nurse)
    assert _level(nurse) == _level(social_worker) == "universal"
    assert list_conflicts(nurse) == [] == list_conflicts(social_worker)


def test_concurrent_edits_keep_both_values(pair: tuple[Workspace, Workspace]) -> None:
    nurse, social_worker = pair
    people.edit(nurse, ZOE, {"level_of_need": "specialist", "phone": "01632 960001"})
    people.edit(social_worker, ZOE, {"level_of_need": "universal", "language": "Welsh"})
    for ws in (nurse, social_worker, nurse):
        sync(ws)
    # Different fields merge; the same field picks one winner everywhere.
    for ws in (nurse, social_worker):
        with ws.store.read() as session:
            person = session.execute(select(Person).where(Person.nhs_number == ZOE)).scalar_one()
            assert (person.phone, person.language) == ("01632 960001", "Welsh")
    assert _level(nurse) == _level(social_worker)
    assert shared_state(nurse) == shared_state(social_worker)
    for ws in (nurse, social_worker):
        conflicts = list_conflicts(ws)
        assert len(conflicts) == 1
        conflict = conflicts[0]
        assert conflict.field == "level_of_need"
        assert conflict.person_name == "Zoë O'Neill"
        assert sorted(v.value for v in conflict.values) == ["specialist", "universal"]
        assert {v.author for v in conflict.values} == {"Sam Taylor", "Ceri Jones"}
        assert conflict.values[0].value == _level(ws)  # the value shown is the first one listed


def test_an_edit_without_resolving_keeps_the_conflict_open(
    pair: tuple[Workspace, Workspace],
) -> None:
    nurse, social_worker = pair
    people.edit(nurse, ZOE, {"level_of_need": "specialist"})
    people.edit(social_worker, ZOE, {"level_of_need": "universal"})
    for ws in (nurse, social_worker, nurse):
        sync(ws)
    people.edit(nurse, ZOE, {"level_of_need": "targeted"})
    for ws in (nurse, social_worker):
        sync(ws)
    values = sorted(v.value for v in list_conflicts(social_worker)[0].values)
    assert "targeted" in values
    assert len(values) == 2  # the unseen value is still there to choose


def test_resolution_syncs_and_settles_everywhere(pair: tuple[Workspace, Workspace]) -> None:
    nurse, social_worker = pair
    people.edit(nurse, ZOE, {"level_of_need": "specialist"})
    people.edit(social_worker, ZOE, {"level_of_need": "universal"})
    for ws in (nurse, social_worker, nurse):
        sync(ws)
    conflict = list_conflicts(social_worker)[0]
    loser = conflict.values[1].value
    resolve(social_worker, conflict.key, loser)
    assert list_conflicts(social_worker) == []
    for ws in (social_worker, nurse):
        sync(ws)
    assert list_conflicts(nurse) == []
    assert _level(nurse) == _level(social_worker) == loser


def test_keeping_the_value_shown_is_also_a_resolution(pair: tuple[Workspace, Workspace]) -> None:
    nurse, social_worker = pair
    people.edit(nurse, ZOE, {"level_of_need": "specialist"})
    people.edit(social_worker, ZOE, {"level_of_need": "universal"})
    for ws in (nurse, social_worker, nurse):
        sync(ws)
    conflict = list_conflicts(nurse)[0]
    resolve(nurse, conflict.key, conflict.values[0].value)
    for ws in (nurse, social_worker):
        sync(ws)
    assert list_conflicts(nurse) == [] == list_conflicts(social_worker)


def test_clock_hours_behind_still_wins_when_it_saw_the_other_edit(
    pair: tuple[Workspace, Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    nurse, social_worker = pair
    people.edit(nurse, ZOE, {"level_of_need": "specialist"})
    sync(nurse)
    sync(social_worker)
    five_hours_ago = hlc._wall_ms() - 5 * 3600 * 1000
    monkeypatch.setattr(hlc, "_wall_ms", lambda: five_hours_ago)
    # The social worker's laptop clock is five hours slow, but it has seen the nurse's edit.
    people.edit(social_worker, ZOE, {"level_of_need": "universal"})
    monkeypatch.undo()
    sync(social_worker)
    sync(nurse)
    assert _level(nurse) == _level(social_worker) == "universal"
    assert list_conflicts(nurse) == []
