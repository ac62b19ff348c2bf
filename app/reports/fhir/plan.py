"""Needs (as Conditions), goals (with their attainment scale and reviews), the care
plan with its activities, and each contingency plan as a CarePlan that is part of it."""

from __future__ import annotations

import uuid
from typing import Any

from app.reports.fhir.elements import Entries, Export, day, identifier, instant, ref, text
from app.reports.fhir.goal_reviews import reviews_of, scale
from app.reports.fhir.team import care_team_id
from app.reports.fhir.terms import (
    ACTION_STATUS,
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    GOAL_ACHIEVEMENT,
    GOAL_PRIORITY,
    GOAL_STATUS,
)
from storage.tables import CarePlan, Goal, PlanAction


def add_needs(entries: Entries, export: Export) -> None:
    for need in export.snap.needs:
        entries.add(
            need.id,
            {
                "resourceType": "Condition",
                "identifier": identifier(need.id),
                "clinicalStatus": {
                    "coding": [
                        {
                            "system": CONDITION_CLINICAL,
                            "code": "active" if need.ended_on is None else "resolved",
                        }
                    ]
                },
                "abatementDateTime": day(need.ended_on),
                "category": [
                    {
                        "coding": [
                            {
                                "system": CONDITION_CATEGORY,
                                "code": "problem-list-item",
                                "display": "Problem List Item",
                            }
                        ]
                    }
                ],
                "code": text(need.description),
                "subject": export.patient_ref,
                "recordedDate": instant(need.recorded_at),
                "note": [{"text": f"Care Act outcome: {need.care_act_outcome.replace('_', ' ')}"}]
                if need.care_act_outcome
                else [],
            },
        )


def _priority(goal: Goal) -> str:
    if goal.importance >= 8:
        return "high-priority"
    return "medium-priority" if goal.importance >= 4 else "low-priority"


def add_goals(entries: Entries, export: Export) -> None:
    need_ids = {n.id for n in export.snap.needs}
    for goal in export.snap.goals:
        lifecycle, achievement = GOAL_STATUS.get(goal.status, ("active", None))
        entries.add(
            goal.id,
            {
                "resourceType": "Goal",
                "identifier": identifier(goal.id),
                "lifecycleStatus": lifecycle,
                "achievementStatus": {"coding": [{"system": GOAL_ACHIEVEMENT, "code": achievement}]}
                if achievement
                else None,
                "priority": {"coding": [{"system": GOAL_PRIORITY, "code": _priority(goal)}]},
                "description": text(goal.statement),
                "subject": export.patient_ref,
                **scale(goal),
                "addresses": [ref(goal.need_id)] if goal.need_id in need_ids else [],
                "note": [{"text": f"Importance to the person: {goal.importance} out of 10"}],
                "outcomeCode": [text(goal.outcome)] if goal.outcome else [],
                "outcomeReference": reviews_of(export, goal.id),
            },
        )


def _activity(action: PlanAction, goal_ids: set[str]) -> dict[str, Any]:
    performer: dict[str, Any] = {
        "display": ", ".join(x for x in (action.who_name, action.who_role) if x) or "Not yet named"
    }
    if action.who_organisation_id and not action.who_name:
        performer = ref(action.who_organisation_id)
    return {
        "detail": {
            "status": ACTION_STATUS.get(action.status, "unknown"),
            "description": action.what,
            "goal": [ref(action.goal_id)] if action.goal_id in goal_ids else [],
            "scheduledString": action.timing,
            "performer": [performer],
        },
        "progress": [{"text": f"Contact: {action.who_contact}"}] if action.who_contact else [],
    }


def _plan_notes(plan: CarePlan | None) -> list[dict[str, str]]:
    """Agreement, funding and review as notes: R4 CarePlan has no element for them."""
    notes: list[dict[str, str]] = []
    if plan is not None and plan.version:
        agreed = f"Version {plan.version} agreed"
        if plan.agreed_on:
            agreed += f" on {plan.agreed_on.isoformat()}"
        if plan.agreed_with_name:
            agreed += f" with {plan.agreed_with_name} ({plan.agreed_with_role or 'the person'})"
        if plan.status != "agreed":
            agreed += "; changed since, not yet agreed again"
        notes.append({"text": agreed})
    if plan is not None and plan.funding_source:
        notes.append({"text": f"Funding: {plan.funding_source}"})
    if plan is not None and plan.review_due:
        notes.append({"text": f"Review due {plan.review_due.isoformat()}"})
    return notes


def plan_id(export: Export) -> str:
    """The plan's own id; a person with no plan yet still gets a stable one."""
    plan = export.snap.plan
    pid = export.snap.person.id
    return plan.id if plan else str(uuid.uuid5(uuid.NAMESPACE_URL, f"onerecord:plan:{pid}"))


def add_care_plan(entries: Entries, export: Export) -> None:
    snap = export.snap
    plan = snap.plan
    lead = export.lead
    goal_ids = {g.id for g in snap.goals}
    the_plan = plan_id(export)
    entries.add(
        the_plan,
        {
            "resourceType": "CarePlan",
            "identifier": identifier(the_plan),
            "status": "active" if plan is not None and plan.status == "agreed" else "draft",
            "intent": "plan",
            "title": "Personalised care and support plan",
            "subject": export.patient_ref,
            "created": instant(plan.recorded_at) if plan else None,
            "author": ref(lead.id, lead.display_name) if lead else None,
            "careTeam": [ref(care_team_id(snap.person.id))],
            "addresses": [ref(n.id) for n in snap.needs if n.ended_on is None],
            "goal": [ref(g.id) for g in snap.goals],
            "activity": [_activity(a, goal_ids) for a in snap.actions],
            "note": _plan_notes(plan),
        },
    )


def add_contingency_plans(entries: Entries, export: Export) -> None:
    the_plan = plan_id(export)
    for cp in export.snap.contingencies:
        parts = [f"If: {cp.trigger}", f"What should happen: {cp.what_should_happen}"]
        if cp.who_to_contact:
            parts.append(f"Who to contact: {cp.who_to_contact}")
        if cp.early_warning_signs:
            parts.append(f"Early warning signs: {cp.early_warning_signs}")
        if cp.anticipatory_medicines_equipment:
            parts.append(f"In the home: {cp.anticipatory_medicines_equipment}")
        entries.add(
            cp.id,
            {
                "resourceType": "CarePlan",
                "identifier": identifier(cp.id),
                "status": "active" if cp.ended_on is None else "completed",
                "intent": "plan",
                "category": [text("Contingency plan")],
                "title": cp.name,
                "description": "\n".join(parts),
                "subject": export.patient_ref,
                "partOf": [ref(the_plan)],
                "period": {"end": day(cp.ended_on or cp.review_on)},
            },
        )
