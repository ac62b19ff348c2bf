"""The Team view's Meeting tab: the team's next multi-disciplinary meeting, its list
(who, why, and what was decided) and what the record suggests for it (flags with the
flagger's why, new referrals, ended reablement, overdue reviews, the top of the
priority list). Layout only: `MeetingController` does the work.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from app.services import clock
from app.services.mdt.agenda import Listed
from app.services.mdt.board import Board
from app.values.vocab import MdtReason
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.rows_model import ColumnSpec, RowsModel
from ui.kit.widgets import button, heading, size_columns, table


def _who(r: Listed) -> str:
    # The NHS number beside the name: the decision goes to the right person.
    return f"{r.display_name} · {r.nhs_number_formatted}"


LISTED_COLUMNS: tuple[ColumnSpec[Listed], ...] = (
    ColumnSpec("Who", _who),
    ColumnSpec(
        "Decided",
        lambda r: tr("Yes") if r.decision else tr("Not yet"),
        tooltip=lambda r: r.decision,
        quiet=lambda r: r.decision is None,
    ),
    ColumnSpec("Why", lambda r: r.said, tooltip=lambda r: r.said),
)


def _offered_why(r: Listed) -> str:
    # The fuller words (the priority list's factors, the referral's date), for this
    # screen only: what is kept on the list is `why`.
    by = f" ({tr('flagged by')} {r.flagged_by})" if r.flagged_by else ""
    words = f"Flagged: {r.detail}" if r.reason is MdtReason.FLAGGED else r.detail
    return f"{words}{by}"


OFFERED_COLUMNS: tuple[ColumnSpec[Listed], ...] = (
    ColumnSpec("Who", _who),
    ColumnSpec("Why", _offered_why, tooltip=_offered_why),
)
NO_MEETING = "No team meeting is set up yet."


class MeetingPage(QWidget):
    set_up_requested = Signal()
    move_requested = Signal()
    cancel_requested = Signal()
    add_requested = Signal(object)  # the Listed offered
    take_off_requested = Signal(object)  # the Listed on the list
    decide_requested = Signal(object)  # the Listed on the list
    pack_requested = Signal()
    open_requested = Signal(str)  # a person id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("meetingPage")
        self.board: Board | None = None
        self.status = QLabel(tr("The meeting is read when you open this tab."))
        self.status.setObjectName("meetingStatus")
        self.status.setWordWrap(True)
        self.set_up_button = button("Set up a meeting…", name="meetingSetUp")
        self.move_button = button("Move…", name="meetingMove", tip="A new time or place")
        self.cancel_button = button(
            "Cancel meeting…",
            name="meetingCancel",
            tip="Flags on its list wait for the next meeting; the rest come off",
        )
        self.pack_button = button(
            "Save the briefs as PDF…",
            name="meetingPack",
            tip="One page per person: why, what every agency changed since the last meeting",
        )
        self.listed_model: RowsModel[Listed] = RowsModel(LISTED_COLUMNS, self)
        self.listed = table("meetingList", "On the meeting's list")
        self.listed.setModel(self.listed_model)
        size_columns(self.listed, stretch=2)
        self.decide_button = button("Record the decision…", name="meetingDecide")
        self.take_off_button = button("Take off the list", name="meetingTakeOff")
        self.open_button = button("Open record", name="meetingOpen")
        self.offered_model: RowsModel[Listed] = RowsModel(OFFERED_COLUMNS, self)
        self.offered = table("meetingOffered", "Suggested from the record")
        self.offered.setModel(self.offered_model)
        size_columns(self.offered, stretch=1)
        self.add_button = button("Add to the list", name="meetingAdd")

        self.set_up_button.clicked.connect(self.set_up_requested)
        self.move_button.clicked.connect(self.move_requested)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.pack_button.clicked.connect(self.pack_requested)
        self.add_button.clicked.connect(lambda: self._emit(self.offered, self.add_requested))
        self.offered.activated.connect(lambda _i: self._emit(self.offered, self.add_requested))
        self.decide_button.clicked.connect(lambda: self._emit(self.listed, self.decide_requested))
        self.take_off_button.clicked.connect(
            lambda: self._emit(self.listed, self.take_off_requested)
        )
        self.open_button.clicked.connect(self._open)
        self.listed.activated.connect(lambda _i: self._open())

        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.set_up_button)
        top.addWidget(self.move_button)
        top.addWidget(self.cancel_button)
        top.addWidget(self.pack_button)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(heading("On the list", level=3))
        upper_layout.addWidget(self.listed, 1)
        row = QHBoxLayout()
        for b in (self.decide_button, self.take_off_button, self.open_button):
            row.addWidget(b)
        row.addStretch(1)
        upper_layout.addLayout(row)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(heading("Suggested from the record", level=3))
        lower_layout.addWidget(self.offered, 1)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        lower_layout.addLayout(add_row)
        split = QSplitter()
        split.setObjectName("meetingSplit")
        # Side by side: a laptop screen's height goes to the Team view's counts, and each
        # list needs rows more than width.
        split.setOrientation(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setSizes([700, 600])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self._enable()

    def _emit(self, view: object, signal: object) -> None:
        model = view.model()  # type: ignore[attr-defined]
        row = model.row_at(view.currentIndex().row())  # type: ignore[attr-defined]
        if row is not None:
            signal.emit(row)  # type: ignore[attr-defined]

    def _open(self) -> None:
        row = self.listed_model.row_at(self.listed.currentIndex().row())
        if row is not None:
            self.open_requested.emit(row.person_id)

    def working(self) -> None:
        self.status.setText(tr("Reading the meeting…"))

    def show_board(self, board: Board) -> None:
        self.board = board
        self.listed_model.set_rows(list(board.listed))
        self.offered_model.set_rows(list(board.offered))
        meeting = board.meeting
        if meeting is None:
            text = tr(NO_MEETING)
            if board.may_build:
                text += " " + tr("Set one up: the list is built here and goes out as it syncs.")
        else:
            at = clock.local(meeting.meets_at)
            place = f", {meeting.place}" if meeting.place else ""
            decided = sum(1 for r in board.listed if r.decision)
            text = tr("Next meeting {when} {time}{place}: {n} on the list, {d} decided.").format(
                when=formatting.british_date(at.date()),
                time=f"{at:%H:%M}",
                place=place,
                n=len(board.listed),
                d=decided,
            )
            closes = clock.local(meeting.list_closes_at)
            if board.list_late:
                text += " " + tr(
                    "The list went out less than 24 hours before: say so at the start."
                )
            else:
                text += " " + tr("The list goes out by {when} {time}.").format(
                    when=formatting.british_date(closes.date()), time=f"{closes:%H:%M}"
                )
        self.status.setText(text)
        if self.listed_model.rowCount() and not self.listed.currentIndex().isValid():
            self.listed.selectRow(0)
        if self.offered_model.rowCount() and not self.offered.currentIndex().isValid():
            self.offered.selectRow(0)
        self._enable()

    def _enable(self) -> None:
        board = self.board
        has_meeting = board is not None and board.meeting is not None
        builder = board is not None and board.may_build
        self.set_up_button.setVisible(builder and not has_meeting)
        self.move_button.setVisible(builder and has_meeting)
        self.cancel_button.setVisible(builder and has_meeting)
        self.add_button.setVisible(builder)
        self.take_off_button.setVisible(builder)
        self.add_button.setEnabled(has_meeting and self.offered_model.rowCount() > 0)
        listed = has_meeting and self.listed_model.rowCount() > 0
        for b in (self.take_off_button, self.decide_button, self.open_button, self.pack_button):
            b.setEnabled(listed)

    def show_error(self, message: str) -> None:
        self.status.setText(message)

    def clear(self) -> None:
        """On lock: no names stay on screen."""
        self.board = None
        self.listed_model.clear()
        self.offered_model.clear()
        self.status.setText(tr("The meeting is read when you open this tab."))
        self._enable()
