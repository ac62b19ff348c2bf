"""The joint initial assessment's form: one part at a time, signed by whoever saves
it. Its draft survives lock, crash and power loss like a visit note's (the record
controller keeps drafts for every editor)."""

from __future__ import annotations

from typing import Any

from app.errors import InvalidInputError
from app.services import clock
from app.services.care import joint_assessment
from app.services.changes import Change
from app.services.record.record import AssessmentItem, PersonRecord
from app.services.record.referrals import NewReferral, add_referral
from app.values.vocab import AssessmentPart, CareActOutcome, ReferralSource, ReferralUrgency
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


def assessment_part_change(record: PersonRecord, item: AssessmentItem) -> Editor:
    """A part as it stands: its signer rewords it; anyone records the person's say on
    printing it (a changed finding from anyone else is refused, one plain line)."""
    header = record.header
    daily = item.part == AssessmentPart.DAILY_LIVING.value

    def save(ws: Workspace, values: dict[str, Any], draft: str | None) -> Change:
        findings = str(values.get("findings") or "")
        outcomes = [str(v) for v in values.get("needs_help_with") or ()] if daily else None
        shown = bool(values.get("shown_in_plan"))
        if ws.actor.user_id == item.by_id:
            return joint_assessment.revise_part(
                ws,
                assessment_id=item.id,
                findings=findings,
                needs_help_with=outcomes,
                shown_in_plan=shown,
                draft_key=draft,
            )
        if findings.strip() != item.summary.strip() or (
            outcomes is not None and tuple(outcomes) != item.needs_help_with
        ):
            raise InvalidInputError(
                "Only who signed this part can change what it found: add your own part instead."
            )
        return joint_assessment.agree_shown_in_plan(ws, assessment_id=item.id, shown=shown)

    fields: list[Field] = [Field("findings", "What was found", "text", lines=6)]
    if daily:
        fields.append(
            Field(
                "needs_help_with",
                "Outcomes they cannot achieve without help",
                "checklist",
                choices=choices(CareActOutcome),
                optional=True,
            )
        )
    fields.append(
        Field(
            "shown_in_plan",
            "They agree this can be shown in their printed plan",
            "check",
            optional=True,
            hint="The folder in the home is read by visitors and family: ask first",
        )
    )
    label = AssessmentPart(item.part).label if item.part else item.kind
    return Editor(
        kind="assessment_part_change",
        entity_id=item.id,
        person_id=header.person_id,
        title=tr("{part}: {name}").format(part=tr(label), name=header.full_name),
        fields=tuple(fields),
        save=save,
        initial={
            "findings": item.summary,
            "needs_help_with": list(item.needs_help_with),
            "shown_in_plan": item.shown_in_plan,
        },
        intro=tr(
            "Signed by {who}. Only they can change what it found; anyone can record "
            "the person's say on printing it."
        ).format(who=item.by or tr("unknown")),
        focus="findings",
    )


def referral(record: PersonRecord) -> Editor:
    """A new referral for someone already registered (the case open)."""
    header = record.header

    def save(ws: Workspace, values: dict[str, Any], draft: str | None) -> Change:
        return add_referral(
            ws,
            person_id=header.person_id,
            referral=NewReferral(
                source=str(values.get("source") or ""),
                reason=str(values.get("reason") or ""),
                referrer_name=str(values.get("referrer_name") or "") or None,
                urgency=str(values.get("urgency") or ReferralUrgency.ROUTINE.value),
                received_on=str(values.get("received_on") or ""),
                first_contact_due=str(values.get("first_contact_due") or ""),
            ),
        )

    fields = (
        Field("source", "Referred by", "choice", choices=choices(ReferralSource)),
        Field("referrer_name", "Who referred them", optional=True, hint="Name and service"),
        Field("reason", "Why they were referred", "text", lines=3),
        Field("urgency", "Urgency", "choice", choices=choices(ReferralUrgency)),
        Field("received_on", "Referral received on", "date", optional=True, hint="Empty: today"),
        Field(
            "first_contact_due",
            "First contact by",
            "date",
            optional=True,
            hint="Empty: the next day if urgent or home from hospital",
        ),
    )
    return Editor(
        kind="new_referral",
        entity_id=None,
        person_id=header.person_id,
        title=tr("Record a referral: {name}").format(name=header.full_name),
        fields=fields,
        save=save,
        focus="reason",
    )
