"""Flagging a person for the team's next multi-disciplinary meeting, from their record:
anyone who may write the record asks, saying why (the coordinator builds the list)."""

from __future__ import annotations

from typing import Any

from app.services.changes import Change
from app.services.mdt.agenda import flag_for_discussion
from app.services.record.record import PersonRecord
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit.forms import Field
from ui.record.editor import Editor

KIND = "mdt_flag"


def flag(record: PersonRecord) -> Editor:
    person_id = record.header.person_id
    fields = (
        Field(
            "why",
            "Why the team should discuss them",
            "text",
            hint="What has changed, what you are worried about, what you need from the team.",
            lines=4,
        ),
    )

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return flag_for_discussion(ws, person_id=person_id, why=v["why"], draft_key=draft)

    return Editor(
        KIND,
        None,
        person_id,
        tr("Flag for the team meeting"),
        fields,
        save,
        intro=tr("The coordinator sees your reason when building the next meeting's list."),
        submit_label="Flag",
        focus="why",
    )
