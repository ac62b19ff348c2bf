"""What the "Reablement and outcomes" section does: each of its buttons (and the care
plan's "Review…" on a goal) opens its dialog through the record controller, which
keeps drafts and saves on the database lane; "Mark in error…" asks first, then marks
the event on the database lane. The record refreshes itself from the Change."""

from __future__ import annotations

import logging
from typing import Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.services.changes import Change
from app.services.outcomes import hospital_events
from app.services.outcomes.outcomes_view import HospitalItem
from app.services.record.record import GoalItem
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.operations import Operations
from ui.record import outcomes_editors
from ui.record.record_page import RecordPage

logger = logging.getLogger(__name__)


class EditorHost(Protocol):
    """The record controller, as this needs it: open an editor for the record on screen,
    say what was saved, and show a refusal on the page."""

    def edit(self, build: object) -> None: ...

    def said_saved(self, change: Change) -> None: ...

    def show_message(self, text: str) -> None: ...


class OutcomesController(QObject):
    def __init__(
        self, ops: Operations, page: RecordPage, host: EditorHost, dialog_parent: QWidget
    ) -> None:
        super().__init__(page)
        self._ops = ops
        self._host = host
        self._dialog_parent = dialog_parent
        self.question: QMessageBox | None = None
        section = page.outcomes
        section.start_episode.connect(lambda: self._open(outcomes_editors.start_reablement))
        section.replan_episode.connect(
            lambda e: self._open(lambda r: outcomes_editors.replan_reablement(r, e))
        )
        section.end_episode.connect(
            lambda e: self._open(lambda r: outcomes_editors.end_reablement(r, e))
        )
        section.record_follow_up.connect(
            lambda e: self._open(lambda r: outcomes_editors.follow_up(r, e))
        )
        section.add_hospital_event.connect(lambda: self._open(outcomes_editors.hospital_event))
        section.ask_experience.connect(lambda: self._open(outcomes_editors.ask_experience))
        section.mark_in_error.connect(self._ask_in_error)
        page.plan.review_goal.connect(self._review)

    def _open(self, build: object) -> None:
        self._host.edit(build)

    def _review(self, goal: GoalItem) -> None:
        self._open(lambda r: outcomes_editors.goal_review(r, goal))

    def _ask_in_error(self, event: HospitalItem) -> None:
        """Recorded in error: kept in the record and counted nowhere. Asked first, with
        Keep the default (Enter and Esc both keep it)."""
        if self.question is not None:
            return
        box = QMessageBox(self._dialog_parent)
        box.setObjectName("inErrorQuestion")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(tr("Mark in error"))
        box.setText(
            tr("Mark the {kind} on {day} as recorded in error?").format(
                kind=event.kind.lower(), day=formatting.british_date(event.occurred_on)
            )
        )
        box.setInformativeText(tr("It stays in the record with your name, and is counted nowhere."))
        mark = box.addButton(tr("Mark in error"), QMessageBox.ButtonRole.DestructiveRole)
        mark.setObjectName("inErrorConfirm")
        keep = box.addButton(tr("Keep it"), QMessageBox.ButtonRole.RejectRole)
        keep.setObjectName("inErrorKeep")
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.question = box

        def answered(_result: int) -> None:
            self.question = None
            if box.clickedButton() is mark:
                self._mark(event.id)

        box.finished.connect(answered)
        box.open()
        keep.setFocus(Qt.FocusReason.OtherFocusReason)

    def _mark(self, event_id: str) -> None:
        self._ops.write(
            lambda ws: hospital_events.mark_in_error(ws, event_id=event_id),
            on_done=self._host.said_saved,
            on_error=self._host.show_message,
        )

    def close(self) -> None:
        """On lock or leaving the record: no question left open over an emptied page."""
        if self.question is not None:
            self.question.reject()
            self.question = None
