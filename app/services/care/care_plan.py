"""Editing the care and support plan, and agreeing it with the person.

Each operation is one journalled write with one audit event and returns a
`Change`. Any edit to goals, actions, strengths, needs or the contingency plan
puts an agreed plan back to draft; agreeing it freezes a new numbered version
(`CarePlanVersion`, a JSON snapshot of the plan as agreed).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import rules
from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.changes import CASELOAD, PLAN, Change
from app.services.need_to_know.access import require_access_to_write
from app.services.ops import operation, optional_date, text
from app.values.vocab import ActionStatus, CareActOutcome, GoalStatus
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import (
    CarePlan,
    CarePlanVersion,
    ContingencyPlan,
    Goal,
    Need,
    Person,
    PlanAction,
    Strength,
)

# Who a plan can be agreed with (CarePlan.agreed_with_role).
AGREED_WITH_ROLES = ("the person", "carer", "lasting power of attorney", "advocate")
# Goal statuses that close a goal: they need an outcome saying how it went.
CLOSING_STATUSES = frozenset({"achieved", "partially_achieved", "not_achieved", "discontinued"})
# A goal in the person's words: "I want...", "My...", "We..." (PRSB: what matters to me).
_FIRST_PERSON = re.compile(r"^(I|I'm|I’m|I'd|I’d|I'll|I’ll|I've|I’ve|My|We|We'd|Our)\b")
_PLAN_AREAS = frozenset({PLAN})


# -- helpers ----------------------------------------------------------------------------


def _person(session: Session, person_id: str) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError("That person is no longer in this profile.")
    require_access_to_write(session, person_id)  # need-to-know, checked at the write
    return person


def _plan(session: Session, person_id: str) -> CarePlan:
    plan = session.execute(
        select(CarePlan).where(CarePlan.person_id == person_id)
    ).scalar_one_or_none()
    if plan is None:
        _person(session, person_id)
        plan = CarePlan(person_id=person_id, version=0, status="draft")
        session.add(plan)
        session.flush()
    else:
        require_access_to_write(session, person_id)
    return plan


def plan_edited(session: Session, person_id: str) -> None:
    """The plan no longer matches its agreed version. A person with no plan record
    yet has a draft (version 0) already: none is made here. (The plan record is one
    per person; made by whoever first added a goal, two colleagues adding goals
    offline each made one, and the second could never join the first. It is made
    by agreeing the plan or setting its review date, the lead's deliberate acts.)"""
    require_access_to_write(session, person_id)
    plan = session.execute(
        select(CarePlan).where(CarePlan.person_id == person_id)
    ).scalar_one_or_none()
    if plan is not None and plan.status != "draft":
        plan.status = "draft"


def _get(session: Session, table: type[Any], entity_id: str, what: str) -> Any:
    row = session.get(table, entity_id)
    if row is None:
        raise NotFoundError("That {what} is no longer in the plan.", what=what)
    require_access_to_write(session, row.person_id)
    return row


def _apply(row: Any, values: dict[str, Any]) -> tuple[str, ...]:
    changed = tuple(name for name, value in values.items() if getattr(row, name) != value)
    for name in changed:
        setattr(row, name, values[name])
    return changed


def _change(action: str, person_id: str, entity_id: str, changed: tuple[str, ...]) -> Change:
    return Change(
        action, person_id=person_id, entity_id=entity_id, areas=_PLAN_AREAS, fields=changed
    )


# -- goals ------------------------------------------------------------------------------


class _Unchanged:
    """The goal's scale as it is (callers that do not ask about it)."""


UNCHANGED = _Unchanged()


def scale_baseline(value: int | str | None) -> int | None:
    """Where the person starts on the goal's attainment scale (Turner-Stokes 2009):
    -1, they could get worse; -2, they cannot. Blank: no scale. Reviews score
    against it (`outcomes.goal_reviews`)."""
    if value is None or not str(value).strip():
        return None
    return rules.score(value, "starting point on the goal attainment scale", -2, -1)


@dataclass(frozen=True)
class GoalFields:
    statement: str
    importance: int
    status: str
    outcome: str | None
    target_date: date | None


def check_goal(
    *,
    statement: str,
    importance: int | str = 5,
    status: str = GoalStatus.IN_PROGRESS.value,
    outcome: str | None = None,
    target_date: date | str | None = None,
) -> GoalFields:
    words = text(statement, "goal", limit=1000, required=True)
    if not _FIRST_PERSON.match(words):
        raise InvalidInputError(
            "Write the goal in the person's own words, starting with 'I' "
            "(for example: I want to get to the shops on my own)."
        )
    code = GoalStatus.parse(status).value
    said = text(outcome, "outcome", limit=2000) or None
    if code in CLOSING_STATUSES and not said:
        raise InvalidInputError("Say what the outcome was when a goal is finished or stopped.")
    return GoalFields(
        statement=words,
        importance=rules.score(importance, "importance", 1, 10),
        status=code,
        outcome=said,
        target_date=optional_date(target_date, "target date"),
    )


def add_goal(
    workspace: Workspace,
    *,
    person_id: str,
    statement: str,
    importance: int | str = 5,
    status: str = GoalStatus.IN_PROGRESS.value,
    outcome: str | None = None,
    target_date: date | str | None = None,
    need_id: str | None = None,
    draft_key: str | None = None,
    gas_baseline: int | str | None = None,
) -> Change:
    fields = check_goal(
        statement=statement,
        importance=importance,
        status=status,
        outcome=outcome,
        target_date=target_date,
    )
    baseline = scale_baseline(gas_baseline)
    with operation(workspace, draft_key=draft_key) as session:
        _person(session, person_id)
        if need_id is not None and _get(session, Need, need_id, "need").person_id != person_id:
            raise InvalidInputError("That need belongs to someone else's plan.")
        goal = Goal(person_id=person_id, need_id=need_id, gas_baseline=baseline, **asdict(fields))
        session.add(goal)
        session.flush()
        plan_edited(session, person_id)
        audit(session, "goal_added", person_id=person_id, detail={"goal_id": goal.id})
        return _change("goal_added", person_id, goal.id, tuple(asdict(fields)))


def update_goal(
    workspace: Workspace,
    *,
    goal_id: str,
    statement: str,
    importance: int | str,
    status: str,
    outcome: str | None = None,
    target_date: date | str | None = None,
    draft_key: str | None = None,
    gas_baseline: int | str | _Unchanged | None = UNCHANGED,
) -> Change:
    fields = check_goal(
        statement=statement,
        importance=importance,
        status=status,
        outcome=outcome,
        target_date=target_date,
    )
    values: dict[str, Any] = asdict(fields)
    if not isinstance(gas_baseline, _Unchanged):
        values["gas_baseline"] = scale_baseline(gas_baseline)
    with operation(workspace, draft_key=draft_key) as session:
        goal = _get(session, Goal, goal_id, "goal")
        changed = _apply(goal, values)
        if changed:
            plan_edited(session, goal.person_id)
            audit(
                session,
                "goal_edited",
                person_id=goal.person_id,
                detail={"goal_id": goal.id, "fields": list(changed)},
            )
        return _change("goal_edited", goal.person_id, goal.id, changed)


# -- actions ----------------------------------------------------------------------------


def _action_fields(
    *,
    what: str,
    who_name: str,
    who_role: str | None,
    timing: str | None,
    due_on: date | str | None,
    status: str,
    confidence: int | str | None,
) -> dict[str, Any]:
    sure = None
    if confidence is not None and str(confidence).strip():
        sure = rules.score(confidence, "confidence", 1, 10)
    return {
        "what": text(what, "action", limit=1000, required=True),
        "who_name": text(who_name, "name of who will do it", limit=200, required=True),
        "who_role": text(who_role, "role", limit=120) or None,
        "timing": text(timing, "timing", limit=120) or None,
        "due_on": optional_date(due_on, "date it is due"),
        "status": ActionStatus.parse(status).value,
        "confidence": sure,
    }


def add_action(
    workspace: Workspace,
    *,
    goal_id: str,
    what: str,
    who_name: str,
    who_role: str | None = None,
    timing: str | None = None,
    due_on: date | str | None = None,
    status: str = ActionStatus.PLANNED.value,
    confidence: int | str | None = None,
    draft_key: str | None = None,
) -> Change:
    fields = _action_fields(
        what=what,
        who_name=who_name,
        who_role=who_role,
        timing=timing,
        due_on=due_on,
        status=status,
        confidence=confidence,
    )
    with operation(workspace, draft_key=draft_key) as session:
        goal = _get(session, Goal, goal_id, "goal")
        action = PlanAction(
            person_id=goal.person_id, goal_id=goal.id, last_updated=clock.now(), **fields
        )
        session.add(action)
        session.flush()
        plan_edited(session, goal.person_id)
        audit(
            session,
            "action_added",
            person_id=goal.person_id,
            detail={"action_id": action.id, "goal_id": goal.id},
        )
        return _change("action_added", goal.person_id, action.id, tuple(fields))


def update_action(
    workspace: Workspace,
    *,
    action_id: str,
    what: str,
    who_name: str,
    who_role: str | None = None,
    timing: str | None = None,
    due_on: date | str | None = None,
    status: str = ActionStatus.PLANNED.value,
    confidence: int | str | None = None,
    draft_key: str | None = None,
) -> Change:
    fields = _action_fields(
        what=what,
        who_name=who_name,
        who_role=who_role,
        timing=timing,
        due_on=due_on,
        status=status,
        confidence=confidence,
    )
    with operation(workspace, draft_key=draft_key) as session:
        action = _get(session, PlanAction, action_id, "action")
        changed = _apply(action, fields)
        if changed:
            action.last_updated = clock.now()
            plan_edited(session, action.person_id)
            audit(
                session,
                "action_edited",
                person_id=action.person_id,
                detail={"action_id": action.id, "fields": list(changed)},
            )
        return _change("action_edited", action.person_id, action.id, changed)


# -- strengths, needs, contingency ------------------------------------------------------


def save_strength(
    workspace: Workspace,
    *,
    person_id: str,
    description: str,
    strength_id: str | None = None,
    draft_key: str | None = None,
) -> Change:
    """Add a strength, or reword one (`strength_id`)."""
    words = text(description, "strength", limit=1000, required=True)
    with operation(workspace, draft_key=draft_key) as session:
        if strength_id is None:
            _person(session, person_id)
            row = Strength(person_id=person_id, description=words)
            session.add(row)
            session.flush()
            changed: tuple[str, ...] = ("description",)
        else:
            row = _get(session, Strength, strength_id, "strength")
            if row.person_id != person_id:
                raise InvalidInputError("That strength belongs to someone else's plan.")
            changed = _apply(row, {"description": words})
        if changed:
            plan_edited(session, person_id)
            audit(session, "strength_saved", person_id=person_id, detail={"strength_id": row.id})
        return _change("strength_saved", person_id, row.id, changed)


def save_need(
    workspace: Workspace,
    *,
    person_id: str,
    description: str,
    care_act_outcome: str | None = None,
    need_id: str | None = None,
    draft_key: str | None = None,
) -> Change:
    values = {
        "description": text(description, "need", limit=1000, required=True),
        "care_act_outcome": CareActOutcome.parse(care_act_outcome).value
        if care_act_outcome
        else None,
    }
    with operation(workspace, draft_key=draft_key) as session:
        if need_id is None:
            _person(session, person_id)
            row = Need(person_id=person_id, **values)
            session.add(row)
            session.flush()
            changed: tuple[str, ...] = tuple(values)
        else:
            row = _get(session, Need, need_id, "need")
            if row.person_id != person_id:
                raise InvalidInputError("That need belongs to someone else's plan.")
            changed = _apply(row, values)
        if changed:
            plan_edited(session, person_id)
            audit(session, "need_saved", person_id=person_id, detail={"need_id": row.id})
        return _change("need_saved", person_id, row.id, changed)


def save_contingency(
    workspace: Workspace,
    *,
    person_id: str,
    name: str,
    trigger: str,
    what_should_happen: str,
    who_to_contact: str = "",
    early_warning_signs: str | None = None,
    review_on: date | str | None = None,
    contingency_id: str | None = None,
    draft_key: str | None = None,
) -> Change:
    values = {
        "name": text(name, "name of the contingency plan", limit=200, required=True),
        "trigger": text(trigger, "situation it covers", limit=2000, required=True),
        "what_should_happen": text(what_should_happen, "what should happen", required=True),
        "who_to_contact": text(who_to_contact, "who to contact"),
        "early_warning_signs": text(early_warning_signs, "early warning signs") or None,
        "review_on": optional_date(review_on, "review date"),
    }
    with operation(workspace, draft_key=draft_key) as session:
        if contingency_id is None:
            _person(session, person_id)
            row = ContingencyPlan(person_id=person_id, **values)
            session.add(row)
            session.flush()
            changed: tuple[str, ...] = tuple(values)
        else:
            row = _get(session, ContingencyPlan, contingency_id, "contingency plan")
            if row.person_id != person_id:
                raise InvalidInputError("That contingency plan belongs to someone else.")
            changed = _apply(row, values)
        if changed:
            plan_edited(session, person_id)
            audit(
                session, "contingency_saved", person_id=person_id, detail={"contingency_id": row.id}
            )
        return _change("contingency_saved", person_id, row.id, changed)


def set_review_date(
    workspace: Workspace, *, person_id: str, review_due: date | str, draft_key: str | None = None
) -> Change:
    due = optional_date(review_due, "review date")
    if due is None:
        raise InvalidInputError("Enter the date the plan should be reviewed by.")
    if due < clock.today():
        raise InvalidInputError("The review date cannot be in the past.")
    with operation(workspace, draft_key=draft_key) as session:
        plan = _plan(session, person_id)
        changed = _apply(plan, {"review_due": due})
        if changed:
            audit(session, "plan_review_set", person_id=person_id, detail={"plan_id": plan.id})
        return Change(
            "plan_review_set",
            person_id=person_id,
            entity_id=plan.id,
            areas=frozenset({PLAN, CASELOAD}),
            fields=changed,
        )


# -- agreeing the plan ------------------------------------------------------------------


def snapshot(session: Session, plan: CarePlan) -> dict[str, Any]:
    """The plan as it stands, as plain JSON-ready data (what the person agreed to)."""
    pid = plan.person_id

    def rows(table: type[Any], *order: Any) -> list[Any]:
        stmt = select(table).where(table.person_id == pid).order_by(*order, table.id)
        # What has ended (a strength, need or contingency plan) is not in the plan agreed.
        found: list[Any] = list(session.execute(stmt).scalars())
        return [r for r in found if getattr(r, "ended_on", None) is None]

    actions: dict[str | None, list[dict[str, Any]]] = {}
    for a in rows(PlanAction, PlanAction.due_on):
        actions.setdefault(a.goal_id, []).append(
            {
                "id": a.id,
                "what": a.what,
                "who_name": a.who_name,
                "who_role": a.who_role,
                "timing": a.timing,
                "due_on": a.due_on.isoformat() if a.due_on else None,
                "status": a.status,
                "confidence": a.confidence,
            }
        )
    return {
        "strengths": [s.description for s in rows(Strength, Strength.recorded_at)],
        "needs": [
            {"id": n.id, "description": n.description, "care_act_outcome": n.care_act_outcome}
            for n in rows(Need, Need.recorded_at)
        ],
        "goals": [
            {
                "id": g.id,
                "statement": g.statement,
                "importance": g.importance,
                "status": g.status,
                "outcome": g.outcome,
                "target_date": g.target_date.isoformat() if g.target_date else None,
                "actions": actions.get(g.id, []),
            }
            for g in rows(Goal, Goal.importance.desc())
        ],
        # Only when there are any: versions agreed before meetings read as they were.
        **({"agreed_at_meetings": actions[None]} if None in actions else {}),
        "contingency_plans": [
            {
                "name": c.name,
                "trigger": c.trigger,
                "what_should_happen": c.what_should_happen,
                "who_to_contact": c.who_to_contact,
                "early_warning_signs": c.early_warning_signs,
            }
            for c in rows(ContingencyPlan, ContingencyPlan.recorded_at)
        ],
    }


def agree_plan(
    workspace: Workspace,
    *,
    person_id: str,
    agreed_with_name: str,
    agreed_with_role: str,
    agreed_on: date | str | None = None,
    review_due: date | str | None = None,
    draft_key: str | None = None,
) -> Change:
    """A new version: CarePlan.version + 1, status agreed, and a frozen snapshot."""
    who = rules.required_name(agreed_with_name, "name of who agreed the plan")
    role = (agreed_with_role or "").strip().lower()
    if role not in AGREED_WITH_ROLES:
        raise InvalidInputError(
            "Say who agreed the plan: one of {roles}.", roles=", ".join(AGREED_WITH_ROLES)
        )
    today = clock.today()
    on = optional_date(agreed_on, "date the plan was agreed") or today
    if on > today:
        raise InvalidInputError("The plan cannot be agreed on a date in the future.")
    review = optional_date(review_due, "review date")
    if review is not None and review <= on:
        raise InvalidInputError("The review date must be after the date the plan was agreed.")
    with operation(workspace, draft_key=draft_key) as session:
        plan = _plan(session, person_id)
        frozen = snapshot(session, plan)
        if not frozen["goals"]:
            raise InvalidInputError("Add at least one goal before agreeing the plan.")
        plan.version = (plan.version or 0) + 1
        plan.status = "agreed"
        plan.agreed_on = on
        plan.agreed_with_name = who
        plan.agreed_with_role = role
        if review is not None:
            plan.review_due = review
        frozen = {
            "version": plan.version,
            "agreed_on": on.isoformat(),
            "agreed_with_name": who,
            "agreed_with_role": role,
            "review_due": plan.review_due.isoformat() if plan.review_due else None,
            **frozen,
        }
        version = CarePlanVersion(
            plan_id=plan.id,
            person_id=person_id,
            version=plan.version,
            agreed_on=on,
            agreed_with_name=who,
            agreed_with_role=role,
            snapshot=json.dumps(frozen, ensure_ascii=False, sort_keys=True),
        )
        session.add(version)
        session.flush()
        audit(
            session,
            "plan_agreed",
            person_id=person_id,
            detail={"plan_id": plan.id, "version": plan.version, "version_id": version.id},
        )
        return Change(
            "plan_agreed",
            person_id=person_id,
            entity_id=version.id,
            areas=frozenset({PLAN, CASELOAD}),
            fields=("version", "status", "agreed_on", "agreed_with_name", "agreed_with_role"),
        )
