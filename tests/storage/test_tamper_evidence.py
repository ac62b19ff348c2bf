"""The audit chain and the journal check catch edits made behind the app's back."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.services.care.notes import add_note
from app.services.profile.integrity import check
from app.services.record import people
from app.workspace import Workspace
from storage.audit_log import verify
from tests.conftest import ALUN, ZOE


@pytest.fixture
def busy(populated: Workspace) -> Workspace:
    add_note(populated, ZOE, "Visited; walking with the frame.")
    people.edit(populated, ALUN, {"level_of_need": "specialist"})
    return populated


def _raw(ws: Workspace, sql: str) -> None:
    with ws.store.engine.begin() as conn:
        conn.execute(text(sql))


def _audit_ok(ws: Workspace) -> bool:
    with ws.store.read() as session:
        checked, problems = verify(session)
    assert checked > 0
    return not problems


def test_a_clean_profile_passes_every_check(busy: Workspace) -> None:
    report = check(busy)
    assert report.ok, report.lines()
    assert report.journal_rows_checked >= 5
    assert report.audit_events_checked >= 5


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE audit_event SET action = 'nothing_to_see' WHERE device_seq = 2",
        "DELETE FROM audit_event WHERE device_seq = 2",
        "UPDATE audit_event SET device_seq = 99 WHERE device_seq = 3",
        "UPDATE audit_event SET person_id = NULL WHERE action = 'note_added'",
    ],
    ids=["edited", "removed", "reordered", "person-hidden"],
)
def test_audit_tampering_is_detected(busy: Workspace, tamper: str) -> None:
    assert _audit_ok(busy)
    _raw(busy, tamper)
    assert not _audit_ok(busy)
    assert not check(busy).ok


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (f"UPDATE person SET level_of_need = 'universal' WHERE nhs_number = '{ALUN}'", "differs"),
        ("UPDATE contact_note SET narrative = 'rewritten'", "differs"),
        ("DELETE FROM change_journal WHERE entity = 'contact_note'", "never journalled"),
        ("DELETE FROM contact_note", "missing from the data"),
    ],
    ids=["field-edited", "note-rewritten", "journal-dropped", "row-deleted"],
)
def test_data_that_disagrees_with_the_journal_is_detected(
    busy: Workspace, tamper: str, expected: str
) -> None:
    _raw(busy, tamper)
    report = check(busy)
    assert not report.ok
    assert any(expected in m.problem for m in report.journal_problems), report.lines()
