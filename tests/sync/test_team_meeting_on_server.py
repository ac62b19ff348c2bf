"""Issue 20's team meeting across laptops, through a real server on loopback (SQLite
and PostgreSQL): the coordinator prepares the meeting and its list on one laptop; it
reaches the nurse's; in the room, with no connection, each records the decision for a
different person; afterwards both sync and both plans hold both sets of owned, dated
actions and both notes naming who came. A meeting is the coordinator's: the server
refuses one set up, moved or removed from any other laptop by the laptop's own rules,
keeping the rest of the push."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.services import clock
from app.services.mdt.agenda import add_to_list, flag_for_discussion, meeting_list, offered
from app.services.mdt.briefs import meeting_pack
from app.services.mdt.decisions import AgreedAction, record_decision
from app.services.mdt.meetings import set_up_meeting, team_meetings
from app.services.priority import team_weights
from app.services.record import people
from app.services.record.record import open_record
from app.services.write_rules.write_policy import (
    MEETING_KEPT,
    ONLY_COORDINATOR_LISTS,
    ONLY_COORDINATOR_MEETINGS,
)
from app.workspace import Workspace
from storage.tables import ContactNote, MdtMeeting
from sync.server import directory
from tests.conftest import ALUN, ZOE
from tests.sync.conftest import TEAM, Laptop, RunningServer, reopen
from tests.sync.helpers import sync
from tests.sync.raw_push import crafted, own_row, refusals, signed_push, still_syncs

PRESENT = ["Cai Morgan, coordinator", "Sam Taylor, community nurse", "Dr Shah, GP"]


@dataclass
class Team:
    server: RunningServer
    coordinator: Workspace
    nurse: Workspace
    team_id: str
    zoe: str
    alun: str


@pytest.fixture
def team(server: RunningServer, laptop: Laptop) -> Iterator[Team]:
    directory.add_user(server.store, "Cai Morgan", "coordinator", TEAM)
    coordinator = reopen(laptop("Cai Morgan"))
    nurse = reopen(laptop("Sam Taylor"))
    zoe = people.register(nurse, people.NewPerson(ZOE, "Zoë", "Okafor", "1941-03-02", "DL8 3AB"))
    alun = people.register(
        nurse, people.NewPerson(ALUN, "Alun", "Pritchard", "1951-10-30", "BD23 1JD")
    )
    assert not sync(nurse).refused
    assert not sync(coordinator).refused
    team_id = team_weights.team_weights(coordinator).team_id
    assert team_id is not None
    made = Team(server, coordinator, nurse, team_id, zoe, alun)
    yield made
    for ws in (made.coordinator, made.nurse):
        if ws.store.is_open:
            ws.close()


def test_prepared_on_one_laptop_held_offline_on_two_decided_into_both_plans(team: Team) -> None:
    # Before: the nurse flags Zoë; the coordinator sets the meeting up and lists both.
    flag_for_discussion(team.nurse, person_id=team.zoe, why="Falls at night")
    assert not sync(team.nurse).refused
    assert not sync(team.coordinator).refused
    when = clock.at_local(clock.today() + timedelta(days=2), 10)
    meeting_id = set_up_meeting(team.coordinator, meets_at=when).entity_id
    assert meeting_id is not None
    assert meeting_list(team.coordinator, meeting_id) == []  # listed by the coordinator
    offer = {o.person_id: o for o in offered(team.coordinator, meeting_id)}
    zoe = offer[team.zoe]
    add_to_list(
        team.coordinator,
        meeting_id,
        person_id=team.zoe,
        reason=zoe.reason,
        why=zoe.why,
        flag_id=zoe.item_id,
    )
    add_to_list(
        team.coordinator,
        meeting_id,
        person_id=team.alun,
        reason="priority",
        why="Two admissions since June",
    )
    assert not sync(team.coordinator).refused
    # The list goes out: the nurse's laptop has the meeting, the list and the briefs.
    assert not sync(team.nurse).refused
    assert [m.id for m in team_meetings(team.nurse)] == [meeting_id]
    pack = meeting_pack(team.nurse, meeting_id)
    assert [b.listed.person_id for b in pack.briefs] == [team.zoe, team.alun]

    # In the room, no connection: each laptop records a different person's decision.
    due = clock.today() + timedelta(days=7)
    [z_item, a_item] = meeting_list(team.nurse, meeting_id)
    assert z_item.item_id and a_item.item_id
    record_decision(
        team.nurse,
        z_item.item_id,
        decision="Falls clinic",
        attendees=PRESENT,
        actions=[AgreedAction("Refer to the falls clinic", "Dr Shah", "GP", due)],
    )
    record_decision(
        team.coordinator,
        a_item.item_id,
        decision="Step up visits",
        attendees=PRESENT,
        actions=[AgreedAction("Visit twice a week", "Sam Taylor", "Nurse", due)],
    )
    # Afterwards both sync (twice: each pulls what the other pushed).
    for ws in (team.nurse, team.coordinator, team.nurse):
        assert not sync(ws).refused
    for ws in (team.nurse, team.coordinator):
        agreed = {
            person: [
                (a.what, a.who_name, a.due_on)
                for a in open_record(ws, person).plan.agreed_at_meetings
            ]
            for person in (team.zoe, team.alun)
        }
        assert agreed == {
            team.zoe: [("Refer to the falls clinic", "Dr Shah", due)],
            team.alun: [("Visit twice a week", "Sam Taylor", due)],
        }
        with ws.store.read() as session:
            notes = list(
                session.execute(
                    select(ContactNote).where(ContactNote.contact_type == "mdt_meeting")
                ).scalars()
            )
        assert len(notes) == 2
        assert all("Present: Cai Morgan, coordinator; Sam Taylor" in n.narrative for n in notes)


def test_only_the_coordinator_sets_up_a_meeting_and_none_is_moved_or_removed(
    team: Team,
) -> None:
    row = own_row(
        team.nurse,
        "mdt_meeting",
        team_id=team.team_id,
        meets_at=(clock.now() + timedelta(days=2)).isoformat(),
        place=None,
        replaces_id=None,
        cancelled=False,
    )
    phone = crafted(team.nurse, "person", "set", team.zoe, "01756 700000", "phone")
    sent = [crafted(team.nurse, "mdt_meeting", "append", str(row["id"]), row), phone]
    refused = refusals(signed_push(team.server.url, team.nurse, sent))
    assert refused == {sent[0]["change_id"]: ONLY_COORDINATOR_MEETINGS}
    # The coordinator's own is kept; moving it afterwards is refused whoever sends it.
    when = clock.at_local(clock.today() + timedelta(days=3), 14)
    meeting_id = set_up_meeting(team.coordinator, meets_at=when).entity_id
    assert not sync(team.coordinator).refused
    moved = crafted(
        team.coordinator,
        "mdt_meeting",
        "set",
        str(meeting_id),
        (when + timedelta(days=1)).isoformat(),
        "meets_at",
    )
    refused = refusals(signed_push(team.server.url, team.coordinator, [moved]))
    assert refused == {moved["change_id"]: MEETING_KEPT}
    team.nurse, _ = still_syncs(team.nurse)
    with team.nurse.store.read() as session:
        [held] = session.execute(select(MdtMeeting)).scalars()
    assert held.id == meeting_id and held.meets_at == when


def test_only_the_coordinator_lists_and_an_agreed_action_names_a_real_item(team: Team) -> None:
    when = clock.at_local(clock.today() + timedelta(days=3), 14)
    meeting_id = set_up_meeting(team.coordinator, meets_at=when).entity_id
    assert not sync(team.coordinator).refused
    assert not sync(team.nurse).refused
    listed = own_row(
        team.nurse,
        "mdt_item",
        person_id=team.zoe,
        meeting_id=meeting_id,
        reason="priority",
        why="Listed by a nurse",
        decision=None,
        decided_on=None,
        attendees=None,
        taken_off_on=None,
        note_id=None,
    )
    stray = own_row(
        team.nurse,
        "plan_action",
        person_id=team.zoe,
        goal_id=None,
        mdt_item_id="no-such-item",
        what="Visit daily",
        who_name="Sam Taylor",
        status="planned",
    )
    phone = crafted(team.nurse, "person", "set", team.zoe, "01756 700001", "phone")
    sent = [
        crafted(team.nurse, "mdt_item", "create", str(listed["id"]), listed),
        crafted(team.nurse, "plan_action", "create", str(stray["id"]), stray),
        phone,
    ]
    refused = refusals(signed_push(team.server.url, team.nurse, sent))
    assert refused[sent[0]["change_id"]] == ONLY_COORDINATOR_LISTS
    assert sent[1]["change_id"] in refused  # names no item this server holds
    assert phone["change_id"] not in refused
    team.coordinator, _ = still_syncs(team.coordinator)
    assert meeting_list(team.coordinator, str(meeting_id)) == []
