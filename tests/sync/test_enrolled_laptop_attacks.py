"""A malicious or compromised enrolled laptop, against a real server on loopback
(SQLite and PostgreSQL): each attack of issue 15 that concerns who may write what
is refused with its plain reason, the refused change stays on the attacking
laptop with that reason, and every other laptop still syncs and sees nothing of it.

The attacker writes straight into its own journal (tests/sync/attack.py): the
laptop's own rules would refuse most of these, so only the server stands in the way.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from app.errors import AccessDeniedError
from app.services.care.joint_assessment import initial_parts, record_part
from app.services.care.notes import add_note
from app.services.care.risks import add_alert, update_alert
from app.services.caseload.allocation import allocate
from app.services.need_to_know.access_report import ReportQuery
from app.services.profile.sync_status import pending_changes
from app.services.record import people
from app.services.record.record import open_record
from app.services.write_rules.write_policy import (
    ALERT_KIND_REFUSED,
    NOT_A_LEAD,
    NOT_CLINICAL,
    NOT_THE_SIGNER,
    NOT_YOUR_CHAIN,
    NOT_YOUR_SIGNATURE,
    NOT_YOURS,
    ONLY_COORDINATOR_LEADS,
    OUT_OF_SCOPE,
    RESTRICTED_REFUSED,
    SIGNATURE_FIXED,
)
from app.workspace import Workspace
from storage import settings
from storage.actor import Actor
from storage.audit_log import append as audit
from storage.tables import Alert, ContactNote, Person, StaffMember
from storage.tables.base import utcnow
from storage.withheld import PLACEHOLDER
from sync.server import audit_report, directory
from sync.server import schema as s
from tests.conftest import ALUN, ZOE
from tests.sync.attack import note, push_error, row, smuggle
from tests.sync.bad_rows import spoil
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync
from tests.sync.raw_push import own_row

OTHER_TEAM = "Hambleton Locality"
SAFEGUARDING = "Section 42 enquiry: nephew takes her pension"


@pytest.fixture
def other_team(server: RunningServer, laptop: Laptop) -> Workspace:
    """A nurse of another team of the same organisation, holding Zoë."""
    directory.add_team(server.store, OTHER_TEAM)
    directory.add_user(server.store, "Kim Lee", "community_nurse", OTHER_TEAM)
    kim = reopen(laptop("Kim Lee"))
    sync(kim)
    people.register(kim, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    add_note(kim, ZOE, "Visited; walking with the frame.")
    assert sync(kim).refused == []
    return kim


def _id(ws: Workspace, nhs: str) -> str:
    with ws.store.read() as session:
        return people.find(session, nhs).id


def _held(ws: Workspace, table: type[Any]) -> list[Any]:
    with ws.store.read() as session:
        return list(session.execute(select(table)).scalars())


def _server_holds(server: RunningServer, change_id: str) -> bool:
    with server.store.engine.connect() as conn:
        found = conn.execute(
            select(s.changes.c.seq).where(s.changes.c.change_id == change_id)
        ).first()
    return found is not None


def _refused(server: RunningServer, ws: Workspace, change_ids: list[str], reason: str) -> None:
    """Each change refused with `reason`, shown in the sync's report, kept on the laptop
    with its reason, and not held by the server."""
    report = sync(ws)
    assert report.refused.count(reason) >= len(change_ids), report.refused
    for change_id in change_ids:
        assert push_error(ws, change_id) == reason
        assert not _server_holds(server, change_id)


def test_a_laptop_cannot_write_into_another_teams_record(
    server: RunningServer, laptop: Laptop, other_team: Workspace
) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    sync(nurse)
    zoe = _id(other_team, ZOE)
    assert not _held(nurse, Person)  # Zoë is the other team's
    forged_note = note(nurse, zoe, "Forged note")
    alert = row(nurse, "alert", person_id=zoe, kind="animal", summary="Forged alert", active=True)
    attacks = [
        smuggle(nurse, "contact_note", forged_note["id"], "append", forged_note),
        smuggle(nurse, "alert", alert["id"], "create", alert),
        smuggle(nurse, "person", zoe, "set", "Mallory", field="given_name"),
    ]
    _refused(server, nurse, attacks, OUT_OF_SCOPE)

    # The other team's laptop still syncs, and its record is untouched.
    assert sync(other_team).refused == []
    (held,) = _held(other_team, Person)
    assert held.given_name == "Zoë"
    assert [n.narrative for n in _held(other_team, ContactNote)] == [
        "Visited; walking with the frame."
    ]
    assert _held(other_team, Alert) == []


def test_a_coordinator_cannot_move_another_teams_person_into_its_own_team(
    server: RunningServer, laptop: Laptop, other_team: Workspace
) -> None:
    directory.add_user(server.store, "Pat Moss", "coordinator", "Craven Locality")
    coordinator = reopen(laptop("Pat Moss"))
    sync(coordinator)
    zoe = _id(other_team, ZOE)
    assert _held(coordinator, Person) == []
    attack = smuggle(
        coordinator, "person", zoe, "set", coordinator_team(coordinator), field="team_id"
    )
    _refused(server, coordinator, [attack], OUT_OF_SCOPE)

    # Its next pull brings nothing of Zoë, and her own team keeps her.
    sync(coordinator)
    assert _held(coordinator, Person) == []
    assert sync(other_team).evicted == 0
    assert [p.id for p in _held(other_team, Person)] == [zoe]


def coordinator_team(ws: Workspace) -> str:
    with ws.store.read() as session:
        team = settings.get(session, settings.HOME_TEAM)
    assert isinstance(team, str)
    return team


def test_a_support_worker_cannot_make_itself_lead_to_read_safeguarding_detail(
    server: RunningServer, laptop: Laptop
) -> None:
    directory.add_user(server.store, "Jo Hart", "support_worker", "Craven Locality")
    directory.add_user(server.store, "Pat Moss", "coordinator", "Craven Locality")
    social_worker = reopen(laptop("Ceri Jones"))
    support = reopen(laptop("Jo Hart"))
    coordinator = reopen(laptop("Pat Moss"))
    sync(social_worker)
    people.register(social_worker, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    zoe = _id(social_worker, ZOE)
    add_alert(
        social_worker,
        person_id=zoe,
        kind="safeguarding",
        summary="Safeguarding concern",
        restricted_detail=SAFEGUARDING,
    )
    assert sync(social_worker).refused == []
    sync(support)
    (alert,) = _held(support, Alert)
    assert alert.restricted_detail == PLACEHOLDER

    # The laptop's own rules refuse it first...
    with pytest.raises(AccessDeniedError, match="coordinator"):
        people.edit(support, ZOE, {"lead_professional": str(support.actor.user_id)})
    # ...and the server refuses it from a tampered laptop.
    attack = smuggle(
        support, "person", zoe, "set", support.actor.user_id, field="lead_professional_id"
    )
    _refused(server, support, [attack], ONLY_COORDINATOR_LEADS)
    sync(support)
    (alert,) = _held(support, Alert)
    assert alert.restricted_detail == PLACEHOLDER

    # The coordinator may (allocation), and the social worker's laptop still syncs.
    sync(coordinator)
    allocate(coordinator, person_ids=[zoe], staff_id=str(social_worker.actor.user_id))
    assert sync(coordinator).refused == []
    assert sync(social_worker).refused == []
    (held,) = _held(social_worker, Person)
    assert held.lead_professional_id == social_worker.actor.user_id


def test_changes_and_audit_events_in_another_users_name_are_refused(
    server: RunningServer, laptop: Laptop
) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    social_worker = reopen(laptop("Ceri Jones"))
    sync(nurse)
    people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    zoe = _id(nurse, ZOE)
    assert sync(nurse).refused == []
    sync(social_worker)
    sw = social_worker.actor
    other_org = "00000000-0000-4000-8000-00000000000a"

    # A note in the social worker's name, as the change's author and in the row.
    as_sw = note(nurse, zoe, "Written as Ceri", author_id=sw.user_id, author_role=sw.role)
    named = smuggle(nurse, "contact_note", as_sw["id"], "append", as_sw, author_id=sw.user_id)
    # The nurse's own note, but under another organisation.
    own = note(nurse, zoe, "For another organisation")
    elsewhere = smuggle(nurse, "contact_note", own["id"], "append", own, organisation_id=other_org)
    # A note whose row names the social worker, sent as the nurse's change.
    row_only = note(nurse, zoe, "Row names Ceri", author_id=sw.user_id, author_role=sw.role)
    inside = smuggle(nurse, "contact_note", row_only["id"], "append", row_only)
    # An alert whose row says the social worker recorded it.
    recorded = row(
        nurse,
        "alert",
        person_id=zoe,
        kind="lone_worker",
        summary="Dog",
        active=True,
        recorded_by=sw.user_id,
    )
    by_sw = smuggle(nurse, "alert", recorded["id"], "create", recorded)
    _refused(server, nurse, [named, elsewhere, inside, by_sw], NOT_YOURS)

    # An audit event with the social worker as actor, in the nurse's own chain: what a
    # tampered app writes by signing the journal in someone else's name.
    forged = Actor(sw.user_id, sw.organisation_id, sw.role, nurse.store.device_id)
    with nurse.store.write(forged) as session:
        audit(session, "record_viewed", person_id=zoe)
    # An audit event placed in the social worker's own laptop's chain.
    event = row(
        nurse,
        "audit_event",
        device_id=social_worker.store.device_id,
        device_seq=99,
        at="2030-01-01T00:00:00+00:00",
        actor_id=nurse.actor.user_id,
        actor_role=nurse.actor.role,
        organisation_id=nurse.actor.organisation_id,
        person_id=zoe,
        action="record_viewed",
        detail="{}",
        prev_hash="0" * 64,
        hash="0" * 64,
    )
    for key in ("recorded_at", "recorded_by", "recorded_org", "recorded_device"):
        event.pop(key)
    chain = smuggle(nurse, "audit_event", event["id"], "append", event)
    # Events in its own chain naming someone the server never knew, dated after or
    # before enrolment: none is taken (a laptop moves what it recorded before enrolment
    # to its enrolled user: sync/client/enrol.py).
    nobody = "00000000-0000-4000-8000-00000000000c"
    ghost = dict(
        event,
        id=str(uuid.uuid4()),
        device_id=nurse.store.device_id,
        actor_id=nobody,
        at=utcnow().isoformat(),
    )
    placeholder = smuggle(nurse, "audit_event", ghost["id"], "append", ghost, author_id=nobody)
    early = dict(ghost, id=str(uuid.uuid4()), at="2020-01-06T09:00:00+00:00")
    earlier = smuggle(nurse, "audit_event", early["id"], "append", early, author_id=nobody)
    report = sync(nurse)
    assert NOT_YOURS in report.refused and NOT_YOUR_CHAIN in report.refused
    assert push_error(nurse, chain) == NOT_YOUR_CHAIN
    assert push_error(nurse, placeholder) == push_error(nurse, earlier) == NOT_YOURS
    assert not any(_server_holds(server, c) for c in (chain, placeholder, earlier))

    # The access report shows nothing the social worker did not do herself: she
    # never looked at Zoë's record.
    rows, total = audit_report.fetch(
        server.store, ReportQuery(staff=str(sw.user_id), nhs_number=ZOE)
    )
    assert (rows, total) == ([], 0)
    with server.store.engine.connect() as conn:
        values = conn.execute(
            select(s.changes.c.value, s.changes.c.device_id).where(
                s.changes.c.entity == "audit_event"
            )
        ).all()
    for value, device_id in values:
        event_row = json.loads(str(value))
        if event_row["actor_id"] == sw.user_id:
            assert device_id == social_worker.store.device_id
    # The social worker's own laptop syncs as ever.
    assert sync(social_worker).refused == []


def test_an_administrators_laptop_receives_and_sends_no_clinical_records(
    server: RunningServer, laptop: Laptop
) -> None:
    directory.add_user(server.store, "Ash Grey", "administrator", "Craven Locality")
    nurse = reopen(laptop("Sam Taylor"))
    sync(nurse)
    people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    people.register(nurse, people.NewPerson(ALUN, "Alun", "Pritchard", "1951-10-30", "BD23 1JD"))
    add_note(nurse, ZOE, "Visited; walking with the frame.")
    assert sync(nurse).refused == []
    zoe = _id(nurse, ZOE)

    admin = reopen(laptop("Ash Grey"))
    report = sync(admin)
    assert report.refused == []
    assert _held(admin, Person) == [] and _held(admin, ContactNote) == []
    assert {m.display_name for m in _held(admin, StaffMember)} >= {"Sam Taylor", "Ash Grey"}

    forged = note(admin, zoe, "Administrator's note")
    attack = smuggle(admin, "contact_note", forged["id"], "append", forged)
    _refused(server, admin, [attack], NOT_CLINICAL)
    assert sync(nurse).refused == []
    assert len(_held(nurse, ContactNote)) == 1


def test_restricted_detail_is_wiped_or_moved_to_another_category_only_by_who_may_see_it(
    server: RunningServer, laptop: Laptop
) -> None:
    """Clearing a key safe code is writing it (a support worker once could, and the
    code was gone from every laptop of the team), and an alert's kind moved between
    safeguarding and the other kinds moves its detail to whoever the new kind shows it
    to (a nurse once could turn a safeguarding alert into an "animal" one, and a fresh
    laptop of hers was then sent the safeguarding detail)."""
    directory.add_user(server.store, "Jo Hart", "support_worker", "Craven Locality")
    social_worker = reopen(laptop("Ceri Jones"))
    sync(social_worker)
    people.register(social_worker, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    zoe = _id(social_worker, ZOE)
    key_safe = add_alert(
        social_worker,
        person_id=zoe,
        kind="access_to_home",
        summary="Key safe by the back door",
        restricted_detail="KEYSAFE 2468",
    ).entity_id
    concern = add_alert(
        social_worker,
        person_id=zoe,
        kind="safeguarding",
        summary="Safeguarding concern",
        restricted_detail=SAFEGUARDING,
    ).entity_id
    assert sync(social_worker).refused == []

    support = reopen(laptop("Jo Hart"))
    sync(support)
    wipe = smuggle(support, "alert", key_safe, "set", None, field="restricted_detail")
    _refused(server, support, [wipe], RESTRICTED_REFUSED["key_safe"])

    nurse = reopen(laptop("Sam Taylor"))
    sync(nurse)
    # The laptop's own rules refuse it first...
    with pytest.raises(AccessDeniedError, match="into or out of safeguarding"):
        update_alert(nurse, alert_id=concern, kind="animal", summary="Dog")
    # ...and the server refuses it from a tampered laptop, either way round.
    moves = [
        smuggle(nurse, "alert", concern, "set", "animal", field="kind"),
        smuggle(nurse, "alert", key_safe, "set", "safeguarding", field="kind"),
    ]
    _refused(server, nurse, moves, ALERT_KIND_REFUSED)
    # Within one category any role with the record may reword it, and an alert made and
    # changed offline goes in one push: its kind before the change is its create's
    # (the server once judged it by a kind it did not hold yet, as safeguarding).
    update_alert(nurse, alert_id=key_safe, kind="animal", summary="Key safe; a dog too")
    made = add_alert(nurse, person_id=zoe, kind="other", summary="Steep drive").entity_id
    update_alert(nurse, alert_id=made, kind="animal", summary="Steep drive; a goose")
    assert sync(nurse).refused == []

    # The team still holds the code; a fresh laptop of the nurse is still not sent the
    # safeguarding detail; the social worker, who may see both, may move the kind.
    sync(social_worker)
    details = {a.id: a.restricted_detail for a in _held(social_worker, Alert) if a.id != made}
    assert details == {key_safe: "KEYSAFE 2468", concern: SAFEGUARDING}
    fresh = reopen(laptop("Sam Taylor"))
    sync(fresh)
    details = {a.id: a.restricted_detail for a in _held(fresh, Alert) if a.id != made}
    assert details == {key_safe: "KEYSAFE 2468", concern: PLACEHOLDER}
    update_alert(social_worker, alert_id=concern, kind="access_to_home", summary="Moved")
    assert sync(social_worker).refused == []


def test_an_enrolled_laptop_refuses_what_its_server_would_before_writing(
    server: RunningServer, laptop: Laptop
) -> None:
    """The same rules on the laptop's own write path: nothing refused is journalled,
    so nothing waits to be refused by the server."""
    nurse = reopen(laptop("Sam Taylor"))
    sync(nurse)
    people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    zoe = _id(nurse, ZOE)
    waiting = pending_changes(nurse)
    with pytest.raises(AccessDeniedError, match="safeguarding detail"):
        add_alert(
            nurse,
            person_id=zoe,
            kind="safeguarding",
            summary="Safeguarding concern",
            restricted_detail=SAFEGUARDING,
        )
    with pytest.raises(AccessDeniedError, match="coordinator"):
        people.edit(nurse, ZOE, {"lead_professional": "Ceri Jones"})
    with (
        pytest.raises(AccessDeniedError, match="coordinator"),
        nurse.store.write(nurse.actor) as session,
    ):
        people.find(session, ZOE).team_id = "00000000-0000-4000-8000-00000000000b"
    assert pending_changes(nurse) == waiting
    # What the nurse may do goes through, and the server takes it.
    add_alert(nurse, person_id=zoe, kind="safeguarding", summary="Safeguarding concern")
    assert pending_changes(nurse) > waiting
    assert sync(nurse).refused == []


def _nurses_signed_part(laptop: Laptop) -> tuple[Workspace, Workspace, str, Any]:
    """The nurse's health part of Zoë's joint assessment, signed by her and synced to
    the social worker: (nurse, social worker, Zoë's id, the part as the social worker
    holds it)."""
    nurse = reopen(laptop("Sam Taylor"))
    social_worker = reopen(laptop("Ceri Jones"))
    sync(nurse)
    people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    zoe = _id(nurse, ZOE)
    record_part(nurse, person_id=zoe, part="health", findings="Leg ulcer, left.")
    assert sync(nurse).refused == []
    sync(social_worker)
    (part,) = initial_parts(open_record(social_worker, zoe).assessments)
    return nurse, social_worker, zoe, part


def test_an_assessment_part_cannot_be_signed_as_a_colleague_nor_re_signed(
    server: RunningServer, laptop: Laptop
) -> None:
    """Each part of the joint assessment is signed by its author: a laptop cannot
    sign one in a colleague's name, nor move a colleague's signature."""
    nurse, social_worker, zoe, honest = _nurses_signed_part(laptop)
    ceri = social_worker.actor.user_id

    as_ceri = row(
        nurse,
        "assessment",
        person_id=zoe,
        assessment_type="Initial assessment",
        part="carers",
        assessed_on="2026-11-30",
        summary="Daughter cannot cope (signed as Ceri)",
        performed_by_id=ceri,
        shown_in_plan=False,
    )
    forged = smuggle(nurse, "assessment", as_ceri["id"], "create", as_ceri)
    _refused(server, nurse, [forged], NOT_YOUR_SIGNATURE)
    # The social worker's laptop cannot take over the nurse's part either, nor reword
    # what it found under her name; the person's say on printing it is anyone's.
    resigned = smuggle(social_worker, "assessment", honest.id, "set", ceri, field="performed_by_id")
    _refused(server, social_worker, [resigned], SIGNATURE_FIXED)
    reworded = smuggle(
        social_worker, "assessment", honest.id, "set", "No concerns.", field="summary"
    )
    _refused(server, social_worker, [reworded], NOT_THE_SIGNER)
    agreed = smuggle(social_worker, "assessment", honest.id, "set", True, field="shown_in_plan")
    report = sync(social_worker)
    assert report.refused == [] and _server_holds(server, agreed)

    sync(nurse)
    (held,) = initial_parts(open_record(nurse, zoe).assessments)
    assert held.by_id == nurse.actor.user_id and held.summary == "Leg ulcer, left."
    assert held.shown_in_plan


def test_a_coordinator_cannot_register_someone_led_by_who_holds_no_caseload(
    server: RunningServer, laptop: Laptop
) -> None:
    directory.add_user(server.store, "Cora Coord", "coordinator", "Craven Locality")
    directory.add_user(server.store, "Adam Admin", "administrator", "Craven Locality")
    coordinator = reopen(laptop("Cora Coord"))
    sync(coordinator)
    with coordinator.store.read() as session:
        admin = session.execute(
            select(StaffMember.id).where(StaffMember.display_name == "Adam Admin")
        ).scalar_one()
    # A whole, valid person row (only its lead is wrong).
    person = own_row(coordinator, "person", nhs_number=ZOE, lead_professional_id=admin)
    created = smuggle(coordinator, "person", person["id"], "create", person)
    _refused(server, coordinator, [created], NOT_A_LEAD)


def test_a_signed_part_the_server_cannot_read_is_reworded_by_no_one(
    server: RunningServer, laptop: Laptop
) -> None:
    """The server cannot tell who signed an assessment part whose stored create is
    spoilt (by hand, or a bug): so no one may reword it (taken as unsigned, anyone
    could; before that, every push naming it failed)."""
    _nurse, social_worker, _zoe, part = _nurses_signed_part(laptop)
    spoil(server.store, part.id, op="create", value='{"performed_by_id": "half a row')
    reworded = smuggle(social_worker, "assessment", part.id, "set", "No concerns.", field="summary")
    _refused(server, social_worker, [reworded], NOT_THE_SIGNER)
