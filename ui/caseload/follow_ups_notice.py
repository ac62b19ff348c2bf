"""'91-day checks due': a group on the Today page listing the people the user leads
whose reablement ended and whose 91-day check has come (ASCOF 2B(1): still at home
91 days after leaving hospital), with a button each that opens their record at
Reablement and outcomes. Layout only; fed `FollowUpDue`s read on the database lane
by the Today controller."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.outcomes.follow_ups import FollowUpDue
from ui.i18n import tr
from ui.kit import formatting

logger = logging.getLogger(__name__)

SHOWN = 5  # a button each; past this, "and 3 more"


def describe(due: FollowUpDue) -> str:
    """'Ashworth, Ada (999 000 0018): due since 3 Mar 2027'."""
    who = due.display_name
    if due.nhs_number_formatted:
        who += f" ({due.nhs_number_formatted})"
    return tr("{who}: due since {day}").format(who=who, day=formatting.british_date(due.due_on))


class FollowUpsNotice(QFrame):
    open_requested = Signal(str)  # person id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("followUpsDue")
        self.title = QLabel()
        self.title.setObjectName("followUpsTitle")
        self.title.setWordWrap(True)
        self.buttons: list[QPushButton] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(12, 8, 12, 8)
        self._layout.setSpacing(4)
        self._layout.addWidget(self.title)
        self.more = QLabel()
        self._layout.addWidget(self.more)
        self.hide()

    def show_due(self, due: Sequence[FollowUpDue]) -> None:
        self.clear()
        if not due:
            return
        self.title.setText(
            tr("91-day checks due ({n}): where is each person now?").format(n=len(due))
        )
        self.title.setAccessibleName(self.title.text())
        for item in due[:SHOWN]:
            label = describe(item)
            button = QPushButton(label)
            button.setObjectName("openFollowUp")
            button.setAccessibleName(tr("Open for the 91-day check: {who}").format(who=label))
            button.setAutoDefault(False)
            button.clicked.connect(
                lambda _checked=False, p=item.person_id: self.open_requested.emit(p)
            )
            self._layout.insertWidget(self._layout.count() - 1, button)
            self.buttons.append(button)
        extra = len(due) - SHOWN
        self.more.setText(tr("and {n} more").format(n=extra) if extra > 0 else "")
        self.more.setVisible(extra > 0)
        self.show()

    def clear(self) -> None:
        """Nothing identifiable left behind (on lock, or when none is due)."""
        for button in self.buttons:
            button.setText("")
            button.setAccessibleName("")
            button.hide()
            button.setParent(None)
            button.deleteLater()
        self.buttons = []
        self.title.clear()
        self.more.clear()
        self.hide()
