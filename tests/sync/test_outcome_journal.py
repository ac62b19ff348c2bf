"""The outcome report's journal reader (sync/server/outcome_journal.py) and its kept
tables (sync/server/outcome_records.py): a note's time is the parsed one whatever the
writer's spacing or escapes, a correction is no contact, and a record's values read
without folding are those folding gives."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from storage.merge import fold
from sync.server import directory
from sync.server import schema as s
from sync.server.outcome_facts import EPISODE, KINDS, PERSON, PLAN_VERSION, Scope, _people_of
from sync.server.outcome_journal import Unreadable, read, values_of
from sync.server.outcome_records import read_kept
from sync.server.outcome_typed import contact_of
from sync.server.store import ServerStore


def _note(person_id: str, at: str, **more: Any) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "contact_type": "home_visit",
        "occurred_at": at,
        "narrative": "Visited.",
        "amends_id": None,
        "id": str(uuid.uuid4()),
        **more,
    }


def _insert(store: ServerStore, person_id: str, values: list[str]) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            sa.insert(s.changes),
            [
                {
                    "change_id": str(uuid.uuid4()),
                    "hlc": 1,
                    "device_id": "d",
                    "entity": "contact_note",
                    "entity_id": str(uuid.uuid4()),
                    "op": "append",
                    "value": value,
                    "recorded_at": "2026-01-01T00:00:00+00:00",
                    "person_id": person_id,
                    "received_at": datetime.now(UTC),
                }
                for value in values
            ],
        )


def test_a_notes_time_is_the_parsed_one(store: ServerStore) -> None:
    team = directory.add_team(store, "Craven")
    person = str(uuid.uuid4())
    with store.engine.begin() as conn:
        conn.execute(
            sa.insert(s.person_team),
            [{"person_id": person, "team_id": team, "hlc": 1, "device_id": "d"}],
        )
    decoy = '"occurred_at": "1999-01-01T00:00:00+00:00"'
    values = [
        json.dumps(_note(person, "2026-03-01T09:00:00+00:00")),
        # Another writer's spacing.
        json.dumps(_note(person, "2026-03-02T09:00:00+00:00"), separators=(",", ":")),
        # The key's text inside a narrative that comes first.
        json.dumps(
            {
                "narrative": f"She said {decoy}",
                **_note(person, "2026-03-03T09:00:00+00:00", narrative=f"x {decoy}"),
            }
        ),
        # An escape inside the time.
        json.dumps(_note(person, "2026-03-04T09:00:00+00:00")).replace("+00:00", "\\u002b00:00"),
        # Corrections are not contacts, whatever the spacing.
        json.dumps(_note(person, "2026-03-05T09:00:00+00:00", amends_id=str(uuid.uuid4()))),
        json.dumps(
            _note(person, "2026-03-06T09:00:00+00:00", amends_id=str(uuid.uuid4())),
            separators=(",", ":"),
        ),
        # No amends_id at all: a contact.
        json.dumps(
            {
                k: v
                for k, v in _note(person, "2026-03-07T09:00:00+00:00").items()
                if k != "amends_id"
            }
        ),
    ]
    _insert(store, person, values)
    wanted = [
        parsed["occurred_at"]
        for parsed in map(json.loads, values)
        if parsed.get("amends_id") is None
    ]
    store.rebuild_outcome_records()  # written past a push: made from the journal
    with store.engine.connect() as conn:
        people, _teams = _people_of(conn, Scope())
        journal = read(conn, KINDS, people, Unreadable())
        kept = read_kept(conn, KINDS, people, Unreadable())
    assert sorted(journal.note_times[person]) == sorted(contact_of(w) for w in wanted)
    assert sorted(kept.note_times[person]) == sorted(journal.note_times[person])
    assert len(wanted) == 5


def _row(
    op: str,
    hlc: int,
    value: Any,
    *,
    fld: str | None = None,
    bases: list[str] | None = None,
    device: str = "a",
) -> tuple[Any, ...]:
    text = json.dumps(value)
    return (
        "reablement_episode",
        "e1",
        "p1",
        str(uuid.uuid4()),
        hlc,
        device,
        op,
        fld,
        json.dumps(bases) if bases else None,
        text,
        None,
    )


EPISODE_ROW = {
    "person_id": "p1",
    "started_on": "2026-01-01",
    "planned_end_on": "2026-02-01",
    "longer_reason": None,
    "discharged_on": None,
    "ended_on": None,
    "outcome": None,
    "follow_up_on": None,
    "follow_up_result": None,
    "id": "e1",
    "recorded_at": "2026-01-01T09:00:00+00:00",
}


def _folded(rows: list[tuple[Any, ...]]) -> dict[str, Any] | None:
    """The slow path: the whole rows folded, then the wanted fields."""
    state = fold(
        {
            "change_id": r[3],
            "hlc": r[4],
            "device_id": r[5],
            "op": r[6],
            "field": r[7],
            "bases": r[8],
            "value": r[9],
        }
        for r in rows
    )
    if state.deleted or not state.created:
        return None
    return {f.name: state.values.get(f.name) for f in EPISODE.fields}


def test_a_records_values_are_those_folding_gives() -> None:
    create = _row("create", 10, EPISODE_ROW)
    ended = _row("set", 11, "2026-01-30", fld="ended_on", bases=[create[3]])
    outcome = _row("set", 11, "independent", fld="outcome", bases=[create[3]])
    # Two laptops set the outcome at once: the greater (stamp, device) shows.
    rival = _row("set", 12, "reduced_support", fld="outcome", bases=[create[3]], device="b")
    later = _row("set", 13, "ongoing_support", fld="outcome", bases=[outcome[3]], device="a")
    removed = _row("delete", 14, None)
    for rows in (
        [create],
        [create, ended, outcome],
        [outcome, ended, create],  # any order
        [create, ended, outcome, rival],
        [create, outcome, rival, later],
        [create, ended, removed],
        [ended],  # a set of a record never created
    ):
        assert values_of(EPISODE, rows) == _folded(rows), rows
    assert values_of(EPISODE, [create])["started_on"] == "2026-01-01"  # type: ignore[index]


def test_a_value_read_from_inside_another_is_the_parsed_one() -> None:
    snapshot = json.dumps(
        {"review_due": "2026-05-01", "goals": [{"review_due": "no"}]}, sort_keys=True
    )
    row = (
        "care_plan_version",
        "v1",
        "p1",
        "c1",
        1,
        "a",
        "append",
        None,
        None,
        json.dumps({"version": 2, "agreed_on": "2026-02-01", "snapshot": snapshot}),
        None,
    )
    assert values_of(PLAN_VERSION, [row]) == {
        "version": 2,
        "agreed_on": "2026-02-01",
        "review_due": "2026-05-01",
    }
    assert PERSON.names == {
        "date_of_birth",
        "locality_id",
        "closed_on",
        "closed_reason",
        "recorded_at",
    }
