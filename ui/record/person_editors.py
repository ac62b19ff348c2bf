"""Editing who the person is and how to reach them (the record header's Edit
details…): names, date of birth, address, phone, language and communication.
The NHS number is not here: a first one is recorded with `onerecord person
nhs-number`, and a wrong one needs the record reviewed, not edited."""

from __future__ import annotations

from typing import Any

from app.services import clock
from app.services.care import assessments
from app.services.changes import Change
from app.services.record import case, people
from app.services.record.about_me import PROMPTS, SUPPORTED_BY, save_about_me
from app.services.record.contacts import save_personal_contact, save_professional_contact
from app.services.record.record import CarerItem, PersonRecord, ProfessionalItem
from app.values.vocab import (
    CapacityOutcome,
    CarersAssessment,
    ClosedReason,
    Coded,
    LastingPowerOfAttorney,
)
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit.forms import Field
from ui.record.editor import Editor, choices, date_text

YES_NO = (("no", "No"), ("yes", "Yes"))
# A fact that may not have been asked yet: unknown is not "no".
NOT_RECORDED_YES_NO = (("", "Not recorded"), ("yes", "Yes"), ("no", "No"))

FIELDS = (
    Field("title", "Title", optional=True, hint="For example Mrs, Mr, Mx, Dr"),
    Field("given_name", "Given name"),
    Field("family_name", "Family name"),
    Field("preferred_name", "What they like to be called", optional=True),
    Field("date_of_birth", "Date of birth", "date"),
    Field("address_line1", "Address", optional=True),
    Field("address_line2", "Address, second line", optional=True),
    Field("town", "Town or village", optional=True),
    Field("postcode", "Postcode"),
    Field("phone", "Phone", optional=True),
    Field("language", "Main language"),
    Field("interpreter_needed", "Needs an interpreter", "choice", choices=YES_NO),
    Field(
        "communication_needs",
        "Communication needs",
        "text",
        optional=True,
        hint="Hearing, sight, speech, memory: what helps them take part",
        lines=3,
    ),
    Field("lives_alone", "Lives alone", "choice", choices=NOT_RECORDED_YES_NO),
)


def person_details(record: PersonRecord) -> Editor:
    header = record.header

    def save(ws: Workspace, values: dict[str, Any], _draft: str | None) -> Change:
        typed = {name: str(values.get(name) or "") for name in people.DETAILS}
        return people.edit_details(ws, header.person_id, typed)

    return Editor(
        kind="person_details",
        entity_id=header.person_id,
        person_id=header.person_id,
        title=tr("Details: {name}").format(name=header.full_name),
        fields=FIELDS,
        save=save,
        initial={
            "title": header.title or "",
            "given_name": header.given_name,
            "family_name": header.family_name,
            "preferred_name": header.preferred_name or "",
            "date_of_birth": date_text(header.date_of_birth),
            "address_line1": header.address_line1,
            "address_line2": header.address_line2 or "",
            "town": header.town or "",
            "postcode": header.postcode,
            "phone": header.phone or "",
            "language": header.language,
            "interpreter_needed": "yes" if header.interpreter_needed else "no",
            "communication_needs": header.communication_needs or "",
            "lives_alone": _not_recorded_yes_no(header.lives_alone),
        },
        intro=tr("Correct or add to who this person is and how to reach them."),
        focus="phone",
    )


def _not_recorded_yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def about_me(record: PersonRecord) -> Editor:
    """About me, written with the person: each prompt in their words."""
    header = record.header

    def save(ws: Workspace, values: dict[str, Any], draft: str | None) -> Change:
        return save_about_me(ws, person_id=header.person_id, values=values, draft_key=draft)

    prompts = [Field(name, label, "text", optional=True, lines=3) for name, label in PROMPTS]
    fields = (*prompts, Field(SUPPORTED_BY[0], SUPPORTED_BY[1], optional=True))
    return Editor(
        kind="about_me",
        entity_id=header.person_id,
        person_id=header.person_id,
        title=tr("About me: {name}").format(name=header.full_name),
        fields=fields,
        save=save,
        initial=dict(record.about_me),
        intro=tr(
            'Write it with {name}, in their words ("I like…", "Please don\'t…"). '
            "Leave a prompt empty if it has no answer yet."
        ).format(name=header.preferred_name or header.given_name),
        focus="most_important",
    )


