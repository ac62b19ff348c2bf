"""The multi-disciplinary team meeting on one laptop (issue 20): the coordinator sets it
up; anyone flags a person with why; the list is offered from the record (flags, new
referrals, ended reablement, overdue reviews, the top of the priority list) and built
by the coordinator; each person's brief says what every agency changed since the last
meeting, never a note's words; the decision becomes owned, dated actions in the plan
and a note naming who was there, all or nothing."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta

import pdfplumber
import pytest
from sqlalchemy import func, select

from app.errors import AccessDeniedError, InvalidInputError
from app.reports.plan_pdf import build_plan_pdf
from app.reports.printing import load_plan
from app.services import clock
from app.services.mdt.agenda import (
    ORDER,
    add_to_list,
    flag_for_discussion,
    meeting_list,
    offered,
    take_off_list,
)
from app.services.mdt.briefs import meeting_pack
from app.services.mdt.decisions import AgreedAction, record_decision
from app.services.mdt.meetings import (
    cancel_meeting,
    move_meeting,
    next_meeting,
    set_up_meeting,
    team_meetings,
)
from app.services.record.people import NewPerson, register
from app.services.record.record import open_record
from app.services.write_rules.write_policy import ONLY_COORDINATOR_MEETINGS
from app.values.nhs_number import check_digit
from app.values.vocab import MdtReason, Role
from app.workspace import Workspace
from storage.tables import (
    CarePlan,
    ContactNote,
    MdtItem,
    Organisation,
    PlanAction,
    ReablementEpisode,
    Referral,
    Risk,
    StaffMember,
)
from tests.team_helpers import join_team

SECRET = "she told me about the money her grandson takes"


def _nhs(n: int) -> str:
    first = f"99912{n:04d}"
    digit = check_digit(first)
    assert digit < 10, "pick another n: this one has no valid check digit"
    return first + str(digit)


def _people(ws: Workspace) -> dict[str, str]:
    names = {
        "flagged": ("Zoë", "Okafor", 1),
        "referred": ("Alun", "Pritchard", 2),
        "overdue": ("Bronwen", "Hughes", 3),
        "reabled": ("Cyril", "Dent", 4),
        "quiet": ("Dilys", "Evans", 5),
    }
    ids = {}
    for key, (given, family, n) in names.items():
        ids[key] = register(ws, NewPerson(_nhs(n), given, family, "1940-05-06", "BD23 1JD"))
    today = clock.today()
    with ws.store.write(ws.actor) as s:
        s.add(
            Referral(
                person_id=ids["referred"],
                source="gp",
                urgency="urgent",
                received_on=today - timedelta(days=3),
            )
        )
        s.add(CarePlan(person_id=ids["overdue"], review_due=today - timedelta(days=10)))
        s.add(
            ReablementEpisode(
                person_id=ids["reabled"],
                started_on=today - timedelta(days=40),
                planned_end_on=today - timedelta(days=2),
                ended_on=today - timedelta(days=2),
                outcome="independent",
            )
        )
    return ids


@pytest.fixture
def team(workspace: Workspace) -> tuple[Workspace, dict[str, str]]:
    join_team(workspace)
    return workspace, _people(workspace)


def _meeting(ws: Workspace, days: int = 2) -> str:
    when = clock.at_local(clock.today() + timedelta(days=days), 10)
    return set_up_meeting(ws, meets_at=when, place="Skipton health centre").entity_id or ""


def test_only_the_coordinator_sets_up_a_meeting_for_a_time_to_come(
    team: tuple[Workspace, dict[str, str]],
) -> None:
    ws, _ = team
    with pytest.raises(InvalidInputError, match="still to come"):
        set_up_meeting(ws, meets_at=clock.now() - timedelta(hours=1))
    meeting_id = _meeting(ws)
    assert [m.id for m in team_meetings(ws)] == [meeting_id]
    found = next_meeting(ws)
    assert found is not None and found.place == "Skipton health centre"
    assert found.list_closes_at == found.meets_at - timedelta(hours=24)
    with ws.store.write(ws.actor) as s:
        me = s.get(StaffMember, ws.actor.user_id)
        assert me is not None
        me.role = Role.COMMUNITY_NURSE.value
    with pytest.raises(AccessDeniedError, match=ONLY_COORDINATOR_MEETINGS):
        _meeting(ws, days=9)
    assert len(team_meetings(ws)) == 1


def test_the_list_is_offered_from_the_record_with_why_and_built_by_the_coordinator(
    team: tuple[Workspace, dict[str, str]],
) -> None:
    ws, ids = team
    meeting_id = _meeting(ws)
    flag_for_discussion(ws, person_id=ids["flagged"], why="Falls at night; daughter worried")
    with pytest.raises(InvalidInputError):
        flag_for_discussion(ws, person_id=ids["quiet"], why="  ")
    offer = {o.person_id: o for o in offered(ws, meeting_id)}
    assert offer[ids["flagged"]].reason is MdtReason.FLAGGED
    assert offer[ids["flagged"]].why.startswith("Falls at night; daughter worried")
    assert offer[ids["flagged"]].flagged_by == "Sam Taylor"
    assert offer[ids["referred"]].reason is MdtReason.NEW_REFERRAL
    # What is kept on the list (and shared with the care plan) says no more than the
    # reason; the fuller words are the coordinator's screen's only.
    assert offer[ids["referred"]].why == "New referral"
    assert "(urgent)" in offer[ids["referred"]].detail
    assert offer[ids["reabled"]].reason is MdtReason.REABLEMENT_ENDED
    assert "independent" in offer[ids["reabled"]].why
    assert offer[ids["overdue"]].reason is MdtReason.REVIEW_OVERDUE
    # In the list's order: flags first, then referrals, ended reablement, reviews.
    reasons = [o.reason for o in offered(ws, meeting_id)]
    assert reasons == sorted(reasons, key=ORDER.index)

    flag = offer[ids["flagged"]]
    add_to_list(
        ws,
        meeting_id,
        person_id=flag.person_id,
        reason=flag.reason,
        why=flag.why,
        flag_id=flag.item_id,
    )
    referred = offer[ids["referred"]]
    add_to_list(
        ws, meeting_id, person_id=referred.person_id, reason=referred.reason, why=referred.why
    )
    with pytest.raises(InvalidInputError, match="already on this meeting's list"):
        add_to_list(ws, meeting_id, person_id=referred.person_id, reason="priority", why="x")
    listed = meeting_list(ws, meeting_id)
    assert [(r.person_id, r.reason) for r in listed] == [
        (ids["flagged"], MdtReason.FLAGGED),
        (ids["referred"], MdtReason.NEW_REFERRAL),
    ]
    assert {o.person_id for o in offered(ws, meeting_id)}.isdisjoint(
        {ids["flagged"], ids["referred"]}
    )
    # Taken off: a flag waits for the next meeting; anything else is marked taken off.
    for row in listed:
        assert row.item_id is not None
        take_off_list(ws, row.item_id)
    assert meeting_list(ws, meeting_id) == []
    again = {o.person_id: o for o in offered(ws, meeting_id)}
    assert again[ids["flagged"]].reason is MdtReason.FLAGGED
    with ws.store.read() as s:
        kept = s.execute(select(func.count()).select_from(MdtItem)).scalar()
    assert kept == 2  # nothing removed


def test_the_brief_says_what_every_agency_changed_since_never_the_words(
    team: tuple[Workspace, dict[str, str]],
) -> None:
    ws, ids = team
    meeting_id = _meeting(ws)
    person = ids["flagged"]
    add_to_list(ws, meeting_id, person_id=person, reason="flagged", why="Falls at night")
    [listed] = meeting_list(ws, meeting_id)
    with ws.store.write(ws.actor) as s:
        trust = Organisation(name="Dales Community Health", kind="community_trust")
        s.add(trust)
        s.flush()
        ceri = StaffMember(
            display_name="Ceri Jones", role="community_nurse", organisation_id=trust.id
        )
        s.add(ceri)
        s.flush()
        colleague = replace(ws.actor, user_id=ceri.id, organisation_id=trust.id, role=ceri.role)
    with ws.store.write(colleague) as s:
        s.add(
            ContactNote(
                person_id=person,
                contact_type="phone_call",
                occurred_at=clock.now(),
                narrative=SECRET,
                author_id=colleague.user_id,
                author_role="community_nurse",
                organisation_id=trust.id,
            )
        )
        s.add(Risk(person_id=person, kind="falls", description=SECRET, likelihood=5, impact=4))
        s.add(
            PlanAction(
                person_id=person,
                goal_id=None,
                mdt_item_id=listed.item_id,
                what="Check the rail",
                who_name="Ceri Jones",
                due_on=clock.today() - timedelta(days=1),
            )
        )
    pack = meeting_pack(ws, meeting_id)
    [brief] = pack.briefs
    said = {c.what for c in brief.changes}
    assert {"New note: phone call", "New risk: falls"} <= said
    assert any(c.who == "Ceri Jones" for c in brief.changes)
    assert any(c.who == "Sam Taylor" for c in brief.changes)  # every agency, mine too
    assert SECRET not in repr(brief)
    assert brief.since == "in the 28 days before this meeting"
    assert brief.high_risks == ("Falls",)
    [action] = brief.actions
    assert action.what == "Check the rail" and action.overdue
    assert pack.not_shown == 0


def test_a_decision_becomes_owned_dated_actions_in_the_plan_and_a_note_naming_who_came(
    team: tuple[Workspace, dict[str, str]],
) -> None:
    ws, ids = team
    meeting_id = _meeting(ws)
    person = ids["flagged"]
    add_to_list(ws, meeting_id, person_id=person, reason="flagged", why="Falls at night")
    [item] = meeting_list(ws, meeting_id)
    assert item.item_id is not None
    due = clock.today() + timedelta(days=14)
    present = ["Sam Taylor, coordinator", "Ceri Jones, district nurse", "Dr Shah, GP"]
    with pytest.raises(InvalidInputError):  # an action with no owner: nothing written
        record_decision(
            ws,
            item.item_id,
            decision="Refer to falls clinic",
            attendees=present,
            actions=[AgreedAction("Refer to the falls clinic", " ", None, due)],
        )
    with pytest.raises(InvalidInputError, match="who was at the meeting"):
        record_decision(ws, item.item_id, decision="Refer", attendees=[" "])
    with ws.store.read() as s:
        assert s.execute(select(func.count()).select_from(PlanAction)).scalar() == 0
        assert s.get(MdtItem, item.item_id).decision is None  # type: ignore[union-attr]

    record_decision(
        ws,
        item.item_id,
        decision="Refer to the falls clinic; OT to assess the stairs",
        attendees=present,
        actions=[
            AgreedAction("Refer to the falls clinic", "Dr Shah", "GP", due),
            AgreedAction(
                "Assess the stairs for a second rail",
                "Priya Nair",
                "OT",
                (due + timedelta(days=7)).isoformat(),
            ),
        ],
    )
    record = open_record(ws, person)
    agreed = record.plan.agreed_at_meetings
    assert [(a.what, a.who_name, a.due_on) for a in agreed] == [
        ("Refer to the falls clinic", "Dr Shah", due),
        ("Assess the stairs for a second rail", "Priya Nair", due + timedelta(days=7)),
    ]
    with ws.store.read() as s:
        stored = s.get(MdtItem, item.item_id)
        assert stored is not None and stored.decided_on == clock.today()
        note = s.get(ContactNote, stored.note_id)
        assert note is not None and note.contact_type == "mdt_meeting"
        assert "Present: Sam Taylor, coordinator; Ceri Jones, district nurse; Dr Shah, GP." in (
            note.narrative
        )
        assert "Action: Refer to the falls clinic (by Dr Shah (GP)" in note.narrative
    with pytest.raises(InvalidInputError, match="already recorded"):
        record_decision(ws, item.item_id, decision="Again", attendees=present)
    # Printed in the plan for the home folder.
    content = load_plan(ws, _nhs(1))
    with pdfplumber.open(io.BytesIO(build_plan_pdf(content).data)) as pdf:
        text = " ".join(page.extract_text() or "" for page in pdf.pages)
    assert "Agreed at our team meeting" in text and "Refer to the falls clinic" in text


def test_a_meeting_moved_takes_its_list_and_one_cancelled_gives_flags_back(
    team: tuple[Workspace, dict[str, str]],
) -> None:
    ws, ids = team
    mistyped = _meeting(ws, days=2)
    flag_for_discussion(ws, person_id=ids["flagged"], why="Falls at night")
    flag = next(o for o in offered(ws, mistyped) if o.person_id == ids["flagged"])
    add_to_list(
        ws,
        mistyped,
        person_id=flag.person_id,
        reason=flag.reason,
        why=flag.why,
        flag_id=flag.item_id,
    )
    add_to_list(ws, mistyped, person_id=ids["referred"], reason="new_referral", why="New referral")
    when = clock.at_local(clock.today() + timedelta(days=9), 14)
    moved = move_meeting(ws, mistyped, meets_at=when, place="Settle").entity_id
    assert moved is not None
    found = next_meeting(ws)
    assert found is not None and (found.id, found.meets_at) == (moved, when)
    assert [m.id for m in team_meetings(ws)] == [moved]
    assert {r.person_id for r in meeting_list(ws, moved)} == {ids["flagged"], ids["referred"]}
    with pytest.raises(InvalidInputError, match="moved or cancelled"):
        move_meeting(ws, mistyped, meets_at=when)

    cancel_meeting(ws, moved)
    assert next_meeting(ws) is None and team_meetings(ws) == []
    later = _meeting(ws, days=14)
    again = {o.person_id: o for o in offered(ws, later)}
    assert again[ids["flagged"]].reason is MdtReason.FLAGGED  # the flag waits again
    assert meeting_list(ws, later) == []
