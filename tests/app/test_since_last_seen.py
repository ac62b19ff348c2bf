"""Since you last saw them: colleagues' changes to a person's record since the user's
own last contact or since they marked them read, with who, organisation and when;
never the user's own; never a note's words or an alert's restricted detail; counted
in the order changes reached the laptop."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from app.services import clock
from app.services.care.notes import add_note
from app.services.record.people import NewPerson, find, register
from app.services.record.since_last_seen import mark_seen, since_last_seen
from app.workspace import Workspace
from storage.tables import Alert, ContactNote, HospitalEvent, Organisation, Risk, StaffMember
from tests.conftest import ZOE

SECRET = "the key safe is 4471 and she confided about her son"


def _colleague(ws: Workspace) -> tuple[object, str]:
    with ws.store.write(ws.actor) as s:
        trust = Organisation(name="Dales Community Health", kind="community_trust")
        s.add(trust)
        s.flush()
        ceri = StaffMember(
            display_name="Ceri Jones", role="community_nurse", organisation_id=trust.id
        )
        s.add(ceri)
        s.flush()
        return replace(ws.actor, user_id=ceri.id, organisation_id=trust.id, role=ceri.role), ceri.id


def _person(ws: Workspace) -> str:
    register(ws, NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    with ws.store.read() as s:
        return find(s, ZOE).id


def test_colleagues_changes_with_who_and_when_never_the_words(workspace: Workspace) -> None:
    person_id = _person(workspace)
    ceri, ceri_id = _colleague(workspace)
    with workspace.store.write(ceri) as s:  # type: ignore[arg-type]
        s.add(
            ContactNote(
                person_id=person_id,
                contact_type="phone_call",
                occurred_at=clock.now(),
                narrative=SECRET,
                author_id=ceri_id,
                author_role="community_nurse",
                organisation_id=ceri.organisation_id,  # type: ignore[attr-defined]
            )
        )
        s.add(Risk(person_id=person_id, kind="falls", description=SECRET, likelihood=4, impact=4))
        s.add(
            Alert(
                person_id=person_id,
                kind="access_to_home",
                summary="Key safe",
                restricted_detail=SECRET,
            )
        )
        s.add(
            HospitalEvent(
                person_id=person_id, kind="unplanned_admission", occurred_on=date(2026, 11, 2)
            )
        )
    found = since_last_seen(workspace, person_id)
    assert found.since == "in the last 30 days"  # no contact of mine, never marked read
    said = {item.what for item in found.items}
    assert said == {
        "New note: phone call",
        "New risk: falls",
        "New alert: access to the home",
        "Unplanned hospital admission on 2 Nov 2026",
    }
    for item in found.items:
        assert item.who == "Ceri Jones" and item.organisation == "Dales Community Health"
        assert item.role == "Community nurse"
        # When they wrote it, on the clock stamps' own (real) wall clock.
        assert abs(item.when - datetime.now(UTC)) < timedelta(minutes=5)
    assert SECRET not in repr(found)
    # Registering them myself is not news to me.
    assert not any("Personal details" in item.what for item in found.items)


def test_marking_read_and_my_own_contact_reset_it(workspace: Workspace) -> None:
    person_id = _person(workspace)
    ceri, _ = _colleague(workspace)

    def risk(kind: str) -> None:
        with workspace.store.write(ceri) as s:  # type: ignore[arg-type]
            s.add(Risk(person_id=person_id, kind=kind, description="x", likelihood=1, impact=1))

    risk("falls")
    first = since_last_seen(workspace, person_id)
    assert [i.what for i in first.items] == ["New risk: falls"]
    mark_seen(workspace, person_id, first.up_to)
    after = since_last_seen(workspace, person_id)
    assert after.items == () and after.since == "since you last marked them read"
    risk("fire")
    assert [i.what for i in since_last_seen(workspace, person_id).items] == ["New risk: fire"]
    # My own visit: what came before it I have seen with my own eyes.
    add_note(workspace, ZOE, "Visited; all well.")
    mine = since_last_seen(workspace, person_id)
    assert mine.items == () and mine.since == "since your last contact"
    risk("medication")
    assert [i.what for i in since_last_seen(workspace, person_id).items] == ["New risk: medication"]


def test_several_edits_of_one_entry_are_one_line(workspace: Workspace) -> None:
    person_id = _person(workspace)
    ceri, _ = _colleague(workspace)
    with workspace.store.write(ceri) as s:  # type: ignore[arg-type]
        r = Risk(person_id=person_id, kind="falls", description="x", likelihood=1, impact=1)
        s.add(r)
        s.flush()
        risk_id = r.id
    for n in (2, 3):
        with workspace.store.write(ceri) as s:  # type: ignore[arg-type]
            found = s.get(Risk, risk_id)
            assert found is not None
            found.likelihood = n
    items = since_last_seen(workspace, person_id).items
    # Newest first: the two edits (one line) came after the risk was made.
    assert [(i.what, i.edits) for i in items] == [
        ("Risk changed: falls", 2),
        ("New risk: falls", 1),
    ]


def test_every_kind_of_entry_in_a_persons_record_is_said_or_left_out_on_purpose() -> None:
    """A new table in the person's record gets a decision here, as the sharing
    categories do: said when a colleague changes it, or named as left out."""
    from app.services.record.since_last_seen import KINDS, LEFT_OUT
    from storage.tables import journalled_tables

    persons = {
        name
        for name, table in journalled_tables().items()
        if name == "person" or "person_id" in table.__table__.columns
    }
    assert persons - set(KINDS) - LEFT_OUT == set()
    assert not set(KINDS) & LEFT_OUT
