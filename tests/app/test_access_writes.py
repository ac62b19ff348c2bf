"""Every desktop editing operation checks need-to-know in the service, at the write:
a break-glass grant that has expired since the record opened refuses the edit, and
nothing is half-written (no row, no journal entry, no audit event). Showing a key
safe code is an audited access of its own."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from app.errors import AccessDeniedError
from app.services import clock
from app.services.care import care_plan, consent, risks
from app.services.care.notes import add_note
from app.services.care.visits import record_visit
from app.services.need_to_know import break_glass as bg
from app.services.record.restricted_view import show_alert_detail
from app.workspace import Workspace
from storage.tables import Alert, AuditEvent, ChangeRecord
from tests.app.access_data import KEY_SAFE, Scene, build_scene, sign_in
from tests.conftest import ALUN

REASON = "Called by the out-of-hours GP: fall at home, lead nurse off duty"


@pytest.fixture
def scene(populated: Workspace) -> Scene:
    return build_scene(populated)


def _counts(ws: Workspace) -> tuple[int, int]:
    with ws.store.read() as s:
        return (
            s.execute(select(func.count()).select_from(ChangeRecord)).scalar_one(),
            s.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
        )


def test_an_expired_break_glass_refuses_every_edit(
    populated: Workspace, scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    nia = sign_in(populated, scene, "nia")  # Alun is not on her caseload
    alun = scene.alun
    started = clock.now()
    assert bg.break_glass(nia, alun, REASON).granted
    # While the grant is in force she may write, as she may read.
    goal = care_plan.add_goal(nia, person_id=alun, statement="I want to get back on my feet")
    risk = risks.add_risk(
        nia, person_id=alun, kind="falls", description="Fell twice", likelihood=3, impact=3
    )
    with nia.store.read() as s:
        alert_id = s.execute(select(Alert.id).where(Alert.person_id == alun)).scalars().first()
    assert alert_id is not None
    later = started + timedelta(hours=2, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    monkeypatch.setattr(clock, "today", lambda: later.date())
    edits: list[Callable[[], Any]] = [
        lambda: care_plan.add_goal(nia, person_id=alun, statement="I want to see my garden"),
        lambda: care_plan.update_goal(
            nia,
            goal_id=str(goal.entity_id),
            statement="I want to walk again",
            importance=5,
            status="in_progress",
        ),
        lambda: care_plan.save_strength(nia, person_id=alun, description="Determined"),
        lambda: care_plan.set_review_date(
            nia, person_id=alun, review_due=later.date() + timedelta(days=30)
        ),
        lambda: risks.add_risk(
            nia, person_id=alun, kind="falls", description="Again", likelihood=2, impact=2
        ),
        lambda: risks.update_risk(
            nia,
            risk_id=str(risk.entity_id),
            kind="falls",
            description="Fell three times",
            likelihood=4,
            impact=3,
        ),
        lambda: risks.update_alert(nia, alert_id=alert_id, kind="access_to_home", summary="X"),
        lambda: consent.record_consent(
            nia,
            person_id=alun,
            partner_organisation_id=None,
            category="care_plan",
            decision="given",
        ),
        lambda: record_visit(nia, person_id=alun, narrative="Visited; all well."),
        lambda: add_note(nia, ALUN, "A note after the grant ended."),
    ]
    before = _counts(nia)
    for attempt in edits:
        with pytest.raises(AccessDeniedError, match="break-glass"):
            attempt()
    assert _counts(nia) == before  # nothing half-written


def _shown_events(ws: Workspace) -> list[AuditEvent]:
    with ws.store.read() as s:
        return list(
            s.execute(select(AuditEvent).where(AuditEvent.action == "restricted_viewed")).scalars()
        )


def test_showing_a_key_safe_code_is_audited_without_the_code(
    populated: Workspace, scene: Scene
) -> None:
    nia = sign_in(populated, scene, "nia")
    with nia.store.read() as s:
        alert_id = s.execute(
            select(Alert.id).where(Alert.person_id == scene.zoe, Alert.kind == "access_to_home")
        ).scalar_one()
    assert show_alert_detail(nia, person_id=scene.zoe, alert_id=alert_id) == KEY_SAFE
    (event,) = _shown_events(nia)
    assert event.person_id == scene.zoe and event.actor_id == scene.staff["nia"]
    assert json.loads(event.detail or "{}") == {"alert_id": alert_id, "category": "key_safe"}
    assert KEY_SAFE not in (event.detail or "")
    # A support worker's record never carries the code, and asking for it is refused.
    sid = sign_in(populated, scene, "sid")
    with pytest.raises(AccessDeniedError):
        show_alert_detail(sid, person_id=scene.zoe, alert_id=alert_id)
    assert len(_shown_events(sid)) == 1
