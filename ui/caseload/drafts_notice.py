"""'You have 2 unsaved drafts': a line on the Today page after unlocking (after a
crash, a lock or a closed form), with a button to open each one. Layout only;
fed `WaitingDraft`s read on the database lane by `DraftsController`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from app.services.record.drafts import WaitingDraft
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.button_list_notice import ButtonListNotice
from ui.record.outcomes_editors import KINDS as OUTCOMES_KINDS
from ui.record.support_editors import KINDS as SUPPORT_KINDS

logger = logging.getLogger(__name__)


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
    **SUPPORT_KINDS,
}


def describe(draft: WaitingDraft) -> str:
    """'Visit note for Ann Smith (typed 4 Dec 2026 10:12)'."""
    return tr("{kind} for {name} (typed {when})").format(
        kind=tr(KINDS.get(draft.kind, "Unsaved form")),
        name=draft.person_name,
        when=formatting.british_date_time(draft.updated_at),
    )


class DraftsNotice(ButtonListNotice):
    open_requested = Signal(object)  # the WaitingDraft

    def __init__(self, parent: QWidget | None = None) -> None:
        # The forms' "restored draft" look.
        super().__init__("draftBar", "draftsWaiting", parent)
        self.text = self.heading

    def show_drafts(self, waiting: Sequence[WaitingDraft]) -> None:
        heading = (
            tr("You have an unsaved draft. Open it to finish or discard it:")
            if len(waiting) == 1
            else tr("You have {n} unsaved drafts. Open one to finish or discard it:").format(
                n=len(waiting)
            )
        )
        self.fill(
            heading,
            [
                (
                    describe(draft),
                    tr("Open: {draft}").format(draft=describe(draft)),
                    partial(self.open_requested.emit, draft),
                )
                for draft in waiting
            ],
            button_name="openDraft",
        )
