"""The carer's editors, opened from Contacts and carers: the carer-strain check done
with them (the Modified Caregiver Strain Index's 13 statements, each answered No,
Sometimes or Regularly, the running total shown as it is answered) and their own
contingency plan ("if I cannot care, this happens")."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QComboBox

from app.errors import InvalidInputError
from app.services import clock
from app.services.carers.contingency import set_carer_contingency
from app.services.carers.strain import record_strain_check
from app.services.changes import Change
from app.services.record.record import CarerItem, PersonRecord
from app.values import carer_strain
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit.forms import Field, FormDialog
from ui.record.editor import Editor, date_text

logger = logging.getLogger(__name__)

ANSWER_CHOICES: tuple[tuple[str, str], ...] = (
    ("", "Not answered yet"),
    *((str(n), label) for n, label in enumerate(carer_strain.ANSWERS)),
)


def statement_field(n: int) -> str:
    return f"statement_{n + 1}"


def answers_of(values: dict[str, Any]) -> list[int]:
    """The answers picked, in the scale's order (InvalidInputError: some unanswered)."""
    picked = [
        str(values.get(statement_field(n)) or "") for n in range(len(carer_strain.STATEMENTS))
    ]
    missing = sum(1 for p in picked if not p)
    if missing:
        raise InvalidInputError(
            "Answer every statement with the carer: {n} still to answer.", n=missing
        )
    return [int(p) for p in picked]


def _intro(name: str, values: dict[str, Any]) -> str:
    picked = [
        str(values.get(statement_field(n)) or "") for n in range(len(carer_strain.STATEMENTS))
    ]
    answered = [int(p) for p in picked if p]
    total = tr("Total so far: {total} of {most} ({n} of {all} answered).").format(
        total=sum(answered),
        most=carer_strain.MOST,
        n=len(answered),
        all=len(carer_strain.STATEMENTS),
    )
    return (
        tr(
            "Ask {name} each statement: no, yes sometimes, or yes on a regular basis "
            "(the Modified Caregiver Strain Index; higher means more strain)."
        ).format(name=name)
        + " "
        + total
    )


def strain_check(record: PersonRecord, item: CarerItem) -> Editor:
    """A carer-strain check done with this carer, signed by you."""
    header = record.header

    def save(ws: Workspace, values: dict[str, Any], draft: str | None) -> Change:
        return record_strain_check(
            ws,
            person_id=header.person_id,
            carer_id=item.id,
            answers=answers_of(values),
            checked_on=values.get("checked_on") or None,
            comment=values.get("comment") or None,
            draft_key=draft,
        )

    def wire(dialog: FormDialog) -> None:
        def show(_index: int = 0) -> None:
            dialog.intro.setText(_intro(item.name, dialog.values()))
            dialog.intro.setVisible(True)

        for n in range(len(carer_strain.STATEMENTS)):
            combo = dialog.field(statement_field(n))
            assert isinstance(combo, QComboBox)
            combo.currentIndexChanged.connect(show)
        show()

    fields = (
        Field("checked_on", "Date of the check", "date"),
        *(
            Field(statement_field(n), f"{n + 1}. {statement}", "choice", choices=ANSWER_CHOICES)
            for n, statement in enumerate(carer_strain.STATEMENTS)
        ),
        Field("comment", "Comment", "text", optional=True, lines=2),
    )
    return Editor(
        kind="carer_strain_check",
        entity_id=item.id,
        person_id=header.person_id,
        title=tr("Carer-strain check: {name}").format(name=item.name),
        fields=fields,
        save=save,
        initial={"checked_on": date_text(clock.today())},
        intro=_intro(item.name, {}),
        submit_label="Save check",
        focus=statement_field(0),
        wire=wire,
    )


def carer_contingency(record: PersonRecord, item: CarerItem) -> Editor:
    """What happens if this carer cannot care (printed in the home plan)."""
    header = record.header

    def save(ws: Workspace, values: dict[str, Any], draft: str | None) -> Change:
        return set_carer_contingency(
            ws,
            person_id=header.person_id,
            carer_id=item.id,
            plan=values.get("contingency_plan") or "",
            draft_key=draft,
        )

    return Editor(
        kind="carer_contingency",
        entity_id=item.id,
        person_id=header.person_id,
        title=tr("If {name} cannot care").format(name=item.name),
        fields=(
            Field(
                "contingency_plan",
                "What happens if they cannot care",
                "text",
                optional=True,
                lines=5,
                hint="Who steps in, whom to call, what the person needs meanwhile. "
                "Printed in the plan kept at home.",
            ),
        ),
        save=save,
        initial={"contingency_plan": item.contingency_plan or ""},
        intro=tr("Write it with {name}: if I cannot care, this happens.").format(name=item.name),
        focus="contingency_plan",
    )
