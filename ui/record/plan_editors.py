"""The care plan's editing dialogs: goals, actions, agreeing the plan, its review
date, strengths and contingency."""

from __future__ import annotations

from typing import Any

from app.services import clock
from app.services.care import care_plan, plan_endings
from app.services.changes import Change
from app.services.record.record import (
    ActionItem,
    ContingencyItem,
    GoalItem,
    PersonRecord,
    TextItem,
)
from app.values.vocab import ActionStatus, CareActOutcome, GoalStatus
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit.forms import Field
from ui.record.editor import Editor, choices, date_text
from ui.record.outcomes_editors import BASELINE_CHOICES

# -- the care plan ----------------------------------------------------------------------

GOAL_FIELDS = (
    Field(
        "statement",
        "The goal, in the person's own words",
        "text",
        hint="Start with 'I', for example: I want to get to the shops on my own.",
        lines=3,
    ),
    Field(
        "importance",
        "How much it matters to them",
        "number",
        hint="1 (a little) to 10 (more than anything).",
        minimum=1,
        maximum=10,
    ),
    Field("status", "Progress", "choice", choices=choices(GoalStatus)),
    Field("target_date", "Target date", "date", optional=True),
    Field(
        "outcome",
        "Outcome",
        "text",
        hint="How it went. Needed when the goal is finished or stopped.",
        optional=True,
        lines=3,
    ),
    Field(
        "gas_baseline",
        "Goal attainment scale",
        "choice",
        choices=BASELINE_CHOICES,
        optional=True,
        hint="For the team's review of how far the goal was met; never printed.",
    ),
)


