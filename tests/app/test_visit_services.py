"""Home-visit operations without Qt: recording a visit, drafts, today's list, the
record and its timeline, pending changes. Each operation validates first and
writes all or nothing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.care.care_plan import add_goal
from app.services.care.risks import add_alert
from app.services.care.visits import record_visit, todays_planned_visit
from app.services.caseload.today import todays_visits
from app.services.changes import CASELOAD, TIMELINE, VISITS
from app.services.profile import preferences, profile_setup, sync_status
from app.services.record import drafts
from app.services.record.people import find
from app.services.record.record import open_record
from app.services.record.timeline import TimelineQuery, fetch_timeline, timeline_filters
from app.workspace import Workspace, open_workspace, unlock
from storage import settings
from storage.tables import (
    AuditEvent,
    ChangeRecord,
    ContactNote,
    Draft,
    PlannedVisit,
    StaffMember,
)
from tests.conftest import ALUN, FAST_KDF, ZOE


def _id(ws: Workspace, nhs: str) -> str:
    with ws.store.read() as session:
        return find(session, nhs).id


def _counts(ws: Workspace) -> tuple[int, ...]:
    """Rows in every table an operation may write: equal before and after a refusal."""
    with ws.store.read() as session:
        return tuple(
            int(session.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (ChangeRecord, AuditEvent, ContactNote, PlannedVisit, Draft)
        )


def _plan_visit(ws: Workspace, person_id: str, when: datetime, mine: bool = True) -> str:
    with ws.store.write(ws.actor) as session:
        visit = PlannedVisit(
            person_id=person_id,
            due_at=when,
            assigned_to_id=ws.actor.user_id if mine else None,
            purpose="Wound review",
        )
        session.add(visit)
        session.flush()
        return visit.id


@pytest.fixture
def zoe(populated: Workspace) -> str:
    return _id(populated, ZOE)


def _soon_today() -> datetime:
    """A time later today (local) that is safely in the past for a note: an hour ago,
    or the start of today if that is yesterday."""
    start, _ = clock.day_bounds(clock.today())
    return max(clock.now() - timedelta(hours=1), start + timedelta(minutes=1))


# -- recording a visit ------------------------------------------------------------------


def test_record_visit_marks_todays_visit_done_and_plans_the_next(
    populated: Workspace, zoe: str
) -> None:
    start, _ = clock.day_bounds(clock.today())
    todays = _plan_visit(populated, zoe, start + timedelta(hours=10))
    goal = add_goal(populated, person_id=zoe, statement="I want to walk to the post office")
    key = drafts.visit_note_key(zoe)
    drafts.save_draft(populated, key=key, values={"narrative": "half typed"}, person_id=zoe)
    next_at = clock.now() + timedelta(days=7)

    change = record_visit(
        populated,
        person_id=zoe,
        narrative="Dressing changed; healing well.",
        occurred_at=_soon_today(),
        goal_ids=[goal.entity_id or ""],
        next_visit_at=next_at,
        next_visit_purpose="Dressing",
        draft_key=key,
    )

    assert change.action == "visit_recorded"
    assert change.person_id == zoe
    assert {TIMELINE, VISITS, CASELOAD} <= change.areas
    with populated.store.read() as session:
        note = session.get(ContactNote, change.entity_id)
        assert note is not None
        assert json.loads(note.linked_goal_ids) == [goal.entity_id]
        assert note.author_id == populated.actor.user_id
        done = session.get(PlannedVisit, todays)
        assert done is not None
        assert (done.status, done.done_note_id) == ("done", note.id)
        upcoming = session.execute(
            select(PlannedVisit).where(PlannedVisit.status == "planned")
        ).scalar_one()
        assert upcoming.due_at == next_at
        assert upcoming.purpose == "Dressing"
        event = session.execute(
            select(AuditEvent).where(AuditEvent.action == "visit_recorded")
        ).scalar_one()
        assert json.loads(event.detail)["planned_visit_done"] == todays
    assert drafts.load_draft(populated, key=key) is None  # the draft went with the save


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"narrative": "   "}, "needs some text"),
        ({"contact_type": "carrier pigeon"}, "is not one of"),
        ({"occurred_at": clock.now() + timedelta(hours=2)}, "in the future"),
        ({"occurred_at": datetime(2026, 1, 1, 9, 0)}, "time zone"),
        ({"next_visit_at": clock.now() - timedelta(hours=1)}, "must be in the future"),
        ({"next_visit_at": clock.now() + timedelta(days=400)}, "within a year"),
        ({"goal_ids": ["not-a-goal"]}, "not this person's goals"),
        ({"outcome": "went swimming"}, "is not one of"),
    ],
)
def test_record_visit_refuses_bad_input_and_writes_nothing(
    populated: Workspace, zoe: str, kwargs: dict[str, object], reason: str
) -> None:
    _plan_visit(populated, zoe, _soon_today())
    key = drafts.visit_note_key(zoe)
    drafts.save_draft(populated, key=key, values={"narrative": "keep me"}, person_id=zoe)
    before = _counts(populated)
    args: dict[str, object] = {"narrative": "Visited.", **kwargs}
    with pytest.raises(InvalidInputError, match=reason):
        record_visit(populated, person_id=zoe, draft_key=key, **args)  # type: ignore[arg-type]
    assert _counts(populated) == before
    saved = drafts.load_draft(populated, key=key)
    assert saved is not None
    assert saved.values == {"narrative": "keep me"}


def test_record_visit_for_someone_gone_is_a_plain_error(populated: Workspace) -> None:
    with pytest.raises(NotFoundError, match="no longer in this profile"):
        record_visit(populated, person_id="no-such-person", narrative="Visited.")


def test_goals_of_another_person_roll_the_whole_visit_back(populated: Workspace, zoe: str) -> None:
    alun = _id(populated, ALUN)
    other = add_goal(populated, person_id=alun, statement="I want to garden again")
    visit = _plan_visit(populated, zoe, _soon_today())
    before = _counts(populated)
    with pytest.raises(InvalidInputError):
        record_visit(populated, person_id=zoe, narrative="Seen.", goal_ids=[other.entity_id or ""])
    assert _counts(populated) == before
    with populated.store.read() as session:
        row = session.get(PlannedVisit, visit)
        assert row is not None
        assert row.status == "planned"


def test_todays_visits_are_mine_by_time_with_alerts(populated: Workspace, zoe: str) -> None:
    alun = _id(populated, ALUN)
    start, _ = clock.day_bounds(clock.today())
    _plan_visit(populated, alun, start + timedelta(hours=14))
    _plan_visit(populated, zoe, start + timedelta(hours=9))
    _plan_visit(populated, zoe, start + timedelta(hours=11), mine=False)  # a colleague's
    _plan_visit(populated, zoe, start + timedelta(days=1, hours=9))  # tomorrow
    add_alert(populated, person_id=zoe, kind="lone_worker", summary="Visit in pairs")

    visits = todays_visits(populated)

    assert [v.display_name for v in visits] == ["O'Neill, Zoë", "Pritchard, Alun"]
    assert visits[0].alert_kinds == ("lone_worker",)
    assert visits[0].nhs_number_formatted == "999 000 0018"
    assert visits[0].due_at < visits[1].due_at
    assert todays_planned_visit(populated, person_id=zoe) is not None
    assert todays_planned_visit(populated, person_id="nobody") is None


# -- drafts -----------------------------------------------------------------------------


def test_drafts_save_replace_load_and_discard(populated: Workspace, zoe: str) -> None:
    key = drafts.visit_note_key(zoe)
    assert drafts.load_draft(populated, key=key) is None
    drafts.save_draft(populated, key=key, values={"narrative": "one"}, person_id=zoe)
    drafts.save_draft(
        populated, key=key, values={"narrative": "two", "goals": ["g"]}, person_id=zoe
    )
    saved = drafts.load_draft(populated, key=key)
    assert saved is not None
    assert saved.values == {"narrative": "two", "goals": ["g"]}
    assert saved.person_id == zoe
    assert drafts.drafts_for_person(populated, person_id=zoe) == [key]
    with populated.store.read() as session:
        assert session.execute(select(func.count()).select_from(Draft)).scalar_one() == 1
        # Drafts are device-local work in progress: never in the change journal.
        assert not session.execute(
            select(ChangeRecord).where(ChangeRecord.entity == "draft")
        ).first()
    drafts.discard_draft(populated, key=key)
    assert drafts.load_draft(populated, key=key) is None
    assert drafts.key_for("goal", "abc") == "goal:abc"
    with pytest.raises(InvalidInputError):
        drafts.key_for("a:b", "c")
    with pytest.raises(InvalidInputError, match="too long"):
        drafts.save_draft(populated, key=key, values={"narrative": "x" * 300_000})


def test_waiting_drafts_name_the_person_and_the_kind_newest_first(
    populated: Workspace, zoe: str
) -> None:
    """What the app says at unlock when drafts are waiting (after a crash or a lock)."""
    alun = _id(populated, ALUN)
    drafts.save_draft(
        populated, key=drafts.visit_note_key(zoe), values={"narrative": "a"}, person_id=zoe
    )
    drafts.save_draft(
        populated, key=drafts.key_for("goal", "g-1"), values={"statement": "b"}, person_id=alun
    )
    drafts.save_draft(populated, key="settings:x", values={})  # about no one: not listed
    waiting = drafts.waiting_drafts(populated)
    assert [(w.kind, w.entity_id, w.person_id, w.person_name) for w in waiting] == [
        ("goal", "g-1", alun, "Alun Pritchard"),
        ("visit_note", zoe, zoe, "Zoë O'Neill"),
    ]
    assert waiting[0].updated_at >= waiting[1].updated_at


# -- reading the record -----------------------------------------------------------------


def test_record_shows_alerts_first_and_hides_restricted_detail(
    populated: Workspace, zoe: str
) -> None:
    add_alert(populated, person_id=zoe, kind="animal", summary="A friendly dog")
    add_alert(
        populated,
        person_id=zoe,
        kind="access_to_home",
        summary="Key safe by the back door",
        restricted_detail="1234",
    )
    record = open_record(populated, zoe)
    assert [a.kind for a in record.alerts] == ["access_to_home", "animal"]
    assert record.alerts[0].has_restricted_detail
    # The key safe code is for the registered practitioners who visit (the nurse
    # signed in here); a support worker sees only that it exists and whom to ask.
    assert record.alerts[0].restricted_detail == "1234"
    with populated.store.write(populated.actor) as session:
        helper = StaffMember(display_name="Sid Support", role="support_worker")
        session.add(helper)
        session.flush()
        settings.put(session, settings.SIGNED_IN_USER, helper.id)
    support = open_workspace(populated.store)
    withheld = open_record(support, zoe, viewed=False)
    assert withheld.alerts[0].has_restricted_detail
    assert withheld.alerts[0].ask == "Restricted — ask the lead professional"
    assert "1234" not in repr(withheld)
    with populated.store.write(populated.actor) as session:
        settings.put(session, settings.SIGNED_IN_USER, populated.actor.user_id)
    assert record.header.nhs_number_formatted == "999 000 0018"
    assert record.plan.version == 0
    with populated.store.read() as session:
        views = session.execute(
            select(func.count()).where(AuditEvent.action == "record_viewed")
        ).scalar_one()
    assert views == 1
    open_record(populated, zoe, viewed=False)  # a refresh is not a new view
    with populated.store.read() as session:
        assert (
            session.execute(
                select(func.count()).where(AuditEvent.action == "record_viewed")
            ).scalar_one()
            == 1
        )


def test_timeline_pages_newest_first_and_filters(populated: Workspace, zoe: str) -> None:
    base = clock.now() - timedelta(days=30)
    for n in range(25):
        record_visit(
            populated,
            person_id=zoe,
            narrative=f"Note {n}",
            contact_type="phone_call" if n % 5 == 0 else "home_visit",
            occurred_at=base + timedelta(hours=n),
        )
    total, page = fetch_timeline(populated, TimelineQuery(person_id=zoe, limit=10))
    assert total == 25
    assert [e.narrative for e in page[:2]] == ["Note 24", "Note 23"]
    assert page[0].author == "Sam Taylor"
    total, page = fetch_timeline(populated, TimelineQuery(person_id=zoe, offset=20, limit=10))
    assert [e.narrative for e in page] == ["Note 4", "Note 3", "Note 2", "Note 1", "Note 0"]
    total, calls = fetch_timeline(
        populated, TimelineQuery(person_id=zoe, contact_type="phone_call")
    )
    assert total == 5
    assert {e.contact_type for e in calls} == {"phone_call"}
    org = populated.actor.organisation_id
    total, _ = fetch_timeline(populated, TimelineQuery(person_id=zoe, organisation_id=org))
    assert total == 25
    total, _ = fetch_timeline(populated, TimelineQuery(person_id=zoe, organisation_id="other"))
    assert total == 0
    filters = timeline_filters(populated, zoe)
    assert filters.contact_types == ("home_visit", "phone_call")
    assert [name for _, name in filters.organisations] == ["Local organisation"]


# -- status, first run, preferences -----------------------------------------------------


def test_pending_changes_count_what_is_not_pushed(populated: Workspace, zoe: str) -> None:
    before = sync_status.pending_changes(populated)
    assert before > 0
    record_visit(populated, person_id=zoe, narrative="Seen.")
    after = sync_status.pending_changes(populated)
    assert after > before
    with populated.store.write(populated.actor) as session:
        for row in session.execute(select(ChangeRecord)).scalars():
            row.pushed_at = clock.now()
    assert sync_status.pending_changes(populated) == 0


def test_first_run_creates_a_profile_and_refuses_bad_input(tmp_path: Path) -> None:
    good = {
        "user_name": "  Priya   Shah ",
        "role": "social_worker",
        "organisation": "North Dales Council",
        "passphrase": "kettle moorland lantern",
        "confirmation": "kettle moorland lantern",
    }
    for change, reason in [
        ({"user_name": " "}, "Enter your name"),
        ({"organisation": ""}, "organisation"),
        ({"passphrase": "short", "confirmation": "short"}, "at least 10"),
        ({"confirmation": "kettle moorland lanterns"}, "different"),
        ({"role": "astronaut"}, "is not one of"),
    ]:
        with pytest.raises(InvalidInputError, match=reason):
            profile_setup.create_profile(tmp_path / "p", kdf=FAST_KDF, **{**good, **change})
        assert not (tmp_path / "p" / "keyvault.json").exists()
    workspace = profile_setup.create_profile(tmp_path / "p", kdf=FAST_KDF, **good)
    try:
        assert workspace.user_name == "Priya Shah"
        assert workspace.actor.role == "social_worker"
    finally:
        workspace.close()
    again = unlock(tmp_path / "p", "kettle moorland lantern")
    again.close()
    assert profile_setup.passphrase_problem("kettle moorland lantern") is None


def test_idle_lock_minutes_is_a_setting_with_limits(populated: Workspace) -> None:
    assert preferences.load_preferences(populated).idle_lock_minutes == 5
    preferences.save_idle_lock_minutes(populated, minutes="10")
    assert preferences.load_preferences(populated).idle_lock_minutes == 10
    for bad in (0, 31, "soon"):
        with pytest.raises(InvalidInputError):
            preferences.save_idle_lock_minutes(populated, minutes=bad)
    assert preferences.load_preferences(populated).idle_lock_minutes == 10
