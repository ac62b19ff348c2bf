"""What each editing dialog asks and which app operation saves it.

An `Editor` pairs the fields of a `FormDialog` with the operation that saves
them (run on the task runner by the record controller). `editor_for()` builds
one from its kind and the entity it edits, so the same dialog can be reopened
after an unlock, its draft restored, exactly where the user was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from app.services import care_plan, clock, consent, risks, visits
from app.services.changes import Change
from app.services.drafts import key_for
from app.services.record import ActionItem, AlertItem, ConsentItem, GoalItem, PersonRecord, RiskItem
from app.values.vocab import (
    ActionStatus,
    AlertKind,
    Coded,
    ConsentCategory,
    ConsentDecision,
    ConsentMethod,
    ContactOutcome,
    ContactType,
    GoalStatus,
    RiskKind,
    RiskStatus,
)
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.forms import Field, parse_when

logger = logging.getLogger(__name__)

Save = Callable[[Workspace, dict[str, Any], str | None], Change]


@dataclass(frozen=True)
class Editor:
    kind: str
    entity_id: str | None  # what it edits (a goal id...), or the person for new things
    person_id: str
    title: str
    fields: tuple[Field, ...]
    save: Save
    initial: dict[str, Any] = field(default_factory=dict)
    intro: str = ""
    submit_label: str = "Save"
    focus: str = ""  # the field that gets the cursor

    @property
    def draft_key(self) -> str:
        return key_for(self.kind, self.entity_id or self.person_id)


def _choices(kind: type[Coded]) -> tuple[tuple[str, str], ...]:
    return tuple((member.value, member.label) for member in kind)


def _date(value: Any) -> str:
    return formatting.british_date(value) if value else ""


# -- visit note -------------------------------------------------------------------------


def visit_note(record: PersonRecord, planned: tuple[str, Any] | None) -> Editor:
    header = record.header
    goals = tuple(
        (g.id, g.statement) for g in record.plan.goals if g.status in ("in_progress", "not_started")
    )
    intro = tr("{name}, NHS number {nhs}.").format(
        name=header.full_name, nhs=header.nhs_number_formatted or tr("not recorded")
    )
    if planned is not None:
        purpose, due = planned
        intro += " " + tr(
            "Today's planned visit at {time} ({purpose}) will be marked as done."
        ).format(time=formatting.time_of_day(due), purpose=purpose or tr("visit"))
    fields = (
        Field("contact_type", "Kind of contact", "choice", choices=_choices(ContactType)),
        Field(
            "occurred_at",
            "When it happened",
            "datetime",
            hint="Change this if you are writing up a visit later.",
        ),
        Field(
            "narrative",
            "What happened",
            "text",
            hint="What you did and saw, what the person said, and anything to follow up.",
            lines=6,
        ),
        Field(
            "goals", "Goals this visit worked towards", "checklist", choices=goals, optional=True
        ),
        Field(
            "outcome",
            "Outcome",
            "choice",
            choices=(("", "Not recorded"), *_choices(ContactOutcome)),
            optional=True,
        ),
        Field("next_visit_at", "Plan the next visit", "when", optional=True),
        Field("next_visit_purpose", "Purpose of the next visit", optional=True),
        Field(
            "sensitive",
            "Who may read this note",
            "choice",
            choices=(
                ("", "Everyone who may open this record"),
                ("yes", "Sensitive: me, the lead professional and my profession"),
            ),
            optional=True,
        ),
    )

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return visits.record_visit(
            ws,
            person_id=header.person_id,
            narrative=v["narrative"],
            contact_type=v["contact_type"],
            occurred_at=parse_when(v["occurred_at"]),
            goal_ids=v.get("goals") or [],
            outcome=v.get("outcome") or None,
            next_visit_at=parse_when(v.get("next_visit_at")),
            next_visit_purpose=v.get("next_visit_purpose") or "",
            draft_key=draft,
            sensitive=v.get("sensitive") == "yes",
        )

    return Editor(
        kind="visit_note",
        entity_id=header.person_id,
        person_id=header.person_id,
        title=tr("Visit note: {name}").format(name=header.full_name),
        fields=fields,
        save=save,
        initial={
            "contact_type": ContactType.HOME_VISIT.value,
            "occurred_at": clock.now().isoformat(),
        },
        intro=intro,
        submit_label="Save visit note",
        focus="narrative",
    )


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
    Field("status", "Progress", "choice", choices=_choices(GoalStatus)),
    Field("target_date", "Target date", "date", optional=True),
    Field(
        "outcome",
        "Outcome",
        "text",
        hint="How it went. Needed when the goal is finished or stopped.",
        optional=True,
        lines=3,
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
            "target_date": _date(item.target_date),
            "outcome": item.outcome or "",
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
    Field("status", "Progress", "choice", choices=_choices(ActionStatus)),
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
            "due_on": _date(item.due_on),
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
            "agreed_on": _date(clock.today()),
            "review_due": _date(plan.review_due),
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
        initial={"review_due": _date(record.plan.review_due)},
        focus="review_due",
    )


def strength(record: PersonRecord) -> Editor:
    person_id = record.header.person_id
    fields = (
        Field(
            "description",
            "A strength",
            "text",
            hint="Something the person does well, enjoys, or has around them.",
            lines=3,
        ),
    )

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return care_plan.save_strength(ws, person_id=person_id, draft_key=draft, **v)

    return Editor(
        "new_strength", None, person_id, tr("Add a strength"), fields, save, focus="description"
    )


def contingency(record: PersonRecord) -> Editor:
    person_id = record.header.person_id
    fields = (
        Field("name", "Name", hint="For example: If Margaret falls at night."),
        Field("trigger", "If this happens", "text", lines=2),
        Field("what_should_happen", "This should happen", "text", lines=3),
        Field("who_to_contact", "Who to call", "text", lines=2, optional=True),
        Field("early_warning_signs", "Early warning signs", "text", lines=2, optional=True),
        Field("review_on", "Review by", "date", optional=True),
    )

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return care_plan.save_contingency(ws, person_id=person_id, draft_key=draft, **v)

    return Editor(
        "new_contingency", None, person_id, tr("Add a contingency plan"), fields, save, focus="name"
    )


# -- risks and alerts -------------------------------------------------------------------

RISK_FIELDS = (
    Field("kind", "Kind of risk", "choice", choices=_choices(RiskKind)),
    Field("description", "The risk", "text", lines=3),
    Field(
        "likelihood",
        "Likelihood",
        "number",
        hint="1 (rare) to 5 (almost certain).",
        minimum=1,
        maximum=5,
    ),
    Field(
        "impact", "Impact", "number", hint="1 (minor) to 5 (catastrophic).", minimum=1, maximum=5
    ),
    Field("mitigation", "How it is managed", "text", lines=3, optional=True),
    Field("review_on", "Review by", "date", optional=True),
)


def risk(record: PersonRecord, item: RiskItem | None) -> Editor:
    person_id = record.header.person_id
    if item is None:

        def add(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
            return risks.add_risk(ws, person_id=person_id, draft_key=draft, **v)

        return Editor(
            "new_risk",
            None,
            person_id,
            tr("Add a risk"),
            RISK_FIELDS,
            add,
            initial={
                "likelihood": 3,
                "impact": 3,
                "review_on": _date(clock.today() + timedelta(days=90)),
            },
            focus="kind",
        )
    risk_id = item.id
    fields = (*RISK_FIELDS, Field("status", "Status", "choice", choices=_choices(RiskStatus)))

    def update(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return risks.update_risk(ws, risk_id=risk_id, draft_key=draft, **v)

    return Editor(
        "risk",
        risk_id,
        person_id,
        tr("Review a risk"),
        fields,
        update,
        initial={
            "kind": item.kind,
            "description": item.description,
            "likelihood": item.likelihood,
            "impact": item.impact,
            "mitigation": item.mitigation,
            "review_on": _date(item.review_on),
            "status": item.status,
        },
        focus="likelihood",
    )


def alert(record: PersonRecord, item: AlertItem | None) -> Editor:
    person_id = record.header.person_id
    if item is None:
        fields = (
            Field("kind", "Kind of alert", "choice", choices=_choices(AlertKind)),
            Field("summary", "What a visitor needs to know", "text", lines=3),
            Field(
                "restricted_detail",
                "Restricted detail",
                "text",
                hint="For example a key safe code. Kept encrypted and not shown on screen; "
                "colleagues are told to ask the lead professional.",
                optional=True,
                lines=2,
            ),
        )

        def add(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
            return risks.add_alert(ws, person_id=person_id, draft_key=draft, **v)

        return Editor("new_alert", None, person_id, tr("Add an alert"), fields, add, focus="kind")
    alert_id = item.id
    fields = (
        Field("kind", "Kind of alert", "choice", choices=_choices(AlertKind)),
        Field("summary", "What a visitor needs to know", "text", lines=3),
        Field("active", "This alert still applies", "check"),
    )

    def update(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return risks.update_alert(ws, alert_id=alert_id, draft_key=draft, **v)

    return Editor(
        "alert",
        alert_id,
        person_id,
        tr("Change or end an alert"),
        fields,
        update,
        initial={"kind": item.kind, "summary": item.summary, "active": item.active},
        intro=tr("Untick 'This alert still applies' to end it; it stays in the record's history."),
        focus="summary",
    )


# -- consent ----------------------------------------------------------------------------


def _consent_fields(partners: tuple[tuple[str, str], ...] | None) -> tuple[Field, ...]:
    head: tuple[Field, ...] = ()
    if partners is not None:
        head = (
            Field(
                "partner_organisation_id",
                "Shared with",
                "choice",
                choices=(("", "All partner organisations"), *partners),
            ),
            Field("category", "Kind of information", "choice", choices=_choices(ConsentCategory)),
        )
    return (
        *head,
        Field("decision", "Decision", "choice", choices=_choices(ConsentDecision)),
        Field(
            "given_by",
            "Decided by",
            hint="The person, or who decided for them (for example their attorney).",
        ),
        Field("method", "How it was given", "choice", choices=_choices(ConsentMethod)),
        Field("decided_on", "Date of the decision", "date"),
        Field("review_on", "Review by", "date", optional=True),
        Field(
            "reason_refused",
            "Reason consent was refused",
            "text",
            hint="Needed if consent is refused.",
            optional=True,
            lines=2,
        ),
    )


def consent_decision(
    record: PersonRecord, item: ConsentItem | None, partners: tuple[tuple[str, str], ...]
) -> Editor:
    person_id = record.header.person_id
    today = clock.today()
    if item is None:

        def add(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
            partner = v.pop("partner_organisation_id") or None
            return consent.record_consent(
                ws, person_id=person_id, partner_organisation_id=partner, draft_key=draft, **v
            )

        return Editor(
            "new_consent",
            None,
            person_id,
            tr("Record consent to share"),
            _consent_fields(partners),
            add,
            initial={
                "partner_organisation_id": "",
                "decision": ConsentDecision.GIVEN.value,
                "given_by": "the person",
                "method": ConsentMethod.VERBAL.value,
                "decided_on": _date(today),
                "review_on": _date(today + timedelta(days=365)),
            },
            focus="partner_organisation_id",
        )
    consent_id = item.id

    def review(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return consent.review_consent(ws, consent_id=consent_id, draft_key=draft, **v)

    partner = item.partner or tr("all partner organisations")
    return Editor(
        "consent",
        consent_id,
        person_id,
        tr("Review consent to share"),
        _consent_fields(None),
        review,
        initial={
            "decision": item.decision,
            "given_by": item.given_by,
            "method": item.method,
            "decided_on": _date(today),
            "review_on": _date(today + timedelta(days=365)),
            "reason_refused": item.reason_refused or "",
        },
        intro=tr(
            "Sharing {category} information with {partner}. Confirm or change the decision."
        ).format(
            category=formatting.label(ConsentCategory, item.category).lower(), partner=partner
        ),
        submit_label="Save review",
        focus="decision",
    )


def editor_for(
    kind: str,
    entity_id: str | None,
    record: PersonRecord,
    *,
    planned: tuple[str, Any] | None = None,
    partners: tuple[tuple[str, str], ...] = (),
) -> Editor | None:
    """Rebuild an editor from its kind and entity (to reopen it after an unlock)."""
    plan = record.plan
    goals = {g.id: g for g in plan.goals}
    actions = {a.id: a for g in plan.goals for a in g.actions}
    match kind:
        case "visit_note":
            return visit_note(record, planned)
        case "new_goal":
            return goal(record, None)
        case "goal" if entity_id in goals:
            return goal(record, goals[entity_id or ""])
        case "new_action" if entity_id in goals:
            return action(record, goals[entity_id or ""], None)
        case "action" if entity_id in actions:
            return action(record, None, actions[entity_id or ""])
        case "agree_plan":
            return agree(record)
        case "review_date":
            return review_date(record)
        case "new_strength":
            return strength(record)
        case "new_contingency":
            return contingency(record)
        case "new_risk":
            return risk(record, None)
        case "risk":
            found = next((r for r in record.risks if r.id == entity_id), None)
            return risk(record, found) if found else None
        case "new_alert":
            return alert(record, None)
        case "alert":
            found_alert = next((a for a in record.alerts if a.id == entity_id), None)
            return alert(record, found_alert) if found_alert else None
        case "new_consent":
            return consent_decision(record, None, partners)
        case "consent":
            found_consent = next((c for c in record.consent if c.id == entity_id), None)
            return consent_decision(record, found_consent, partners) if found_consent else None
    return None
