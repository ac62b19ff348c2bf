"""What each editing dialog asks and which app operation saves it.

An `Editor` pairs the fields of a `FormDialog` with the operation that saves
them (run on the task runner by the record controller). `editor_for()` builds
one from its kind and the entity it edits, so the same dialog can be reopened
after an unlock, its draft restored, exactly where the user was.
"""

from __future__ import annotations

from typing import Any

from app.services import clock
from app.services.care import visits
from app.services.care.amend import amend_note
from app.services.care.revisit import NextVisit
from app.services.changes import Change
from app.services.record.record import PersonRecord
from app.values.vocab import ContactOutcome, ContactType
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.forms import Field, parse_when
from ui.record import carer_editors, meeting_editor, outcomes_editors, support_editors
from ui.record.assessment_editors import assessment_part, assessment_part_change, referral
from ui.record.editor import Editor, choices
from ui.record.person_editors import (
    about_me,
    assessment,
    capacity,
    close_case,
    person_details,
    personal_contact,
    professional_contact,
)
from ui.record.plan_editors import action, agree, contingency, goal, need, review_date, strength
from ui.record.risk_editors import alert, consent_decision, risk

__all__ = [
    "Editor",
    "about_me",
    "action",
    "agree",
    "alert",
    "assessment",
    "assessment_part",
    "assessment_part_change",
    "capacity",
    "close_case",
    "consent_decision",
    "contingency",
    "editor_for",
    "goal",
    "need",
    "note_correction",
    "person_details",
    "personal_contact",
    "professional_contact",
    "referral",
    "review_date",
    "risk",
    "strength",
    "visit_note",
]


# -- visit note -------------------------------------------------------------------------


def visit_note(
    record: PersonRecord, planned: tuple[str, Any] | None, next_visit: NextVisit | None = None
) -> Editor:
    header = record.header
    goals = tuple(
        (g.id, g.statement) for g in record.plan.goals if g.status in ("in_progress", "not_started")
    )
    intro = tr("{name}, NHS number {nhs}.").format(
        name=header.full_name, nhs=header.nhs_number_formatted or tr("not yet known")
    )
    if planned is not None:
        purpose, due = planned
        intro += " " + tr(
            "Today's planned visit at {time} ({purpose}) will be marked as done."
        ).format(time=formatting.time_of_day(due), purpose=purpose or tr("visit"))
    fields = (
        Field("contact_type", "Kind of contact", "choice", choices=choices(ContactType)),
        Field(
            "occurred_at",
            "When it happened",
            "datetime",
            beside=True,
        ),
        Field(
            "narrative",
            "What happened",
            "text",
            hint="What you did and saw, what the person said, and anything to follow up.",
            lines=3,
        ),
        Field(
            "goals",
            "Goals this visit worked towards",
            "checklist",
            choices=goals,
            optional=True,
            rows=3,  # the next visit below stays in view on a laptop; more goals scroll
        ),
        Field(
            "outcome",
            "Outcome",
            "choice",
            choices=(("", "Not recorded"), *choices(ContactOutcome)),
            optional=True,
        ),
        Field(
            "sensitive",
            "Who may read this note",
            "choice",
            choices=(
                ("", "Everyone who may open this record"),
                ("yes", "Sensitive: me, the lead professional and my profession"),
            ),
            optional=True,
            beside=True,
        ),
        # Carried forward on a routine revisit (app/services/care/revisit.py).
        Field("next_visit_at", "Plan the next visit", "when", optional=True),
        Field("next_visit_purpose", "Purpose", optional=True, beside=True),
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
            # A routine revisit: the next one planned as usual (unticked to plan none).
            **(
                {
                    "next_visit_at": next_visit.due_at.isoformat(),
                    "next_visit_purpose": next_visit.purpose,
                }
                if next_visit is not None
                else {}
            ),
        },
        intro=intro,
        submit_label="Save visit note",
        focus="narrative",
    )


def editor_for(
    kind: str,
    entity_id: str | None,
    record: PersonRecord,
    *,
    planned: tuple[str, Any] | None = None,
    next_visit: NextVisit | None = None,
    partners: tuple[tuple[str, str], ...] = (),
) -> Editor | None:
    """Rebuild an editor from its kind and entity (to reopen it after an unlock)."""
    plan = record.plan
    goals = {g.id: g for g in plan.goals}
    actions = {a.id: a for g in plan.goals for a in g.actions}
    actions.update((a.id, a) for a in plan.agreed_at_meetings)
    match kind:
        case "visit_note":
            return visit_note(record, planned, next_visit)
        case "note_correction" if entity_id:
            return note_correction(record, entity_id)  # the draft holds what was typed
        case "person_details":
            return person_details(record)
        case "about_me":
            return about_me(record)
        case "new_assessment":
            return assessment(record)
        case "new_capacity":
            return capacity(record)
        case "assessment_part":
            return assessment_part(record)
        case "new_referral":
            return referral(record)
        case "assessment_part_change":
            part = next((a for a in record.assessments if a.id == entity_id), None)
            return assessment_part_change(record, part) if part else None
        case "close_case":
            return close_case(record)
        case meeting_editor.KIND:
            return meeting_editor.flag(record)
        case "new_personal_contact":
            return personal_contact(record, None)
        case "new_professional_contact":
            return professional_contact(record, None, partners)
        case "professional_contact":
            pro = next((p for p in record.professionals if p.id == entity_id), None)
            return professional_contact(record, pro, partners) if pro else None
        case "personal_contact":
            carer = next((c for c in record.carers if c.id == entity_id), None)
            return personal_contact(record, carer) if carer else None
        case "carer_strain_check" | "carer_contingency":
            carer = next((c for c in record.carers if c.id == entity_id), None)
            if carer is None:
                return None
            if kind == "carer_contingency":
                return carer_editors.carer_contingency(record, carer)
            return carer_editors.strain_check(record, carer)
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
        case "new_need":
            return need(record)
        case "strength":
            said = next((s for s in plan.strengths if s.id == entity_id), None)
            return strength(record, said) if said else None
        case "need":
            needed = next((n for n in plan.needs if n.id == entity_id), None)
            return need(record, needed) if needed else None
        case "contingency":
            kept = next((c for c in plan.contingency if c.id == entity_id), None)
            return contingency(record, kept) if kept else None
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
        case _ if kind in outcomes_editors.KINDS:
            return outcomes_editors.editor_for(kind, entity_id, record)
        case _ if kind in support_editors.KINDS:
            return support_editors.editor_for(kind, entity_id, record)
    return None


# -- correcting a note ------------------------------------------------------------------


def note_correction(record: PersonRecord, note_id: str, narrative: str = "") -> Editor:
    """A correction of a note: its corrected words and why. The note itself is kept."""
    fields = (
        Field("narrative", "The corrected note", "text", lines=8),
        Field(
            "reason",
            "Why it is being corrected",
            hint="For example: written in the wrong record; wrong dose recorded.",
        ),
    )

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return amend_note(
            ws, note_id=note_id, narrative=v["narrative"], reason=v["reason"], draft_key=draft
        )

    return Editor(
        kind="note_correction",
        entity_id=note_id,
        person_id=record.header.person_id,
        title=tr("Correct a note: {name}").format(name=record.header.full_name),
        fields=fields,
        save=save,
        initial={"narrative": narrative},
        intro=tr(
            "Notes are never changed: this correction is added beside the note, with your "
            "name and the reason, and is what colleagues read instead."
        ),
        submit_label="Save correction",
        focus="narrative",
    )
