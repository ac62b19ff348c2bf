"""A note is corrected by an amendment, never edited: the correction is a new note
by whoever corrects it, with the reason, shown beside the original (which keeps its
words); without a reason, or with the same words, nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInputError, NotFoundError
from app.services.care.amend import amend_note
from app.services.care.notes import add_note
from app.services.record import people
from app.services.record.timeline import TimelineQuery, fetch_timeline
from app.workspace import Workspace
from storage.tables import AuditEvent, ChangeRecord, ContactNote
from tests.conftest import ALUN, ZOE

WRONG = "Gave 20 mg of furosemide."
RIGHT = "Gave 40 mg of furosemide, as prescribed."


def _changes(ws: Workspace) -> int:
    with ws.store.read() as session:
        return int(session.execute(select(func.count()).select_from(ChangeRecord)).scalar_one())


def test_the_correction_stands_beside_the_note_which_keeps_its_words(
    populated: Workspace,
) -> None:
    note_id = add_note(populated, ZOE, WRONG)
    change = amend_note(populated, note_id=note_id, narrative=RIGHT, reason="Wrong dose recorded")
    assert change.touches("timeline")
    with populated.store.read() as session:
        original = session.get(ContactNote, note_id)
        correction = session.get(ContactNote, change.entity_id)
        assert original is not None and correction is not None
        assert original.narrative == WRONG  # never edited
        assert (correction.amends_id, correction.amendment_reason) == (
            note_id,
            "Wrong dose recorded",
        )
        assert correction.occurred_at == original.occurred_at
        assert correction.author_id == populated.actor.user_id
        event = session.execute(
            select(AuditEvent.detail).where(AuditEvent.action == "note_amended")
        ).scalar_one()
    assert "furosemide" not in (event or "")
    pid = people_id(populated)
    _, entries = fetch_timeline(populated, TimelineQuery(person_id=pid))
    by_id = {e.id: e for e in entries}
    assert by_id[note_id].corrected and not by_id[note_id].amends_id
    assert by_id[change.entity_id or ""].amendment_reason == "Wrong dose recorded"


def people_id(ws: Workspace) -> str:
    with ws.store.read() as session:
        return people.find(session, ZOE).id


@pytest.mark.parametrize(
    ("narrative", "reason", "message"),
    [
        (RIGHT, "  ", "Enter the reason for the correction"),
        ("", "Typo", "needs the note's corrected text"),
        (WRONG, "Typo", "same as the note's"),
    ],
)
def test_no_reason_or_nothing_corrected_writes_nothing(
    populated: Workspace, narrative: str, reason: str, message: str
) -> None:
    note_id = add_note(populated, ZOE, WRONG)
    before = _changes(populated)
    with pytest.raises(InvalidInputError, match=message):
        amend_note(populated, note_id=note_id, narrative=narrative, reason=reason)
    assert _changes(populated) == before


def test_a_note_is_corrected_only_in_its_own_persons_record(populated: Workspace) -> None:
    note_id = add_note(populated, ZOE, WRONG)
    with populated.store.read() as session:
        alun = people.find(session, ALUN).id
    with pytest.raises(NotFoundError, match="not in this person's record"):
        amend_note(populated, note_id=note_id, narrative=RIGHT, reason="x", person_id=alun)
