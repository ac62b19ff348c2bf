"""'Carers at the tipping point': a group on the Today page listing the people the user
leads whose carer's latest carer-strain check fires the team's prompt (high, or risen
since the last check; the team's rule, not the scale's), with a button each that opens
their record at Contacts and carers. Layout only; fed `CarerPromptDue`s read on the
database lane by the Today controller."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from app.services.carers.strain_due import CarerPromptDue
from ui.i18n import tr
from ui.kit.button_list_notice import ButtonListNotice

logger = logging.getLogger(__name__)


def describe(due: CarerPromptDue) -> str:
    """'Ashworth, Ada (999 000 0018): Mary Ashworth: carer strain has risen by 5 ...'."""
    who = due.display_name
    if due.nhs_number_formatted:
        who += f" ({due.nhs_number_formatted})"
    return f"{who}: {due.carer_name}: {due.prompt}"


class CarerStrainNotice(ButtonListNotice):
    open_requested = Signal(str)  # person id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("carerStrainDue", "carerStrainTitle", parent)
        self.title = self.heading

    def show_due(self, due: Sequence[CarerPromptDue]) -> None:
        self.fill(
            tr(
                "Carers at the tipping point ({n}): strain high or rising "
                "(the team's prompt, not the scale's)"
            ).format(n=len(due)),
            [
                (
                    describe(item),
                    tr("Open Contacts and carers: {who}").format(who=describe(item)),
                    partial(self.open_requested.emit, item.person_id),
                )
                for item in due
            ],
            button_name="openCarerStrain",
        )
        self.title.setAccessibleName(self.title.text())
