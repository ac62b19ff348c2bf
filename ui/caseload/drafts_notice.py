"""'You have 2 unsaved drafts': a line on the Today page after unlocking (after a
crash, a lock or a closed form), with a button to open each one. Layout only;
fed `WaitingDraft`s read on the database lane by `DraftsController`."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.record.drafts import WaitingDraft
from ui.i18n import tr
from ui.kit import formatting
from ui.record.outcomes_editors import KINDS as OUTCOMES_KINDS

logger = logging.getLogger(__name__)

SHOWN = 5  # a button each; past this, "and 3 more" (each also waits in its form)

# The editors' kinds (ui/record/editors.py `editor_for`), as a person would say them.
KINDS = {
    "visit_note": "Visit note",
    "note_correction": "Correction to a note",
    "person_details": "Personal details",
    "about_me": "About me",
    "new_assessment": "Assessment",
    "new_capacity": "Mental capacity assessment",
    "assessment_part": "Part of the initial assessment",
    "assessment_part_change": "Change to a part of the assessment",
    "new_referral": "Referral",
    "close_case": "Closing the case",
    "new_personal_contact": "New contact",
    "personal_contact": "Contact",
    "new_professional_contact": "New professional contact",
    "professional_contact": "Professional contact",
    "new_goal": "New goal",
    "goal": "Goal",
    "new_action": "New action",
    "action": "Action",
    "agree_plan": "Agreeing the plan",
    "review_date": "Plan review date",
    "new_strength": "Strength",
    "strength": "Strength",
    "new_need": "Need",
    "need": "Need",
    "new_contingency": "Contingency plan",
    "contingency": "Contingency plan",
    "new_risk": "New risk",
    "risk": "Risk",
    "new_alert": "New alert",
    "alert": "Alert",
    "new_consent": "Consent decision",
    "consent": "Consent review",
    **OUTCOMES_KINDS,
}


def describe(draft: WaitingDraft) -> str:
    """'Visit note for Ann Smith (typed 4 Dec 2026 10:12)'."""
    return tr("{kind} for {name} (typed {when})").format(
        kind=tr(KINDS.get(draft.kind, "Unsaved form")),
        name=draft.person_name,
        when=formatting.british_date_time(draft.updated_at),
    )


class DraftsNotice(QFrame):
    open_requested = Signal(object)  # the WaitingDraft

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draftBar")  # the forms' "restored draft" look
        self.text = QLabel()
        self.text.setObjectName("draftsWaiting")
        self.text.setWordWrap(True)
        self.buttons: list[QPushButton] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(12, 8, 12, 8)
        self._layout.setSpacing(4)
        self._layout.addWidget(self.text)
        self.more = QLabel()
        self._layout.addWidget(self.more)
        self.hide()

    def show_drafts(self, waiting: Sequence[WaitingDraft]) -> None:
        self.clear()
        if not waiting:
            return
        if len(waiting) == 1:
            self.text.setText(tr("You have an unsaved draft. Open it to finish or discard it:"))
        else:
            self.text.setText(
                tr("You have {n} unsaved drafts. Open one to finish or discard it:").format(
                    n=len(waiting)
                )
            )
        for draft in waiting[:SHOWN]:
            label = describe(draft)
            button = QPushButton(label)
            button.setObjectName("openDraft")
            button.setAccessibleName(tr("Open: {draft}").format(draft=label))
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, d=draft: self.open_requested.emit(d))
            self._layout.insertWidget(self._layout.count() - 1, button)
            self.buttons.append(button)
        extra = len(waiting) - SHOWN
        self.more.setText(tr("and {n} more").format(n=extra) if extra > 0 else "")
        self.more.setVisible(extra > 0)
        self.show()

    def clear(self) -> None:
        """Nothing identifiable left behind (on lock, or when no draft waits)."""
        for button in self.buttons:
            button.setText("")
            button.setAccessibleName("")
            button.hide()
            button.setParent(None)
            button.deleteLater()
        self.buttons = []
        self.text.clear()
        self.more.clear()
        self.hide()
