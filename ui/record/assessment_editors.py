"""The joint initial assessment's form: one part at a time, signed by whoever saves
it. Its draft survives lock, crash and power loss like a visit note's (the record
controller keeps drafts for every editor)."""

from __future__ import annotations

from typing import Any

from app.services import clock
from app.services.care import joint_assessment
from app.services.changes import Change
from app.services.record.record import PersonRecord
from app.values.vocab import AssessmentPart, CareActOutcome
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit.forms import Field
from ui.record.editor import Editor, choices, date_text


def assessment_part(record: PersonRecord) -> Editor:
    """Your part of the initial assessment; the first part still to do is offered."""
    header = record.header
    to_do = joint_assessment.parts_to_do(record.assessments)

    def save(ws: Workspace, values: dict[str, Any], draft: str | None) -> Change:
        return joint_assessment.record_part(
            ws,
            person_id=header.person_id,
            part=str(values.get("part") or ""),
            findings=str(values.get("findings") or ""),
            needs_help_with=[str(v) for v in values.get("needs_help_with") or ()],
            shown_in_plan=bool(values.get("shown_in_plan")),
            assessed_on=str(values.get("assessed_on") or ""),
            draft_key=draft,
        )

    fields = (
        Field(
            "part",
            "Part of the assessment",
            "choice",
            choices=choices(AssessmentPart),
            hints=tuple(joint_assessment.PROMPTS.items()),
        ),
        Field("assessed_on", "Assessed on", "date"),
        Field("findings", "What you found", "text", lines=6),
        Field(
            "needs_help_with",
            "Daily living: outcomes they cannot achieve without help",
            "checklist",
            choices=choices(CareActOutcome),
            optional=True,
            hint="Only for the daily living part (Care Act eligibility outcomes)",
        ),
        Field(
            "shown_in_plan",
            "They agree this can be shown in their printed plan",
            "check",
            optional=True,
            hint="The folder in the home is read by visitors and family: ask first",
        ),
    )
    return Editor(
        kind="assessment_part",
        entity_id=None,
        person_id=header.person_id,
        title=tr("Initial assessment: {name}").format(name=header.full_name),
        fields=fields,
        save=save,
        initial={"assessed_on": date_text(clock.today()), "part": to_do[0] if to_do else ""},
        intro=tr("Your part, saved with your name and organisation."),
        focus="findings",
    )
