"""Two laptops and a server: what one records, the other receives."""

from __future__ import annotations

from sqlalchemy import select

from app.services.care.notes import add_note
from app.services.caseload.caseload import fetch
from app.services.record import people
from storage.codec import journalled_columns
from storage.tables import Person, journalled_tables
from sync.client.session import SyncSession, pending_count
from sync.protocol import Change
from tests.conftest import ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen


def _sync(ws):  # type: ignore[no-untyped-def]
    session = SyncSession(ws)
    try:
        return session.run()
    finally:
        session.close()


def test_a_person_and_a_note_reach_the_other_laptop(server: RunningServer, laptop: Laptop) -> None:
    nurse = laptop("Sam Taylor")
    social_worker = laptop("Ceri Jones")
    nurse = reopen(nurse)
    social_worker = reopen(social_worker)
    _sync(nurse)
    _sync(social_worker)
    people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    add_note(nurse, ZOE, "Visited; walking with the frame.")
    assert pending_count(nurse) > 0
    report = _sync(nurse)
    assert report.pushed >= 3 and not report.refused
    assert pending_count(nurse) == 0
    report = _sync(social_worker)
    assert report.pulled >= 2
    total, rows = fetch(social_worker)
    assert total == 1 and rows[0].given_name == "Zoë"
    with social_worker.store.read() as session:
        from storage.tables import ContactNote

        notes = session.execute(select(ContactNote)).scalars().all()
        assert [n.narrative for n in notes] == ["Visited; walking with the frame."]
    nurse.close()
    social_worker.close()


def test_every_table_and_field_of_the_record_fits_the_wire() -> None:
    """The wire's names are the record's: a column the protocol could not carry
    (address_line1 once could not) would stop its laptop's every later sync."""
    for table, cls in journalled_tables().items():
        for field in journalled_columns(cls):
            Change.model_validate(
                {
                    "change_id": "00000000-0000-4000-8000-000000000001",
                    "hlc": 1,
                    "device_id": "00000000-0000-4000-8000-000000000002",
                    "entity": table,
                    "entity_id": "00000000-0000-4000-8000-000000000003",
                    "op": "set",
                    "field": field,
                    "value": "null",
                    "recorded_at": "2026-11-22T09:00:00+00:00",
                }
            )


def test_an_address_edit_reaches_the_other_laptop(server: RunningServer, laptop: Laptop) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    social_worker = reopen(laptop("Ceri Jones"))
    _sync(nurse)
    _sync(social_worker)
    people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    _sync(nurse)
    _sync(social_worker)
    people.edit(nurse, ZOE, {"address_line1": "1 Market Place", "address_line2": "Hawes"})
    report = _sync(nurse)
    assert report.pushed >= 2 and not report.refused
    _sync(social_worker)
    with social_worker.store.read() as session:
        zoe = session.execute(select(Person)).scalar_one()
        assert (zoe.address_line1, zoe.address_line2) == ("1 Market Place", "Hawes")
    nurse.close()
    social_worker.close()
