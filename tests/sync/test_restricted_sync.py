"""The server sends each laptop only what its user may see: a support worker's laptop
never receives the key safe code or a sensitive note's text, a nurse's does; the
withheld values never come back as real ones, and every replica still converges."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from app.errors import InvalidInputError
from app.services import clock
from app.services.care.risks import add_alert, update_alert
from app.services.profile import integrity
from app.services.record import conflicts, people
from app.services.record.record import open_record
from app.services.record.timeline import TimelineQuery, fetch_timeline
from app.services.write_rules.write_policy import RESTRICTED_REFUSED
from app.workspace import Workspace
from storage.tables import Alert, BreakGlassGrant, ContactNote
from storage.withheld import PLACEHOLDER, marker
from sync.protocol import Change
from sync.server import directory
from sync.server.validation import refusal
from tests.conftest import ZOE
from tests.sync.bad_rows import spoil
from tests.sync.conftest import TEAM, Laptop, RunningServer, reopen
from tests.sync.helpers import sync

KEY_SAFE = "KEYSAFE 2468"
NEW_KEY_SAFE = "KEYSAFE 1357"
SAFEGUARDING = "Section 42 enquiry: nephew takes her pension"
SENSITIVE = "Told me in confidence about her past overdose"


def _everything(ws: Workspace) -> str:
    """Every value in the laptop's tables and journal, as one string to search."""
    with ws.store.engine.connect() as conn:
        parts = [
            str(tuple(row))
            for table in ("alert", "contact_note", "change_journal")
            for row in conn.execute(text(f"SELECT * FROM {table}"))
        ]
    return "\n".join(parts)


def _seed(nurse: Workspace, social_worker: Workspace) -> tuple[str, str]:
    people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    with nurse.store.read() as s:
        zoe = people.find(s, ZOE).id
    add_alert(
        nurse,
        person_id=zoe,
        kind="access_to_home",
        summary="Key safe by the door",
        restricted_detail=KEY_SAFE,
    )
    # Safeguarding detail is recorded by a role that may see it (a nurse may not).
    sync(nurse)
    sync(social_worker)
    add_alert(
        social_worker,
        person_id=zoe,
        kind="safeguarding",
        summary="Safeguarding concern",
        restricted_detail=SAFEGUARDING,
    )
    assert sync(social_worker).refused == []
    with nurse.store.write(nurse.actor) as s:
        s.add(
            ContactNote(
                person_id=zoe,
                contact_type="home_visit",
                narrative=SENSITIVE,
                occurred_at=clock.now() - timedelta(hours=1),
                author_id=nurse.actor.user_id,
                author_role="community_nurse",
                organisation_id=nurse.actor.organisation_id,
                sensitive=True,
            )
        )
    with nurse.store.read() as s:
        key_alert = s.execute(select(Alert.id).where(Alert.kind == "access_to_home")).scalar_one()
    return zoe, key_alert


def test_each_laptop_receives_only_what_its_user_may_see(
    server: RunningServer, laptop: Laptop
) -> None:
    for name, role in (("Sid Support", "support_worker"), ("Nia Nurse", "community_nurse")):
        directory.add_user(server.store, name, role, TEAM)
    author = reopen(laptop("Sam Taylor"))
    support = reopen(laptop("Sid Support"))
    nurse = reopen(laptop("Nia Nurse"))
    social = reopen(laptop("Ceri Jones"))
    sync(author)
    zoe, key_alert = _seed(author, social)
    for ws in (author, support, nurse, social):
        sync(ws)

    held = {
        name: _everything(ws)
        for name, ws in (("support", support), ("nurse", nurse), ("social", social))
    }
    assert KEY_SAFE not in held["support"] and SENSITIVE not in held["support"]
    assert SAFEGUARDING not in held["support"]
    assert KEY_SAFE in held["nurse"] and SENSITIVE in held["nurse"]  # same profession
    assert SAFEGUARDING not in held["nurse"]
    assert KEY_SAFE in held["social"] and SAFEGUARDING in held["social"]
    assert SENSITIVE not in held["social"]

    # The support worker's record says the content exists and whom to ask.
    record = open_record(support, zoe)
    assert all(a.has_restricted_detail and a.restricted_detail is None for a in record.alerts)
    assert {a.ask for a in record.alerts} == {"Restricted — ask the lead professional"}
    _, notes = fetch_timeline(support, TimelineQuery(person_id=zoe))
    assert notes[0].sensitive and notes[0].narrative == "" and notes[0].ask
    with support.store.read() as s:
        assert s.get(Alert, key_alert).restricted_detail == PLACEHOLDER  # type: ignore[union-attr]

    # Field edits on either side converge; the withheld value never wins anywhere.
    update_alert(support, alert_id=key_alert, kind="access_to_home", summary="Key safe, side door")
    sync(support)
    with author.store.write(author.actor) as s:
        s.get(Alert, key_alert).restricted_detail = NEW_KEY_SAFE  # type: ignore[union-attr]
    for ws in (author, support, nurse, author):
        sync(ws)
    for ws in (author, nurse):
        with ws.store.read() as s:
            alert = s.get(Alert, key_alert)
            assert alert is not None
            assert (alert.summary, alert.restricted_detail) == ("Key safe, side door", NEW_KEY_SAFE)
    assert NEW_KEY_SAFE not in _everything(support)
    with support.store.read() as s:
        alert = s.get(Alert, key_alert)
        assert alert is not None
        assert (alert.summary, alert.restricted_detail) == ("Key safe, side door", PLACEHOLDER)
    for ws in (author, support, nurse, social):
        report = integrity.check(ws)
        assert report.journal_problems == []


