"""Need-to-know, break-glass and restricted categories through the app services."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import AccessDeniedError, InvalidInputError
from app.reports.fhir import export_fhir
from app.reports.printing import load_plan
from app.services import clock
from app.services.care.visits import record_visit
from app.services.caseload.caseload import CaseloadQuery, fetch
from app.services.need_to_know import break_glass as bg
from app.services.need_to_know.access_policy import (
    Relationship,
    Restricted,
    Viewer,
    legitimate,
    restricted_visible,
)
from app.services.record.record import open_record
from app.services.record.record_view import person_record
from app.services.record.timeline import TimelineQuery, fetch_timeline
from app.workspace import Workspace
from storage.tables import AuditEvent, BreakGlassGrant, ChangeRecord
from tests.app.access_data import (
    ALUN_KEY_SAFE,
    ALUN_SENSITIVE,
    KEY_SAFE,
    ROLE_SEES,
    ROLE_SEES_FIELDS,
    ROUTINE,
    SAFEGUARDING,
    SENSITIVE,
    Scene,
    build_scene,
    sign_in,
)
from tests.conftest import ALUN, ZOE

REASON = "Called by the out-of-hours GP: fall at home, lead nurse off duty"


@pytest.fixture
def scene(populated: Workspace) -> Scene:
    return build_scene(populated)


def _as(populated: Workspace, scene: Scene, who: str) -> Workspace:
    return sign_in(populated, scene, who)


# -- the pure policy ----------------------------------------------------------------


def test_policy_legitimate_relationship_by_team_lead_visit_or_contact() -> None:
    nurse = Viewer("u1", "community_nurse", "t1")
    assert legitimate(nurse, Relationship(True, None))
    assert legitimate(nurse, Relationship(False, "u1"))
    assert legitimate(nurse, Relationship(False, None, visits_assigned=True))
    assert legitimate(nurse, Relationship(False, None, professional_contact=True))
    assert not legitimate(nurse, Relationship(False, "u2"))
    assert not legitimate(Viewer("a", "administrator", "t1"), Relationship(True, "a"))


@pytest.mark.parametrize(
    ("role", "key_safe", "safeguarding"),
    [
        ("community_nurse", True, False),
        ("social_worker", True, True),
        ("occupational_therapist", True, False),
        ("physiotherapist", True, False),
        ("support_worker", False, False),
        ("coordinator", False, True),
        ("ig_lead", False, True),
        ("administrator", False, False),
    ],
)
def test_policy_restricted_alert_detail_by_role(
    role: str, key_safe: bool, safeguarding: bool
) -> None:
    viewer = Viewer("me", role, "t1")
    args = {"legitimate": True, "lead_professional_id": "someone else"}
    assert restricted_visible(viewer, Restricted.KEY_SAFE, **args) is key_safe  # type: ignore[arg-type]
    assert restricted_visible(viewer, Restricted.SAFEGUARDING, **args) is safeguarding  # type: ignore[arg-type]


def test_policy_key_safe_needs_a_real_relationship_and_the_lead_sees_safeguarding() -> None:
    nurse = Viewer("me", "community_nurse", "t1")
    assert not restricted_visible(
        nurse, Restricted.KEY_SAFE, legitimate=False, lead_professional_id=None
    )
    assert restricted_visible(
        nurse, Restricted.SAFEGUARDING, legitimate=True, lead_professional_id="me"
    )


def test_policy_sensitive_note_author_lead_or_same_profession() -> None:
    def sees(viewer: Viewer, *, legit: bool = True, lead: str | None = None) -> bool:
        return restricted_visible(
            viewer,
            Restricted.SENSITIVE_NOTE,
            legitimate=legit,
            lead_professional_id=lead,
            author_id="author",
            author_role="social_worker",
        )

    assert sees(Viewer("author", "social_worker", None), legit=False)
    assert sees(Viewer("other", "social_worker", "t1"))
    assert not sees(Viewer("other", "social_worker", "t1"), legit=False)
    assert sees(Viewer("lead", "community_nurse", "t1"), lead="lead")
    assert not sees(Viewer("nurse", "community_nurse", "t1"))
    assert not sees(Viewer("cora", "coordinator", "t1"))


# -- the record, the timeline, show, print and export --------------------------------


def test_a_nurse_on_the_team_opens_the_record_with_what_her_role_may_see(
    populated: Workspace, scene: Scene
) -> None:
    nia = _as(populated, scene, "nia")
    record = open_record(nia, scene.zoe)
    alerts = {a.kind: a for a in record.alerts}
    assert alerts["access_to_home"].restricted_detail == KEY_SAFE
    assert alerts["safeguarding"].restricted_detail is None
    assert alerts["safeguarding"].ask == "Restricted — ask Sol Social"
    assert SAFEGUARDING not in repr(record)
    assert record.break_glass_until is None
    _, notes = fetch_timeline(nia, TimelineQuery(person_id=scene.zoe))
    by_text = {n.narrative: n for n in notes}
    assert ROUTINE in by_text
    withheld = [n for n in notes if n.sensitive]
    assert withheld[0].narrative == "" and withheld[0].ask == "Restricted — ask Sol Social"
    assert SENSITIVE not in repr(notes)
    shown = json.dumps(person_record(nia, ZOE), default=str, ensure_ascii=False)
    assert KEY_SAFE in shown and SAFEGUARDING not in shown and SENSITIVE not in shown
    assert "Restricted — ask Sol Social" in shown


@pytest.mark.parametrize(ROLE_SEES_FIELDS, ROLE_SEES)
def test_restricted_content_per_role_in_record_timeline_and_show(
    populated: Workspace,
    scene: Scene,
    who: str,
    key_safe: bool,
    safeguarding: bool,
    sensitive: bool,
) -> None:
    ws = _as(populated, scene, who)
    record = open_record(ws, scene.zoe)
    _, notes = fetch_timeline(ws, TimelineQuery(person_id=scene.zoe))
    shown = repr(record) + repr(notes) + json.dumps(person_record(ws, ZOE), default=str)
    assert (KEY_SAFE in shown) is key_safe
    assert (SAFEGUARDING in shown) is safeguarding
    assert (SENSITIVE in shown) is sensitive
    assert all(a.has_restricted_detail for a in record.alerts)


def test_outside_the_relationship_every_path_is_refused(populated: Workspace, scene: Scene) -> None:
    nia = _as(populated, scene, "nia")
    for attempt in (
        lambda: open_record(nia, scene.alun),
        lambda: fetch_timeline(nia, TimelineQuery(person_id=scene.alun)),
        lambda: person_record(nia, ALUN),
        lambda: load_plan(nia, ALUN),
        lambda: export_fhir(nia, ALUN),
    ):
        with pytest.raises(AccessDeniedError, match="break-glass"):
            attempt()
    with nia.store.read() as s:
        viewed = s.execute(
            select(AuditEvent).where(
                AuditEvent.person_id == scene.alun, AuditEvent.action == "record_viewed"
            )
        ).first()
    assert viewed is None


def test_search_shows_only_name_year_of_birth_and_locality_outside_the_relationship(
    populated: Workspace, scene: Scene
) -> None:
    nia = _as(populated, scene, "nia")
    total, rows = fetch(nia, CaseloadQuery())
    assert total == 2
    by_name = {r.given_name: r for r in rows}
    alun = by_name["Alun"]
    assert alun.limited and alun.year_of_birth == 1951
    assert alun.nhs_number == "" and alun.postcode == "" and alun.lead_professional is None
    assert alun.date_of_birth.month == 1 and alun.date_of_birth.day == 1
    assert not by_name["Zoë"].limited and by_name["Zoë"].nhs_number == ZOE
    # A clinical filter never matches people outside the relationship.
    total, rows = fetch(nia, CaseloadQuery(level_of_need="targeted"))
    assert [r.given_name for r in rows] == ["Zoë"] and total == 1
    nell = _as(populated, scene, "nell")
    assert {r.given_name: r.limited for r in fetch(nell, CaseloadQuery())[1]} == {
        "Alun": False,
        "Zoë": True,
    }


# -- break-glass ----------------------------------------------------------------------


def test_break_glass_needs_a_reason(populated: Workspace, scene: Scene) -> None:
    nia = _as(populated, scene, "nia")
    for reason in ("", "   ", "because", "x" * 501):
        with pytest.raises(InvalidInputError):
            bg.break_glass(nia, scene.alun, reason)
    with nia.store.read() as s:
        assert s.execute(select(BreakGlassGrant)).first() is None


def test_break_glass_opens_audits_syncs_and_expires(
    populated: Workspace, scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    nia = _as(populated, scene, "nia")
    started = clock.now()
    grant = bg.break_glass(nia, scene.alun, REASON)
    assert grant.granted
    assert timedelta(hours=2) - timedelta(seconds=5) < grant.expires_at - started
    assert grant.expires_at - started <= timedelta(hours=2, seconds=5)
    record = open_record(nia, scene.alun)
    assert record.break_glass_until == grant.expires_at
    # Break-glass opens the record, not its restricted categories.
    alerts = {a.kind: a for a in record.alerts}
    assert alerts["access_to_home"].restricted_detail is None
    assert alerts["access_to_home"].ask == "Restricted — ask Nell South"
    _, notes = fetch_timeline(nia, TimelineQuery(person_id=scene.alun))
    assert ALUN_SENSITIVE not in repr(notes) and ALUN_KEY_SAFE not in repr(record)
    assert load_plan(nia, ALUN).person.person_id == scene.alun
    with nia.store.read() as s:
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "break_glass")).scalar_one()
        assert event.reason == REASON and event.person_id == scene.alun
        assert event.actor_id == scene.staff["nia"] and event.actor_role == "community_nurse"
        viewed = s.execute(
            select(AuditEvent).where(
                AuditEvent.action == "record_viewed", AuditEvent.person_id == scene.alun
            )
        ).scalar_one()
        assert json.loads(viewed.detail) == {"break_glass": True}
        journalled = s.execute(
            select(ChangeRecord).where(ChangeRecord.entity == "break_glass")
        ).scalar_one()
        assert journalled.op == "append" and REASON in (journalled.value or "")
    # Two hours and a minute later the grant has expired: refused again everywhere.
    later = started + timedelta(hours=2, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    with pytest.raises(AccessDeniedError):
        open_record(nia, scene.alun)
    with pytest.raises(AccessDeniedError):
        fetch_timeline(nia, TimelineQuery(person_id=scene.alun))
    with pytest.raises(AccessDeniedError):
        person_record(nia, ALUN)
    assert bg.grant_in_force(nia, scene.alun) is None


def test_break_glass_length_is_a_setting(populated: Workspace, scene: Scene) -> None:
    nia = _as(populated, scene, "nia")
    bg.set_duration(nia, 30)
    started = clock.now()
    grant = bg.break_glass(nia, scene.alun, REASON)
    assert grant.expires_at - started <= timedelta(minutes=30, seconds=5)
    with pytest.raises(InvalidInputError):
        bg.set_duration(nia, 2)


def test_no_grant_is_written_for_someone_already_on_the_caseload(
    populated: Workspace, scene: Scene
) -> None:
    nia = _as(populated, scene, "nia")
    assert not bg.break_glass(nia, scene.zoe, REASON).granted
    with nia.store.read() as s:
        assert s.execute(select(BreakGlassGrant)).first() is None


def test_administrators_see_no_clinical_record_and_cannot_break_glass(
    populated: Workspace, scene: Scene
) -> None:
    adam = _as(populated, scene, "adam")
    with pytest.raises(AccessDeniedError, match="Administrators"):
        open_record(adam, scene.zoe)
    with pytest.raises(AccessDeniedError, match="Administrators"):
        bg.break_glass(adam, scene.zoe, REASON)
    assert all(r.limited for r in fetch(adam, CaseloadQuery())[1])


def test_a_visit_note_marked_sensitive_is_read_by_author_and_profession_only(
    populated: Workspace, scene: Scene
) -> None:
    nia = _as(populated, scene, "nia")
    text = "Disclosed in confidence: a family matter, kept to need-to-know"
    record_visit(nia, person_id=scene.zoe, narrative=text, sensitive=True)
    for who, sees in (("nia", True), ("otto", False), ("sid", False), ("sol", True)):
        _, notes = fetch_timeline(_as(populated, scene, who), TimelineQuery(person_id=scene.zoe))
        mine = [n for n in notes if n.author == "Nia Nurse"]
        assert (mine[0].narrative == text) is sees, who
        if not sees:
            assert mine[0].ask == "Restricted — ask Nia Nurse"


def test_the_fhir_export_says_what_is_held_and_whom_to_ask_never_the_content(
    populated: Workspace, scene: Scene
) -> None:
    # Even a viewer who may read them in the app exports none of them: an export
    # leaves the store (minimum necessary).
    sol = _as(populated, scene, "sol")
    exported = export_fhir(sol, ZOE).json
    assert KEY_SAFE not in exported and SAFEGUARDING not in exported
    assert SENSITIVE not in exported
    assert "restricted detail held: ask Sol Social" in exported
    assert "Restricted — ask Sol Social" in exported
