"""The Team view's Meeting tab at work: the board read on the task runner when the tab
first comes into view and again when records change while it is in view (else when
next shown), an older answer arriving late dropped; setting up, adding, taking off,
deciding and saving the briefs each on the runner; emptied on lock.

Who was in the room is remembered between decisions of one sitting (in memory, the
tab's own), so the note-taker types it once.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from app.reports.mdt_pack import save_pack
from app.services.mdt.agenda import Listed, add_to_list, take_off_list
from app.services.mdt.board import Board, meeting_board
from app.services.mdt.decisions import record_decision
from app.services.mdt.meetings import cancel_meeting, move_meeting, set_up_meeting
from ui.i18n import tr
from ui.kit.forms import FormDialog, to_qdatetime
from ui.kit.operations import Operations
from ui.team.meeting_dialogs import (
    agreed_actions,
    attendee_lines,
    cancel_dialog,
    decision_dialog,
    set_up_dialog,
)
from ui.team.meeting_page import MeetingPage

logger = logging.getLogger(__name__)

AskPath = Callable[[QWidget, str, str], str | None]
PACK_NAME = "team-meeting-briefs.pdf"


class MeetingController(QObject):
    open_requested = Signal(str)
    status = Signal(str)

    def __init__(
        self,
        ops: Operations,
        page: MeetingPage,
        ask_save_path: AskPath,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.page = page
        self.ask_save_path = ask_save_path
        self.dialog: FormDialog | None = None
        self._present = ""
        self._loaded = False
        self._asked = 0
        page.open_requested.connect(self.open_requested)
        page.set_up_requested.connect(self.set_up)
        page.move_requested.connect(self.move)
        page.cancel_requested.connect(self.cancel)
        page.add_requested.connect(self.add)
        page.take_off_requested.connect(self.take_off)
        page.decide_requested.connect(self.decide)
        page.pack_requested.connect(self.save_briefs)

    def opened(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        self.read()

    def read(self) -> None:
        self._asked += 1
        asked = self._asked
        self.page.working()
        if not self.ops.read(
            meeting_board,
            on_done=lambda board: self._show(asked, board),
            on_error=self.page.show_error,
        ):
            self.page.clear()

    def _show(self, asked: int, board: Board) -> None:
        if asked == self._asked:
            self.page.show_board(board)

    def changed(self, visible: bool) -> None:
        if not self._loaded:
            return
        if visible:
            self.read()
        else:
            self._loaded = False

    def _open(self, dialog: FormDialog, submit: Callable[[dict[str, object]], None]) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.submitted.connect(submit)
        self.dialog = dialog
        dialog.open()

    def _done(self, dialog: FormDialog, said: str) -> Callable[[object], None]:
        def done(_change: object) -> None:
            dialog.accept()
            self.status.emit(tr(said))
            self.read()

        return done

    def set_up(self) -> None:
        dialog = set_up_dialog(self.page)

        def submit(values: dict[str, object]) -> None:
            when = datetime.fromisoformat(str(values["meets_at"]))
            place = str(values.get("place") or "") or None
            self.ops.write(
                lambda ws: set_up_meeting(ws, meets_at=when, place=place),
                on_done=self._done(dialog, "Team meeting set up."),
                on_error=dialog.show_error,
            )

        self._open(dialog, submit)

    def move(self) -> None:
        board = self.page.board
        if board is None or board.meeting is None:
            return
        meeting = board.meeting
        dialog = set_up_dialog(self.page, title="Move the team meeting", submit="Move")
        dialog.widgets["meets_at"].setDateTime(to_qdatetime(meeting.meets_at))  # type: ignore[attr-defined]
        dialog.set_values({"place": meeting.place or ""})

        def submit(values: dict[str, object]) -> None:
            when = datetime.fromisoformat(str(values["meets_at"]))
            place = str(values.get("place") or "") or None
            self.ops.write(
                lambda ws: move_meeting(ws, meeting.id, meets_at=when, place=place),
                on_done=self._done(dialog, "Team meeting moved, its list with it."),
                on_error=dialog.show_error,
            )

        self._open(dialog, submit)

    def cancel(self) -> None:
        board = self.page.board
        if board is None or board.meeting is None:
            return
        meeting_id = board.meeting.id
        dialog = cancel_dialog(self.page)

        def submit(values: dict[str, object]) -> None:
            if not values.get("sure"):
                dialog.show_error(tr("Tick the box to cancel the meeting."))
                return
            self.ops.write(
                lambda ws: cancel_meeting(ws, meeting_id),
                on_done=self._done(dialog, "Team meeting cancelled."),
                on_error=dialog.show_error,
            )

        self._open(dialog, submit)

    def add(self, row: Listed) -> None:
        board = self.page.board
        if board is None or board.meeting is None:
            return
        meeting_id = board.meeting.id
        self.ops.write(
            lambda ws: add_to_list(
                ws,
                meeting_id,
                person_id=row.person_id,
                reason=row.reason,
                why=row.why,
                flag_id=row.item_id,
            ),
            on_done=lambda _c: self.read(),
            on_error=self.page.show_error,
        )

    def take_off(self, row: Listed) -> None:
        if row.item_id is None:
            return
        item = row.item_id
        self.ops.write(
            lambda ws: take_off_list(ws, item),
            on_done=lambda _c: self.read(),
            on_error=self.page.show_error,
        )

    def decide(self, row: Listed) -> None:
        if row.item_id is None:
            return
        item = row.item_id
        dialog = decision_dialog(self.page, row, self._present)

        def submit(values: dict[str, object]) -> None:
            self._present = str(values.get("present") or "")
            actions = agreed_actions(values)
            present = attendee_lines(values)
            self.ops.write(
                lambda ws: record_decision(
                    ws,
                    item,
                    decision=str(values.get("decision") or ""),
                    attendees=present,
                    actions=actions,
                ),
                on_done=self._done(dialog, "Decision recorded: its actions are in the plan."),
                on_error=dialog.show_error,
            )

        self._open(dialog, submit)

    def save_briefs(self) -> None:
        board = self.page.board
        if board is None or board.meeting is None:
            return
        meeting_id = board.meeting.id
        path = self.ask_save_path(self.page, tr("Save the meeting's briefs"), PACK_NAME)
        if not path:
            return
        said = tr("Saved the meeting's briefs to {path}.").format(path=path)
        self.ops.read(
            lambda ws: save_pack(ws, meeting_id, Path(path)),
            on_done=lambda _r: self.status.emit(said),
            on_error=self.page.show_error,
        )

    def close(self) -> None:
        """On lock: the names go, and so does who was in the room."""
        self._asked += 1
        self._loaded = False
        self._present = ""
        if self.dialog is not None:
            with contextlib.suppress(RuntimeError):  # already closed and deleted
                self.dialog.close()
            self.dialog = None
        self.page.clear()