def goal(record: PersonRecord, item: GoalItem | None) -> Editor:
    person_id = record.header.person_id
    if item is None:

        def add(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
            return care_plan.add_goal(ws, person_id=person_id, draft_key=draft, **v)

        return Editor(
            "new_goal",
            None,
            person_id,
            tr("Add a goal"),
            GOAL_FIELDS,
            add,
            initial={"importance": 5, "status": GoalStatus.IN_PROGRESS.value},
            focus="statement",
        )
    goal_id = item.id

    def update(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return care_plan.update_goal(ws, goal_id=goal_id, draft_key=draft, **v)

    return Editor(
        "goal",
        goal_id,
        person_id,
        tr("Edit goal"),
        GOAL_FIELDS,
        update,
        initial={
            "statement": item.statement,
            "importance": item.importance,
            "status": item.status,
            "target_date": date_text(item.target_date),
            "outcome": item.outcome or "",
            "gas_baseline": "" if item.gas_baseline is None else str(item.gas_baseline),
        },
        focus="status",
    )


ACTION_FIELDS = (
    Field("what", "What will be done", "text", lines=3),
    Field("who_name", "Who will do it", hint="A name: the person, a carer, or a professional."),
    Field("who_role", "Their role", optional=True),
    Field(
        "timing",
        "When",
        hint="For example: every morning, or by the end of the month.",
        optional=True,
    ),
    Field("due_on", "Due by", "date", optional=True),
    Field("status", "Progress", "choice", choices=choices(ActionStatus)),
    Field(
        "confidence",
        "How confident the person feels about it",
        "number",
        hint="1 (not at all) to 10 (completely).",
        minimum=1,
        maximum=10,
        none_text="Not asked",
        optional=True,
    ),
)


def action(record: PersonRecord, goal_item: GoalItem | None, item: ActionItem | None) -> Editor:
    person_id = record.header.person_id
    if item is None:
        assert goal_item is not None
        goal_id = goal_item.id

        def add(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
            return care_plan.add_action(ws, goal_id=goal_id, draft_key=draft, **v)

        return Editor(
            "new_action",
            goal_id,
            person_id,
            tr("Add an action"),
            ACTION_FIELDS,
            add,
            initial={"status": ActionStatus.PLANNED.value, "confidence": None},
            intro=tr("Towards: {goal}").format(goal=goal_item.statement),
            focus="what",
        )
    action_id = item.id

    def update(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return care_plan.update_action(ws, action_id=action_id, draft_key=draft, **v)

    return Editor(
        "action",
        action_id,
        person_id,
        tr("Edit action"),
        ACTION_FIELDS,
        update,
        initial={
            "what": item.what,
            "who_name": item.who_name,
            "who_role": item.who_role or "",
            "timing": item.timing or "",
            "due_on": date_text(item.due_on),
            "status": item.status,
            "confidence": item.confidence or 0,
        },
        focus="status",
    )


def agree(record: PersonRecord) -> Editor:
    person_id = record.header.person_id
    plan = record.plan
    fields = (
        Field(
            "agreed_with_name",
            "Agreed with",
            hint="The name of the person, or who agreed for them.",
        ),
        Field(
            "agreed_with_role",
            "Who they are",
            "choice",
            choices=tuple((role, role.capitalize()) for role in care_plan.AGREED_WITH_ROLES),
        ),
        Field("agreed_on", "Date agreed", "date"),
        Field("review_due", "Review by", "date", optional=True),
    )

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return care_plan.agree_plan(ws, person_id=person_id, draft_key=draft, **v)

    return Editor(
        "agree_plan",
        None,
        person_id,
        tr("Mark the plan agreed"),
        fields,
        save,
        initial={
            "agreed_with_name": record.header.full_name,
            "agreed_with_role": "the person",
            "agreed_on": date_text(clock.today()),
            "review_due": date_text(plan.review_due),
        },
        intro=tr(
            "This saves version {version} of the plan exactly as it stands now. "
            "Any later change to goals, actions, strengths, needs or the contingency plan "
            "makes it a draft again."
        ).format(version=plan.version + 1),
        submit_label="Mark agreed",
        focus="agreed_with_name",
    )


def review_date(record: PersonRecord) -> Editor:
    person_id = record.header.person_id
    fields = (Field("review_due", "Review the plan by", "date"),)

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return care_plan.set_review_date(ws, person_id=person_id, draft_key=draft, **v)

    return Editor(
        "review_date",
        None,
        person_id,
        tr("Set the review date"),
        fields,
        save,
        initial={"review_due": date_text(record.plan.review_due)},
        focus="review_due",
    )


_ENDED = Field(
    "ended",
    "End it: no longer true, met, or no longer needed",
    "check",
    optional=True,
    hint="It stays in the record's history; the plan as it stands leaves it out.",
)


def _then_end(kind: str, entry_id: str | None, change: Change, ws: Workspace, ended: Any) -> Change:
    """Saved as worded; then ended, when asked (two steps, each whole)."""
    if entry_id is None or not ended:
        return change
    return plan_endings.end_entry(ws, kind=kind, entry_id=entry_id)


def strength(record: PersonRecord, item: TextItem | None = None) -> Editor:
    person_id = record.header.person_id
    fields: tuple[Field, ...] = (
        Field(
            "description",
            "A strength",
            "text",
            hint="Something the person does well, enjoys, or has around them.",
            lines=3,
        ),
    )
    if item is not None:
        fields = (*fields, _ENDED)
    entry_id = item.id if item else None

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        saved = care_plan.save_strength(
            ws,
            person_id=person_id,
            description=v["description"],
            strength_id=entry_id,
            draft_key=draft,
        )
        return _then_end("strength", entry_id, saved, ws, v.get("ended"))

    if item is None:
        return Editor(
            "new_strength", None, person_id, tr("Add a strength"), fields, save, focus="description"
        )
    return Editor(
        "strength",
        item.id,
        person_id,
        tr("Change this strength"),
        fields,
        save,
        initial={"description": item.text},
        focus="description",
    )


def need(record: PersonRecord, item: TextItem | None = None) -> Editor:
    """What the person needs help with, tied where it fits to a Care Act eligibility
    outcome (the outcomes a needs assessment looks at)."""
    person_id = record.header.person_id
    fields: tuple[Field, ...] = (
        Field(
            "description",
            "What they need help with",
            "text",
            hint="In plain words, ideally theirs: for example, getting in and out of the bath.",
            lines=3,
        ),
        Field(
            "care_act_outcome",
            "Care Act outcome it affects",
            "choice",
            choices=(("", "Not one of them"), *choices(CareActOutcome)),
        ),
    )
    if item is not None:
        fields = (*fields, _ENDED)
    entry_id = item.id if item else None

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        saved = care_plan.save_need(
            ws,
            person_id=person_id,
            description=v["description"],
            care_act_outcome=v.get("care_act_outcome") or None,
            need_id=entry_id,
            draft_key=draft,
        )
        return _then_end("need", entry_id, saved, ws, v.get("ended"))

    if item is None:
        return Editor(
            "new_need", None, person_id, tr("Add a need"), fields, save, focus="description"
        )
    return Editor(
        "need",
        item.id,
        person_id,
        tr("Change this need"),
        fields,
        save,
        initial={"description": item.text, "care_act_outcome": item.detail or ""},
        focus="description",
    )


def contingency(record: PersonRecord, item: ContingencyItem | None = None) -> Editor:
    person_id = record.header.person_id
    fields: tuple[Field, ...] = (
        Field("name", "Name", hint="For example: If Margaret falls at night."),
        Field("trigger", "If this happens", "text", lines=2),
        Field("what_should_happen", "This should happen", "text", lines=3),
        Field("who_to_contact", "Who to call", "text", lines=2, optional=True),
        Field("early_warning_signs", "Early warning signs", "text", lines=2, optional=True),
        Field("review_on", "Review by", "date", optional=True),
    )
    if item is not None:
        fields = (*fields, _ENDED)
    entry_id = item.id if item else None

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        worded = {k: val for k, val in v.items() if k != "ended"}
        saved = care_plan.save_contingency(
            ws, person_id=person_id, contingency_id=entry_id, draft_key=draft, **worded
        )
        return _then_end("contingency", entry_id, saved, ws, v.get("ended"))

    if item is None:
        return Editor(
            "new_contingency",
            None,
            person_id,
            tr("Add a contingency plan"),
            fields,
            save,
            focus="name",
        )
    return Editor(
        "contingency",
        item.id,
        person_id,
        tr("Change this contingency plan"),
        fields,
        save,
        initial={
            "name": item.name,
            "trigger": item.trigger,
            "what_should_happen": item.what_should_happen,
            "who_to_contact": item.who_to_contact or "",
            "early_warning_signs": item.early_warning_signs or "",
            "review_on": date_text(item.review_on),
        },
        focus="name",
    )