def _none_or(kind: type[Coded], none: str) -> tuple[tuple[str, str], ...]:
    return (("", none), *choices(kind))


def personal_contact(record: PersonRecord, item: CarerItem | None) -> Editor:
    """A family member, friend or carer: added, or corrected (`item`)."""
    header = record.header

    def save(ws: Workspace, values: dict[str, Any], draft: str | None) -> Change:
        return save_personal_contact(
            ws,
            person_id=header.person_id,
            values=values,
            contact_id=item.id if item else None,
            draft_key=draft,
        )

    fields = (
        Field("name", "Name"),
        Field(
            "relationship", "Relationship", optional=True, hint="For example daughter, neighbour"
        ),
        Field("phone", "Phone", optional=True),
        Field("is_main_carer", "Main carer", "choice", choices=YES_NO),
        Field("is_key_holder", "Holds a key", "choice", choices=YES_NO),
        Field("is_emergency_contact", "Emergency contact", "choice", choices=YES_NO),
        Field(
            "lasting_power_of_attorney",
            "Lasting power of attorney",
            "choice",
            choices=_none_or(LastingPowerOfAttorney, "None"),
        ),
        Field(
            "carers_assessment",
            "Carer's own assessment",
            "choice",
            choices=_none_or(CarersAssessment, "Not recorded"),
            hint="A carer is entitled to an assessment of their own needs (Care Act s.10)",
        ),
        Field("carers_assessment_date", "Date of the carer's assessment", "date", optional=True),
        Field("comments", "Comments", "text", optional=True, lines=2),
    )
    initial: dict[str, Any] = {name: "no" for name in ("is_main_carer", "is_key_holder")}
    initial["is_emergency_contact"] = "no"
    if item is not None:
        initial = {
            "name": item.name,
            "relationship": item.relationship,
            "phone": item.phone or "",
            "is_main_carer": "yes" if item.is_main_carer else "no",
            "is_key_holder": "yes" if item.is_key_holder else "no",
            "is_emergency_contact": "yes" if item.is_emergency_contact else "no",
            "lasting_power_of_attorney": item.lasting_power_of_attorney or "",
            "carers_assessment": item.carers_assessment or "",
            "carers_assessment_date": date_text(item.carers_assessment_date),
            "comments": item.comments or "",
        }
    return Editor(
        kind="personal_contact" if item else "new_personal_contact",
        entity_id=item.id if item else None,
        person_id=header.person_id,
        title=(
            tr("Change {name}").format(name=item.name)
            if item
            else tr("Add a family member or carer: {name}").format(name=header.full_name)
        ),
        fields=fields,
        save=save,
        initial=initial,
        focus="name",
    )


def close_case(record: PersonRecord) -> Editor:
    """Closing the case: why and when; actions others hold are named first."""
    header = record.header

    def save(ws: Workspace, values: dict[str, Any], _draft: str | None) -> Change:
        return case.close_case(
            ws,
            person_id=header.person_id,
            reason=str(values["reason"]),
            closed_on=str(values.get("closed_on") or ""),
            others_told=bool(values.get("others_told")),
        )

    fields = (
        Field("reason", "Why the case is closing", "choice", choices=choices(ClosedReason)),
        Field("closed_on", "Closed on", "date"),
        Field(
            "others_told",
            "I have told the people who still hold actions in the plan",
            "check",
            optional=True,
        ),
    )
    return Editor(
        kind="close_case",
        entity_id=header.person_id,
        person_id=header.person_id,
        title=tr("Close the case: {name}").format(name=header.full_name),
        fields=fields,
        save=save,
        initial={"closed_on": date_text(clock.today())},
        intro=tr(
            "{name} leaves the caseload and today's visits; their record is kept, and "
            "their future planned visits are cancelled."
        ).format(name=header.full_name),
        submit_label="Close the case",
        focus="reason",
    )


