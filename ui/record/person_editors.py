"""Editing who the person is and how to reach them (the record header's Edit
details…): names, date of birth, address, phone, language and communication.
The NHS number is not here: a first one is recorded with `onerecord person
nhs-number`, and a wrong one needs the record reviewed, not edited."""

from __future__ import annotations

from typing import Any

from app.services.changes import Change
from app.services.record import people
from app.services.record.about_me import PROMPTS, SUPPORTED_BY, save_about_me
from app.services.record.record import PersonRecord
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit.forms import Field
from ui.record.editor import Editor, date_text

YES_NO = (("no", "No"), ("yes", "Yes"))

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
        },
        intro=tr("Correct or add to who this person is and how to reach them."),
        focus="phone",
    )


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