def test_a_withheld_value_is_never_sent_back_or_kept_in_a_conflict(workspace: Workspace) -> None:
    ids = [str(uuid.uuid4()) for _ in range(3)]
    change = Change(
        change_id=ids[0],
        hlc=1,
        device_id=ids[1],
        author_id=None,
        organisation_id=None,
        entity="alert",
        entity_id=ids[2],
        op="set",
        field="restricted_detail",
        value='{"$withheld": true}',
        bases=[],
        recorded_at=clock.now().isoformat(),
    )
    assert (
        refusal(change, ids[1])
        == "A value withheld from this laptop cannot be sent back as a value."
    )
    row = change.model_copy(
        update={
            "op": "create",
            "field": None,
            "value": json.dumps({"id": ids[2], "person_id": ids[0], "restricted_detail": marker()}),
        }
    )
    assert refusal(row, ids[1]) is not None
    with pytest.raises(InvalidInputError, match="withheld"):
        conflicts.resolve(workspace, "alert:a1:restricted_detail", marker())
    with pytest.raises(InvalidInputError, match="withheld"):
        conflicts.resolve(workspace, "alert:a1:restricted_detail", PLACEHOLDER)


def test_a_break_glass_grant_reaches_the_coordinator(server: RunningServer, laptop: Laptop) -> None:
    """The grant is journalled with the person's record: the person's team's laptops
    (their coordinator's, the IG lead's) receive who, why and until when."""
    directory.add_user(server.store, "Cora Coord", "coordinator", TEAM)
    nurse = reopen(laptop("Sam Taylor"))
    coordinator = reopen(laptop("Cora Coord"))
    sync(nurse)
    people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    with nurse.store.read() as s:
        zoe = people.find(s, ZOE).id
    reason = "Out-of-hours call: fall at home, lead nurse off sick"
    started = clock.now()
    # As app.services.need_to_know.break_glass writes it (there, only when outside the relationship).
    with nurse.store.write(nurse.actor) as s:
        s.add(
            BreakGlassGrant(
                person_id=zoe,
                staff_member_id=nurse.actor.user_id,
                staff_role="community_nurse",
                reason=reason,
                started_at=started,
                expires_at=started + timedelta(hours=2),
            )
        )
    sync(nurse)
    sync(coordinator)
    with coordinator.store.read() as s:
        grant = s.execute(select(BreakGlassGrant)).scalar_one()
        assert (grant.person_id, grant.staff_member_id, grant.reason) == (
            zoe,
            nurse.actor.user_id,
            reason,
        )


def test_an_alert_the_server_cannot_read_keeps_its_detail_and_stops_no_sync(
    server: RunningServer, laptop: Laptop
) -> None:
    """An alert whose stored create is spoilt (by hand, or a bug) has a kind no one can
    read, so it may be safeguarding: its detail goes only to those who may see that,
    and only they may write it (category_of_alert). Nor does it stop anyone's pull or
    push (each once failed, sync after sync)."""
    directory.add_user(server.store, "Nia Nurse", "community_nurse", TEAM)
    author = reopen(laptop("Sam Taylor"))
    nurse = reopen(laptop("Nia Nurse"))
    sync(author)
    people.register(author, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    with author.store.read() as s:
        zoe = people.find(s, ZOE).id
    add_alert(
        author, person_id=zoe, kind="access_to_home", summary="Key safe", restricted_detail=KEY_SAFE
    )
    with author.store.read() as s:
        alert_id = s.execute(select(Alert.id)).scalar_one()
    sync(author)
    with author.store.write(author.actor) as s:
        s.get(Alert, alert_id).restricted_detail = NEW_KEY_SAFE  # type: ignore[union-attr]
    assert sync(author).refused == []
    # The alert's create spoilt on the server: its kind can no longer be read.
    spoil(server.store, alert_id, op="create", value='{"id": "half a row')
    # A nurse may see a key safe, not safeguarding: she is sent neither detail (the
    # create goes as the withheld marker and is kept aside), and her sync goes on.
    report = sync(nurse)
    assert report.kept_aside
    assert KEY_SAFE not in _everything(nurse) and NEW_KEY_SAFE not in _everything(nurse)
    # Nor may a nurse write that detail now.
    with author.store.write(author.actor) as s:
        s.get(Alert, alert_id).restricted_detail = "KEYSAFE 9999"  # type: ignore[union-attr]
    assert sync(author).refused == [RESTRICTED_REFUSED["safeguarding"]]
