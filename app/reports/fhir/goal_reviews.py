"""Goal reviews, as Observations: one per review (the record keeps them as a history),
focused on the Goal, its result in the person's terms as the value, and the goal
attainment scaling score and the goal's baseline as components. The Goal lists them
as its `outcomeReference`, and its achievementStatus already follows the latest
(a review closes the goal with the matching status)."""

from __future__ import annotations

from typing import Any

from app.reports.fhir.elements import Entries, Export, coded, concept, day, identifier, instant, ref
from app.reports.fhir.terms import (
    EXT_GAS_BASELINE,
    GAS_BASELINE_OBS,
    GAS_SCORE_OBS,
    GOAL_RESULT,
    GOAL_REVIEW_OBS,
    OBSERVATION_CODE,
)
from app.values.vocab import GoalResult
from storage.tables import Goal


def reviews_of(export: Export, goal_id: str) -> list[dict[str, Any]]:
    """References to a goal's reviews, oldest first: the Goal's outcomeReference."""
    reviews = [r for r in export.snap.goal_reviews if r.goal_id == goal_id]
    return [ref(r.id) for r in sorted(reviews, key=lambda r: (r.reviewed_on, r.recorded_at))]


def scale(goal: Goal) -> dict[str, Any]:
    """A goal on the attainment scale: where the person starts (an extension: R4's Goal
    has no element for it) and its target, 0 being the outcome expected."""
    if goal.gas_baseline is None:
        return {"target": [{"dueDate": day(goal.target_date)}] if goal.target_date else []}
    return {
        "extension": [{"url": EXT_GAS_BASELINE, "valueInteger": goal.gas_baseline}],
        "target": [
            {
                "measure": concept(OBSERVATION_CODE, *GAS_SCORE_OBS),
                "detailInteger": 0,
                "dueDate": day(goal.target_date),
            }
        ],
    }


def _component(kind: tuple[str, str], value: int | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"code": concept(OBSERVATION_CODE, *kind), "valueInteger": value}


def add_goal_reviews(entries: Entries, export: Export) -> None:
    goals = {g.id: g for g in export.snap.goals}
    staff = export.snap.staff
    for review in sorted(export.snap.goal_reviews, key=lambda r: (r.reviewed_on, r.recorded_at)):
        goal = goals.get(review.goal_id)
        reviewer = staff.get(review.reviewed_by_id)
        entries.add(
            review.id,
            {
                "resourceType": "Observation",
                "identifier": identifier(review.id),
                "status": "final",
                "code": concept(OBSERVATION_CODE, *GOAL_REVIEW_OBS),
                "subject": export.patient_ref,
                "focus": [ref(goal.id)] if goal else [],
                "effectiveDateTime": day(review.reviewed_on),
                "issued": instant(review.recorded_at),
                "performer": [ref(reviewer.id, reviewer.display_name)] if reviewer else [],
                "valueCodeableConcept": coded(GOAL_RESULT, GoalResult, review.result),
                "component": [
                    _component(GAS_SCORE_OBS, review.gas_score),
                    _component(GAS_BASELINE_OBS, goal.gas_baseline if goal else None),
                ],
                "note": [{"text": review.comment}] if review.comment else [],
            },
        )
