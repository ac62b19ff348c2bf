"""Reviewing a goal: its result in the person's terms (achieved, partly, not achieved,
no longer wanted), and optionally its goal attainment scale score (Turner-Stokes
2009: -2 much less than expected ... 0 as expected ... +2 much more), signed by the
reviewer and kept as a history.

The scale is set when the goal is made (`set_goal_scale`: where the person starts,
-1, or -2 when they cannot get worse); the review scores against it. A review also
closes the goal with the matching status, so the plan and the outcome report read
the same result.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app import rules
from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.care.care_plan import plan_edited, scale_baseline
from app.services.changes import CASELOAD, OUTCOMES, PLAN, Change
from app.services.need_to_know.access import require_access_to_write
from app.services.ops import operation, optional_date, text
from app.values.vocab import GoalResult, GoalStatus
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import Goal, GoalReview

_AREAS = frozenset({OUTCOMES, PLAN, CASELOAD})
# The goal's status once reviewed with each result.
STATUS_AFTER = {
    GoalResult.ACHIEVED.value: GoalStatus.ACHIEVED.value,
    GoalResult.PARTLY.value: GoalStatus.PARTIALLY_ACHIEVED.value,
    GoalResult.NOT_ACHIEVED.value: GoalStatus.NOT_ACHIEVED.value,
    GoalResult.NO_LONGER_WANTED.value: GoalStatus.DISCONTINUED.value,
}
NO_SUCH_GOAL = "That goal is not in this person's plan."


def _goal(session: Session, goal_id: str) -> Goal:
    goal = session.get(Goal, goal_id)
    if goal is None:
        raise NotFoundError(NO_SUCH_GOAL)
    require_access_to_write(session, goal.person_id)
    return goal


def review_goal(
    workspace: Workspace,
    *,
    goal_id: str,
    result: str,
    gas_score: int | str | None = None,
    comment: str | None = None,
    reviewed_on: date | str | None = None,
    draft_key: str | None = None,
) -> Change:
    code = GoalResult.parse(result).value
    score = None
    if gas_score is not None and str(gas_score).strip():
        score = rules.score(gas_score, "goal attainment score", -2, 2)
    said = text(comment, "what the person said", limit=2000) or None
    on = optional_date(reviewed_on, "review date") or clock.today()
    if on > clock.today():
        raise InvalidInputError("A goal is reviewed on the day it is: not a day still to come.")
    signer = workspace.actor.user_id
    if signer is None:
        raise InvalidInputError("Sign in as yourself to review a goal: it is signed by you.")
    with operation(workspace, draft_key=draft_key) as session:
        goal = _goal(session, goal_id)
        if on < goal.recorded_at.date():
            raise InvalidInputError("A goal cannot be reviewed before it was set.")
        review = GoalReview(
            person_id=goal.person_id,
            goal_id=goal.id,
            reviewed_on=on,
            result=code,
            gas_score=score,
            comment=said,
            reviewed_by_id=signer,
        )
        session.add(review)
        goal.status = STATUS_AFTER[code]
        # The plan's own words for the outcome: the person's, else the result's.
        goal.outcome = said or goal.outcome or GoalResult(code).label
        session.flush()
        plan_edited(session, goal.person_id)
        audit(
            session,
            "goal_reviewed",
            person_id=goal.person_id,
            detail={"goal_id": goal.id, "review_id": review.id, "result": code},
        )
        person_id = goal.person_id
    return Change(
        "goal_reviewed",
        person_id=person_id,
        entity_id=goal_id,
        areas=_AREAS,
        fields=("status", "outcome"),
    )


def set_goal_scale(workspace: Workspace, *, goal_id: str, baseline: int | str | None) -> Change:
    """The goal's attainment scale: where the person starts (-1, or -2 when they
    cannot get worse); none clears it."""
    value = scale_baseline(baseline)
    with operation(workspace) as session:
        goal = _goal(session, goal_id)
        changed = goal.gas_baseline != value
        goal.gas_baseline = value
        if changed:
            audit(
                session,
                "goal_scale_set",
                person_id=goal.person_id,
                detail={"goal_id": goal.id},
            )
        person_id = goal.person_id
    return Change(
        "goal_scale_set",
        person_id=person_id,
        entity_id=goal_id,
        areas=_AREAS,
        fields=("gas_baseline",) if changed else (),
    )
