"""Every write is journalled in the same transaction; append-only stays append-only."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.errors import JournalError
from app.services import clock
from app.services.care.notes import add_note
from app.services.record import people
from app.workspace import Workspace
from storage.tables import ChangeRecord, ContactNote, Person
from tests.conftest import ZOE


def _changes(ws: Workspace, **where: str) -> list[ChangeRecord]:
    with ws.store.read() as session:
        stmt = select(ChangeRecord).order_by(ChangeRecord.seq)
        for key, value in where.items():
            stmt = stmt.where(getattr(ChangeRecord, key) == value)
        return list(session.execute(stmt).scalars())


def test_create_is_journalled_whole_with_provenance(populated: Workspace) -> None:
    records = _changes(populated, entity="person", op="create")
    assert len(records) == 2
    record = records[0]
    value = json.loads(record.value or "{}")
    assert value["nhs_number"] == ZOE
    assert record.device_id == populated.actor.device_id
    assert record.author_id == populated.actor.user_id
    assert record.organisation_id == populated.actor.organisation_id
    assert value["recorded_by"] == populated.actor.user_id
    assert value["recorded_device"] == populated.actor.device_id


def test_edit_journals_only_the_changed_fields(populated: Workspace) -> None:
    people.edit(populated, ZOE, {"level_of_need": "specialist", "postcode": "DL8 3AB"})
    sets = _changes(populated, entity="person", op="set")
    assert [(c.field, json.loads(c.value or "null")) for c in sets] == [
        ("level_of_need", "specialist")
    ]


def test_clock_stamps_increase(populated: Workspace) -> None:
    people.edit(populated, ZOE, {"preferred_name": "Zo"})
    people.edit(populated, ZOE, {"preferred_name": "Zoë"})
    stamps = [c.hlc for c in _changes(populated)]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)


def test_journal_failure_leaves_neither_data_nor_journal(
    populated: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage import journal

    def broken(*_args: object, **_kwargs: object) -> dict[str, object]:
        raise JournalError("simulated journal failure")

    with populated.store.read() as session:
        journal_before = session.execute(select(func.count()).select_from(ChangeRecord)).scalar()
    monkeypatch.setattr(journal, "change_record", broken)
    with pytest.raises(JournalError):
        people.edit(populated, ZOE, {"level_of_need": "specialist"})
    with pytest.raises(JournalError):
        add_note(populated, ZOE, "Visited; all well.")
    with populated.store.read() as session:
        person = session.execute(select(Person).where(Person.nhs_number == ZOE)).scalar_one()
        assert person.level_of_need == "targeted"
        assert session.execute(select(func.count()).select_from(ContactNote)).scalar() == 0
        assert (
            session.execute(select(func.count()).select_from(ChangeRecord)).scalar()
            == journal_before
        )


def test_notes_are_append_only(populated: Workspace) -> None:
    add_note(populated, ZOE, "Visited; walking with the frame.")
    with (
        pytest.raises(JournalError, match="cannot be changed"),
        populated.store.write(populated.actor) as session,
    ):
        note = session.execute(select(ContactNote)).scalar_one()
        note.narrative = "rewritten history"
    with (
        pytest.raises(JournalError, match="cannot be removed"),
        populated.store.write(populated.actor) as session,
    ):
        session.delete(session.execute(select(ContactNote)).scalar_one())
    appended = _changes(populated, entity="contact_note")
    assert [c.op for c in appended] == ["append"]


def test_write_outside_a_unit_of_work_is_refused(populated: Workspace) -> None:
    with pytest.raises(JournalError), populated.store.read() as session:
        person = session.execute(select(Person).where(Person.nhs_number == ZOE)).scalar_one()
        person.level_of_need = "universal"
        session.flush()


def test_naive_datetimes_are_refused(populated: Workspace) -> None:
    from app.errors import InvalidInputError

    with pytest.raises(InvalidInputError):
        add_note(populated, ZOE, "text", occurred_at=datetime(2026, 1, 1, 9, 0))
    add_note(populated, ZOE, "text", occurred_at=datetime(2026, 1, 1, 9, 0, tzinfo=UTC))


def test_provenance_cannot_be_forged_through_the_orm(populated: Workspace) -> None:
    with populated.store.write(populated.actor) as session:
        forged = ContactNote(
            person_id=people.find(session, ZOE).id,
            contact_type="home_visit",
            occurred_at=clock.now(),
            narrative="x",
            recorded_by="someone-else",
            recorded_device="another-device",
            recorded_at=datetime(2001, 1, 1, tzinfo=UTC),
        )
        session.add(forged)
    with populated.store.read() as session:
        note = session.execute(select(ContactNote)).scalar_one()
    assert note.recorded_by == populated.actor.user_id
    assert note.recorded_device == populated.actor.device_id
    assert note.recorded_at.year >= 2026


def test_bulk_rows_with_different_keys_keep_every_value(populated: Workspace) -> None:
    from storage.bulk import insert_rows
    from storage.tables import Alert

    with populated.store.read() as session:
        pid = people.find(session, ZOE).id
    with populated.store.write(populated.actor) as session:
        insert_rows(
            session,
            Alert,
            [
                {"person_id": pid, "kind": "animal", "summary": "Dog in the house"},
                {
                    "person_id": pid,
                    "kind": "access_to_home",
                    "summary": "Key safe",
                    "restricted_detail": "1234",
                },
            ],
        )
    with populated.store.read() as session:
        details = sorted(str(a.restricted_detail) for a in session.execute(select(Alert)).scalars())
    assert details == ["1234", "None"]
    from app.services.profile.integrity import check

    assert check(populated).ok


def test_bulk_rows_with_unknown_columns_are_refused(populated: Workspace) -> None:
    from storage.bulk import insert_rows
    from storage.tables import Alert

    with (
        pytest.raises(ValueError, match="unknown columns"),
        populated.store.write(populated.actor) as session,
    ):
        insert_rows(
            session, Alert, [{"person_id": "x", "kind": "animal", "summary": "s", "colour": "red"}]
        )
