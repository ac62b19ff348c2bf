"""'91-day checks due': a group on the Today page listing the people the user leads
whose reablement ended and whose 91-day check has come (ASCOF 2B(1): still at home
91 days after leaving hospital), with a button each that opens their record at
Reablement and outcomes. Layout only; fed `FollowUpDue`s read on the database lane
by the Today controller."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from app.services.outcomes.follow_ups import FollowUpDue
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.button_list_notice import ButtonListNotice

logger = logging.getLogger(__name__)


def describe(due: FollowUpDue) -> str:
    """'Ashworth, Ada (999 000 0018): due since 3 Mar 2027'."""
    who = due.display_name
    if due.nhs_number_formatted:
        who += f" ({due.nhs_number_formatted})"
    return tr("{who}: due since {day}").format(who=who, day=formatting.british_date(due.due_on))


class FollowUpsNotice(ButtonListNotice):
    open_requested = Signal(str)  # person id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("followUpsDue", "followUpsTitle", parent)
        self.title = self.heading

    def show_due(self, due: Sequence[FollowUpDue]) -> None:
        self.fill(
            tr("91-day checks due ({n}): where is each person now?").format(n=len(due)),
            [
                (
                    describe(item),
                    tr("Open for the 91-day check: {who}").format(who=describe(item)),
                    partial(self.open_requested.emit, item.person_id),
                )
                for item in due
            ],
            button_name="openFollowUp",
        )
        self.title.setAccessibleName(self.title.text())
