"""Finding people on the caseload, and recording visit notes."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import InvalidInputError
from app.services import clock
from app.services.care.notes import add_note
from app.services.caseload.caseload import CaseloadQuery, fetch
from app.services.record.record_view import person_record
from app.workspace import Workspace
from storage.tables import AuditEvent, ContactNote
from tests.conftest import ALUN, ZOE


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("", {"O'Neill", "Pritchard"}),
        ("prit", {"Pritchard"}),
        ("o'ne", {"O'Neill"}),
        ("999 000 0026", {"Pritchard"}),
        ("9990000", {"O'Neill", "Pritchard"}),
        ("dl8", {"O'Neill"}),
        ("BD23 1", {"Pritchard"}),
        ("alun pri", {"Pritchard"}),
        ("nobody", set()),
        ("%", set()),
    ],
)
def test_search(populated: Workspace, search: str, expected: set[str]) -> None:
    total, rows = fetch(populated, CaseloadQuery(search=search))
    assert total == len(expected)
    assert {r.family_name for r in rows} == expected


def test_sorting_and_paging_happen_in_sql(populated: Workspace) -> None:
    _, rows = fetch(populated, CaseloadQuery(sort="date_of_birth"))
    assert [r.family_name for r in rows] == ["O'Neill", "Pritchard"]
    _, rows = fetch(populated, CaseloadQuery(sort="date_of_birth", descending=True, limit=1))
    assert [r.family_name for r in rows] == ["Pritchard"]
    total, rows = fetch(populated, CaseloadQuery(sort="name", limit=1, offset=1))
    assert total == 2
    assert [r.family_name for r in rows] == ["Pritchard"]
    with pytest.raises(InvalidInputError, match="Cannot sort"):
        fetch(populated, CaseloadQuery(sort="shoe_size"))


def test_note_records_when_it_happened_and_when_it_was_written(populated: Workspace) -> None:
    visited = clock.now() - timedelta(hours=5)
    add_note(
        populated,
        ZOE,
        "  Visited; walking with the frame.  ",
        occurred_at=visited,
        contact_type="Home visit",
    )
    with populated.store.read() as session:
        note = session.execute(select(ContactNote)).scalar_one()
        audit = session.execute(
            select(AuditEvent).where(AuditEvent.action == "note_added")
        ).scalar_one()
    assert note.narrative == "Visited; walking with the frame."
    assert note.occurred_at == visited
    assert note.recorded_at - note.occurred_at >= timedelta(hours=5)
    assert note.contact_type == "home_visit"
    assert note.author_id == populated.actor.user_id
    assert audit.person_id == note.person_id
    assert "Visited" not in audit.detail


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"text": "   "}, "needs some text"),
        ({"text": "x", "occurred_at": clock.now() + timedelta(days=1)}, "future"),
        ({"text": "x", "contact_type": "carrier pigeon"}, "not one of"),
        ({"text": "x", "goal_ids": ["not-a-goal"]}, "not this person's goals"),
    ],
)
def test_bad_notes_are_refused(
    populated: Workspace, kwargs: dict[str, object], reason: str
) -> None:
    with pytest.raises(InvalidInputError, match=reason):
        add_note(populated, ALUN, **kwargs)  # type: ignore[arg-type]
    with populated.store.read() as session:
        assert session.execute(select(ContactNote)).first() is None


def test_show_gives_the_record_newest_notes_first(populated: Workspace) -> None:
    now = clock.now()
    add_note(populated, ZOE, "older", occurred_at=now - timedelta(days=2))
    add_note(populated, ZOE, "newer", occurred_at=now - timedelta(days=1))
    record = person_record(populated, ZOE)
    assert record["person"]["nhs_number_formatted"] == "999 000 0018"
    assert [n["narrative"] for n in record["contact_notes"]] == ["newer", "older"]
    json.dumps(record)  # plain data all the way down
