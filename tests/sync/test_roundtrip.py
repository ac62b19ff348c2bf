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


def test_a_referral_without_an_nhs_number_and_what_is_added_later_reach_the_other_laptop(
    server: RunningServer, laptop: Laptop
) -> None:
    """Registered from a referral with no NHS number, About me written, a carer and a
    need added on one laptop; the number recorded later. The other laptop holds the
    same record, and the server refused nothing."""
    from app.services.care import care_plan
    from app.services.record.about_me import save_about_me
    from app.services.record.contacts import save_personal_contact
    from app.services.record.referrals import NewReferral
    from app.services.record.registration import (
        NewPerson,
        record_nhs_number,
        register_person,
    )
    from storage.tables import AboutMe, Need, PersonalContact, Referral

    nurse = reopen(laptop("Sam Taylor"))
    social_worker = reopen(laptop("Ceri Jones"))
    try:
        _sync(nurse)
        _sync(social_worker)
        pid = register_person(
            nurse,
            NewPerson("", "Gwen", "Hughes", "1944-07-01", "LL57 2DG"),
            referral=NewReferral(source="gp", reason="Two falls this month", urgency="urgent"),
        ).person_id
        assert pid is not None
        save_about_me(nurse, person_id=pid, values={"most_important": "My garden"})
        save_personal_contact(
            nurse,
            person_id=pid,
            values={"name": "Rhys Hughes", "relationship": "Son", "is_main_carer": "yes"},
        )
        care_plan.save_need(
            nurse, person_id=pid, description="Help to bathe", care_act_outcome="personal_hygiene"
        )
        assert _sync(nurse).refused == []
        _sync(social_worker)
        record_nhs_number(social_worker, pid, "9990000034")  # found by the other profession
        assert _sync(social_worker).refused == []
        _sync(nurse)
        for ws in (nurse, social_worker):
            with ws.store.read() as session:
                gwen = session.get(Person, pid)
                assert gwen is not None and gwen.nhs_number == "9990000034"
                about = session.execute(select(AboutMe).where(AboutMe.person_id == pid))
                assert about.scalar_one().most_important == "My garden"
                carer = session.execute(
                    select(PersonalContact).where(PersonalContact.person_id == pid)
                ).scalar_one()
                assert (carer.name, carer.is_main_carer) == ("Rhys Hughes", True)
                need = session.execute(select(Need).where(Need.person_id == pid)).scalar_one()
                assert need.care_act_outcome == "personal_hygiene"
                referral = session.execute(
                    select(Referral).where(Referral.person_id == pid)
                ).scalar_one()
                assert (referral.source, referral.urgency) == ("gp", "urgent")
    finally:
        nurse.close()
        social_worker.close()


def test_a_correction_reaches_the_other_laptop_beside_its_note(
    server: RunningServer, laptop: Laptop
) -> None:
    from app.services.care.amend import amend_note
    from app.services.record.timeline import TimelineQuery, fetch_timeline

    nurse = reopen(laptop("Sam Taylor"))
    social_worker = reopen(laptop("Ceri Jones"))
    try:
        _sync(nurse)
        _sync(social_worker)
        pid = people.register(
            nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB")
        )
        note_id = add_note(nurse, ZOE, "Gave 20 mg of furosemide.")
        _sync(nurse)
        _sync(social_worker)
        amend_note(
            social_worker,
            note_id=note_id,
            narrative="Gave 40 mg of furosemide, as prescribed.",
            reason="Wrong dose recorded",
        )
        assert _sync(social_worker).refused == []
        _sync(nurse)
        for ws in (nurse, social_worker):
            _, entries = fetch_timeline(ws, TimelineQuery(person_id=pid))
            by_amends = {e.amends_id: e for e in entries}
            assert by_amends[note_id].amendment_reason == "Wrong dose recorded"
            original = next(e for e in entries if e.id == note_id)
            assert original.corrected and original.narrative == "Gave 20 mg of furosemide."
    finally:
        nurse.close()
        social_worker.close()
