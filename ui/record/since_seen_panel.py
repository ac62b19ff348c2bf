"""'Since you last saw them': colleagues' changes to the record, shown above the
sections when the record opens, until the user marks them read. Layout only; the
record controller fills it (`app.services.record.since_last_seen`)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QListWidget, QVBoxLayout, QWidget

from app.services.record.since_last_seen import Seen, SinceLastSeen
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.widgets import button

logger = logging.getLogger(__name__)

VISIBLE_LINES = 3  # the rest scroll: the record itself stays in view at 1366×768
LINE_HEIGHT = 26


def line(item: Seen) -> str:
    """One change as the user reads it: when, what, who (their role, organisation)."""
    who = ", ".join(part for part in (item.who, item.role, item.organisation) if part)
    edits = tr(" ({n} edits)").format(n=item.edits) if item.edits > 1 else ""
    when = formatting.british_date_time(item.when)
    return f"{when} · {tr(item.what)}{edits} · {who}"


class SinceSeenPanel(QFrame):
    read_requested = Signal(int)  # the journal sequence counted to

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sinceSeenPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel()
        self.title.setObjectName("sinceSeenTitle")
        self.title.setWordWrap(True)
        self.lines = QListWidget()
        self.lines.setObjectName("sinceSeenLines")
        self.lines.setAccessibleName(tr("Changes by colleagues since you last saw them"))
        self.lines.setMaximumHeight(VISIBLE_LINES * LINE_HEIGHT + 6)
        self._up_to = 0
        self.read_button = button("Mark as read", name="sinceSeenRead")
        self.read_button.clicked.connect(lambda: self.read_requested.emit(self._up_to))
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.read_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.lines)
        self.hide()

    def show_changes(self, since: SinceLastSeen) -> None:
        self._up_to = since.up_to
        self.lines.clear()
        if not since.items:
            self.hide()
            return
        self.title.setText(
            tr("Since you last saw them ({since}): {n} changes by colleagues").format(
                since=tr(since.since), n=len(since.items)
            )
        )
        self.lines.addItems([line(item) for item in since.items])
        self.show()

    def clear(self) -> None:
        self.lines.clear()
        self.title.clear()
        self._up_to = 0
        self.hide()