def professional_contact(
    record: PersonRecord,
    item: ProfessionalItem | None,
    organisations: tuple[tuple[str, str], ...],
) -> Editor:
    """A professional involved in the person's care: added, corrected, or ended
    (an end date keeps them in the record, off the care team)."""
    header = record.header

    def save(ws: Workspace, values: dict[str, Any], draft: str | None) -> Change:
        return save_professional_contact(
            ws,
            person_id=header.person_id,
            values=values,
            contact_id=item.id if item else None,
            draft_key=draft,
        )

    fields = (
        Field("name", "Name"),
        Field("role", "Role", hint="For example GP, district nurse, social worker"),
        Field(
            "organisation_id",
            "Organisation",
            "choice",
            choices=(("", "Not recorded"), *organisations),
        ),
        Field("team", "Team", optional=True),
        Field("contact_details", "Phone or email", optional=True),
        Field(
            "is_key_worker",
            "Key worker",
            "choice",
            choices=YES_NO,
            hint="The person's main point of contact in the team: one at a time",
        ),
        Field("start_date", "Involved since", "date", optional=True),
        Field("end_date", "Stopped on", "date", optional=True, hint="Leave empty while involved"),
    )
    initial: dict[str, Any] = {"is_key_worker": "no", "start_date": date_text(clock.today())}
    if item is not None:
        initial = {
            "name": item.name,
            "role": item.role,
            "organisation_id": item.organisation_id or "",
            "team": item.team or "",
            "contact_details": item.contact_details or "",
            "is_key_worker": "yes" if item.is_key_worker else "no",
            "start_date": date_text(item.start_date),
            "end_date": date_text(item.end_date),
        }
    return Editor(
        kind="professional_contact" if item else "new_professional_contact",
        entity_id=item.id if item else None,
        person_id=header.person_id,
        title=(
            tr("Change {name}").format(name=item.name)
            if item
            else tr("Add a professional: {name}").format(name=header.full_name)
        ),
        fields=fields,
        save=save,
        initial=initial,
        focus="name",
    )


def assessment(record: PersonRecord) -> Editor:
    """An assessment, signed by whoever records it (their part of a joint one)."""
    header = record.header

    def save(ws: Workspace, values: dict[str, Any], draft: str | None) -> Change:
        return assessments.record_assessment(
            ws,
            person_id=header.person_id,
            assessment_type=str(values.get("assessment_type") or ""),
            summary=str(values.get("summary") or ""),
            assessed_on=str(values.get("assessed_on") or ""),
            score=str(values.get("score") or ""),
            draft_key=draft,
        )

    fields = (
        Field(
            "assessment_type",
            "Kind of assessment",
            "choice",
            choices=tuple((kind, kind) for kind in assessments.ASSESSMENT_TYPES),
        ),
        Field("assessed_on", "Assessed on", "date"),
        Field("summary", "What it found", "text", lines=6),
        Field("score", "Score or level", optional=True, hint="For example: Waterlow 14"),
    )
    return Editor(
        kind="new_assessment",
        entity_id=None,
        person_id=header.person_id,
        title=tr("Record an assessment: {name}").format(name=header.full_name),
        fields=fields,
        save=save,
        initial={"assessed_on": date_text(clock.today())},
        intro=tr("Saved with your name and organisation: your part of a joint assessment."),
        focus="summary",
    )


def capacity(record: PersonRecord) -> Editor:
    """A mental capacity assessment for one decision."""
    header = record.header

    def save(ws: Workspace, values: dict[str, Any], draft: str | None) -> Change:
        return assessments.record_capacity(
            ws,
            person_id=header.person_id,
            decision=str(values.get("decision") or ""),
            outcome=str(values.get("outcome") or ""),
            notes=str(values.get("notes") or ""),
            assessed_on=str(values.get("assessed_on") or ""),
            document_location=str(values.get("document_location") or ""),
            draft_key=draft,
        )

    fields = (
        Field(
            "decision",
            "The decision",
            hint="Capacity is about one decision at one time: for example, where to live.",
        ),
        Field("outcome", "Outcome", "choice", choices=choices(CapacityOutcome)),
        Field("assessed_on", "Assessed on", "date"),
        Field(
            "notes",
            "How the test was applied",
            "text",
            optional=True,
            hint="Needed when the person lacks capacity: what they could not understand, "
            "retain, weigh or communicate, and why.",
            lines=5,
        ),
        Field("document_location", "Where the full form is", optional=True),
    )
    return Editor(
        kind="new_capacity",
        entity_id=None,
        person_id=header.person_id,
        title=tr("Mental capacity: {name}").format(name=header.full_name),
        fields=fields,
        save=save,
        initial={"assessed_on": date_text(clock.today())},
        focus="decision",
    )
