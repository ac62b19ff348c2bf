"""Two laptops and a server: what one records, the other receives."""

from __future__ import annotations

from sqlalchemy import select

from app.services import people
from app.services.caseload import fetch
from app.services.notes import add_note
from sync.client.session import SyncSession, pending_count
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
