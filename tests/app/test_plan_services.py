"""Care plan, risks, alerts and consent operations without Qt: validation in plain
sentences, all or nothing, one audit event each, and the plan's draft/agreed cycle."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.care import care_plan, consent, risks
from app.services.caseload.caseload import CaseloadQuery, fetch, localities
from app.services.changes import PLAN
from app.services.record.people import edit, find
from app.services.record.record import open_record
from app.workspace import Workspace
from storage.tables import (
    AuditEvent,
    CarePlan,
    CarePlanVersion,
    ChangeRecord,
    ConsentToShare,
    Goal,
    PlannedVisit,
    Risk,
)
from tests.conftest import ALUN, ZOE


@pytest.fixture
def zoe(populated: Workspace) -> str:
    with populated.store.read() as session:
        return find(session, ZOE).id


def _journal_and_audit(ws: Workspace) -> tuple[int, int]:
    with ws.store.read() as session:
        return (
            int(session.execute(select(func.count()).select_from(ChangeRecord)).scalar_one()),
            int(session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()),
        )


def _plan(ws: Workspace, person_id: str) -> CarePlan:
    with ws.store.read() as session:
        return session.execute(select(CarePlan).where(CarePlan.person_id == person_id)).scalar_one()


# -- goals and actions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"statement": ""}, "Enter the goal"),
        ({"statement": "Patient to mobilise"}, "starting with 'I'"),
        ({"importance": 11}, "from 1 to 10"),
        ({"importance": "very"}, "whole number"),
        ({"status": "finished"}, "is not one of"),
        ({"status": "achieved"}, "Say what the outcome was"),
        ({"target_date": "next Tuesday"}, "not a target date"),
    ],
)
def test_goal_validation_is_plain_and_writes_nothing(
    populated: Workspace, zoe: str, kwargs: dict[str, object], reason: str
) -> None:
    before = _journal_and_audit(populated)
    args: dict[str, object] = {"statement": "I want to bake bread again", **kwargs}
    with pytest.raises(InvalidInputError, match=reason):
        care_plan.add_goal(populated, person_id=zoe, **args)  # type: ignore[arg-type]
    assert _journal_and_audit(populated) == before


def test_editing_a_goal_journals_only_what_changed(populated: Workspace, zoe: str) -> None:
    added = care_plan.add_goal(populated, person_id=zoe, statement="I want to bake bread again")
    assert added.areas == frozenset({PLAN})
    goal_id = added.entity_id or ""
    change = care_plan.update_goal(
        populated,
        goal_id=goal_id,
        statement="I want to bake bread again",
        importance=9,
        status="achieved",
        outcome="Baked a loaf with her daughter",
        target_date="22 Dec 2026",
    )
    assert set(change.fields) == {"importance", "status", "outcome", "target_date"}
    with populated.store.read() as session:
        goal = session.get(Goal, goal_id)
        assert goal is not None
        assert (goal.importance, goal.status) == (9, "achieved")
        assert goal.target_date is not None
        assert goal.target_date.isoformat() == "2026-12-22"
        sets = session.execute(
            select(ChangeRecord.field).where(
                ChangeRecord.entity_id == goal_id, ChangeRecord.op == "set"
            )
        ).scalars()
        assert set(sets) == {"importance", "status", "outcome", "target_date"}
    unchanged = care_plan.update_goal(
        populated,
        goal_id=goal_id,
        statement="I want to bake bread again",
        importance=9,
        status="achieved",
        outcome="Baked a loaf with her daughter",
        target_date="2026-12-22",
    )
    assert unchanged.fields == ()
    with pytest.raises(NotFoundError):
        care_plan.update_goal(
            populated, goal_id="gone", statement="I want", importance=5, status="in_progress"
        )


def test_actions_need_what_and_who(populated: Workspace, zoe: str) -> None:
    goal = care_plan.add_goal(populated, person_id=zoe, statement="I want to shower myself")
    goal_id = goal.entity_id or ""
    with pytest.raises(InvalidInputError, match="Enter the name of who"):
        care_plan.add_action(populated, goal_id=goal_id, what="Fit a rail", who_name=" ")
    with pytest.raises(InvalidInputError, match="confidence should be from 1 to 10"):
        care_plan.add_action(
            populated, goal_id=goal_id, what="Fit a rail", who_name="OT", confidence=0
        )
    added = care_plan.add_action(
        populated,
        goal_id=goal_id,
        what="Fit a grab rail by the shower",
        who_name="Jo Bell",
        who_role="Occupational therapist",
        due_on=clock.today() + timedelta(days=7),
        confidence="7",
    )
    change = care_plan.update_action(
        populated,
        action_id=added.entity_id or "",
        what="Fit a grab rail by the shower",
        who_name="Jo Bell",
        who_role="Occupational therapist",
        due_on=clock.today() + timedelta(days=7),
        status="done",
        confidence=7,
    )
    assert change.fields == ("status",)
    record = open_record(populated, zoe, viewed=False)
    assert record.plan.goals[0].actions[0].status == "done"


def test_agreeing_freezes_a_version_and_any_edit_makes_it_draft(
    populated: Workspace, zoe: str
) -> None:
    with pytest.raises(InvalidInputError, match="at least one goal"):
        care_plan.agree_plan(
            populated, person_id=zoe, agreed_with_name="Zoë O'Neill", agreed_with_role="the person"
        )
    with populated.store.read() as session:  # the plan the refusal made was rolled back too
        assert session.execute(select(CarePlan)).first() is None

    goal = care_plan.add_goal(populated, person_id=zoe, statement="I want to see my sister")
    care_plan.save_strength(populated, person_id=zoe, description="Loves a chat")
    care_plan.save_contingency(
        populated,
        person_id=zoe,
        name="If Zoë falls",
        trigger="A fall at home",
        what_should_happen="Press the pendant alarm",
        who_to_contact="Carephone",
    )
    # No plan record yet (adding to the plan makes none): a draft, version 0.
    with populated.store.read() as session:
        assert session.execute(select(CarePlan)).first() is None
    assert open_record(populated, zoe).plan.status == "draft"

    review = clock.today() + timedelta(days=90)
    change = care_plan.agree_plan(
        populated,
        person_id=zoe,
        agreed_with_name="Zoë O'Neill",
        agreed_with_role="the person",
        review_due=review,
    )
    plan = _plan(populated, zoe)
    assert (plan.version, plan.status, plan.review_due) == (1, "agreed", review)
    with populated.store.read() as session:
        version = session.get(CarePlanVersion, change.entity_id)
        assert version is not None
        snap = json.loads(version.snapshot)
    assert snap["version"] == 1
    assert snap["goals"][0]["statement"] == "I want to see my sister"
    assert snap["strengths"] == ["Loves a chat"]
    assert snap["contingency_plans"][0]["name"] == "If Zoë falls"

    care_plan.update_goal(
        populated,
        goal_id=goal.entity_id or "",
        statement="I want to see my sister every week",
        importance=8,
        status="in_progress",
    )
    assert _plan(populated, zoe).status == "draft"
    care_plan.agree_plan(
        populated, person_id=zoe, agreed_with_name="Ann O'Neill", agreed_with_role="Carer"
    )
    plan = _plan(populated, zoe)
    assert (plan.version, plan.status, plan.agreed_with_role) == (2, "agreed", "carer")
    # Editing needs and strengths also puts it back to draft.
    care_plan.save_need(populated, person_id=zoe, description="Help with shopping")
    assert _plan(populated, zoe).status == "draft"


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"agreed_with_name": ""}, "cannot be empty"),
        ({"agreed_with_role": "neighbour"}, "Say who agreed"),
        ({"agreed_on": "1 Jan 2099"}, "future"),
        ({"review_due": "1 Jan 2020"}, "after the date"),
    ],
)
def test_agreeing_refuses_bad_input(
    populated: Workspace, zoe: str, kwargs: dict[str, object], reason: str
) -> None:
    care_plan.add_goal(populated, person_id=zoe, statement="I want to see my sister")
    args: dict[str, object] = {
        "agreed_with_name": "Zoë O'Neill",
        "agreed_with_role": "the person",
        **kwargs,
    }
    with pytest.raises(InvalidInputError, match=reason):
        care_plan.agree_plan(populated, person_id=zoe, **args)  # type: ignore[arg-type]
    assert open_record(populated, zoe).plan.version == 0


def test_review_date_cannot_be_past(populated: Workspace, zoe: str) -> None:
    with pytest.raises(InvalidInputError, match="past"):
        care_plan.set_review_date(populated, person_id=zoe, review_due="1 Jan 2020")
    due = clock.today() + timedelta(days=30)
    care_plan.set_review_date(populated, person_id=zoe, review_due=due)
    assert _plan(populated, zoe).review_due == due


# -- risks and alerts -------------------------------------------------------------------


def test_risks_score_update_and_close(populated: Workspace, zoe: str) -> None:
    with pytest.raises(InvalidInputError, match="likelihood should be from 1 to 5"):
        risks.add_risk(
            populated, person_id=zoe, kind="falls", description="Falls", likelihood=6, impact=2
        )
    added = risks.add_risk(
        populated,
        person_id=zoe,
        kind="falls",
        description="Falls on the stairs at night",
        likelihood=4,
        impact=4,
        mitigation="Night light; commode downstairs",
    )
    _, rows = fetch(populated, CaseloadQuery(min_risk=16))
    assert [r.family_name for r in rows] == ["O'Neill"]
    change = risks.update_risk(
        populated,
        risk_id=added.entity_id or "",
        kind="falls",
        description="Falls on the stairs at night",
        likelihood=4,
        impact=4,
        mitigation="Night light; commode downstairs",
        status="closed",
    )
    assert set(change.fields) == {"status", "ended_on"}
    with populated.store.read() as session:
        risk = session.get(Risk, added.entity_id)
        assert risk is not None
        assert risk.ended_on == clock.today()
    total, _ = fetch(populated, CaseloadQuery(min_risk=16))
    assert total == 0  # the caseload summary follows (triggers)


def test_alerts_added_reworded_and_ended(populated: Workspace, zoe: str) -> None:
    with pytest.raises(InvalidInputError, match="is not one of"):
        risks.add_alert(populated, person_id=zoe, kind="ghost", summary="Boo")
    added = risks.add_alert(populated, person_id=zoe, kind="dnacpr", summary="DNACPR in place")
    _, rows = fetch(populated, CaseloadQuery(search="o'neill"))
    assert rows[0].alert_kinds == ("dnacpr",)
    risks.update_alert(
        populated, alert_id=added.entity_id or "", kind="dnacpr", summary="x", active=False
    )
    _, rows = fetch(populated, CaseloadQuery(search="o'neill"))
    assert rows[0].alert_kinds == ()


# -- consent ----------------------------------------------------------------------------


def test_consent_refusal_needs_a_reason_and_duplicates_are_refused(
    populated: Workspace, zoe: str
) -> None:
    base = {
        "person_id": zoe,
        "partner_organisation_id": None,
        "category": "health",
        "given_by": "the person",
        "method": "verbal",
    }
    before = _journal_and_audit(populated)
    with pytest.raises(InvalidInputError, match="Say why consent was refused"):
        consent.record_consent(populated, decision="refused", **base)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="after the date"):
        consent.record_consent(
            populated,
            decision="given",
            review_on=clock.today() - timedelta(days=1),
            **base,  # type: ignore[arg-type]
        )
    assert _journal_and_audit(populated) == before

    made = consent.record_consent(
        populated,
        decision="given",
        review_on=clock.today() + timedelta(days=365),
        **base,  # type: ignore[arg-type]
    )
    with pytest.raises(InvalidInputError, match="review it instead"):
        consent.record_consent(populated, decision="given", **base)  # type: ignore[arg-type]

    consent.review_consent(
        populated,
        consent_id=made.entity_id or "",
        decision="withdrawn",
        given_by="the person",
        method="written",
    )
    with populated.store.read() as session:
        row = session.get(ConsentToShare, made.entity_id)
        assert row is not None
        assert (row.decision, row.withdrawn_on, row.method) == (
            "withdrawn",
            clock.today(),
            "written",
        )
        reviews = session.execute(
            select(func.count()).where(AuditEvent.action == "consent_reviewed")
        ).scalar_one()
        assert reviews == 1
    record = open_record(populated, zoe, viewed=False)
    assert record.consent[0].decision == "withdrawn"
    assert record.consent[0].partner is None


def test_consent_for_an_unknown_partner_is_refused(populated: Workspace, zoe: str) -> None:
    with pytest.raises(InvalidInputError, match="partner organisation"):
        consent.record_consent(
            populated,
            person_id=zoe,
            partner_organisation_id="nope",
            category="all",
            decision="given",
        )


# -- caseload filters -------------------------------------------------------------------


def test_caseload_filters_mine_visits_and_reviews(populated: Workspace, zoe: str) -> None:
    edit(populated, ALUN, {"lead_professional": "Sam Taylor"})
    _, rows = fetch(populated, CaseloadQuery(lead_professional_id=populated.actor.user_id))
    assert [r.family_name for r in rows] == ["Pritchard"]
    with populated.store.write(populated.actor) as session:
        session.add(
            PlannedVisit(
                person_id=zoe,
                due_at=clock.now() - timedelta(days=2),
                assigned_to_id=populated.actor.user_id,
            )
        )
    assert [r.family_name for r in fetch(populated, CaseloadQuery(next_visit="overdue"))[1]] == [
        "O'Neill"
    ]
    assert fetch(populated, CaseloadQuery(next_visit="week"))[0] == 0
    assert [r.family_name for r in fetch(populated, CaseloadQuery(next_visit="none"))[1]] == [
        "Pritchard"
    ]
    care_plan.set_review_date(
        populated, person_id=zoe, review_due=clock.today() + timedelta(days=10)
    )
    assert fetch(populated, CaseloadQuery(plan_review="month"))[0] == 1
    assert fetch(populated, CaseloadQuery(plan_review="overdue"))[0] == 0
    assert fetch(populated, CaseloadQuery(plan_review="none"))[0] == 1
    with pytest.raises(InvalidInputError, match="next-visit filter"):
        fetch(populated, CaseloadQuery(next_visit="someday"))
    assert localities(populated) == []
