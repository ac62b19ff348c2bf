"""A notice on the Today page: a heading, one button per item (the first few shown),
a "Show all N" button for the rest, and nothing identifiable left behind when
cleared (on lock, or when nothing is waiting). The drafts waiting, the 91-day checks
due and the carers at the tipping point are three of them.

Three at first, because the Today page is for the day's visits: three notices of
five buttons each left a 1366×768 laptop five rows of its round. Every item can
still be reached from the notice itself ("and 2 more" once led nowhere).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.i18n import tr

SHOWN = 3  # buttons shown at first; the rest behind "Show all"


class ButtonListNotice(QFrame):
    def __init__(self, frame_name: str, heading_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(frame_name)
        self.heading = QLabel()
        self.heading.setObjectName(heading_name)
        self.heading.setWordWrap(True)
        self.buttons: list[QPushButton] = []
        self._expanded = False
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(12, 8, 12, 8)
        self._layout.setSpacing(4)
        self._layout.addWidget(self.heading)
        self.more = QPushButton()
        self.more.setObjectName("noticeShowAll")
        self.more.setAutoDefault(False)
        self.more.clicked.connect(self._toggle)
        self._layout.addWidget(self.more, 0, Qt.AlignmentFlag.AlignLeft)
        self.hide()

    def fill(
        self,
        heading: str,
        items: Sequence[tuple[str, str, Callable[[], None]]],
        *,
        button_name: str,
    ) -> None:
        """`items`: (button text, its accessible name, what pressing it does)."""
        expanded = self._expanded
        self.clear()
        if not items:
            return
        self._expanded = expanded  # a refresh keeps what the user chose
        self.heading.setText(heading)
        for label, accessible, pressed in items:
            button = QPushButton(label)
            button.setObjectName(button_name)
            button.setAccessibleName(accessible)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, act=pressed: act())
            self._layout.insertWidget(self._layout.count() - 1, button)
            self.buttons.append(button)
        # Buttons made now join the end of the window's Tab order: put them where they
        # are seen, after whatever takes Tab before this notice and before "Show all".
        before: QWidget = self.more
        while (earlier := before.previousInFocusChain()) is not None and earlier is not self.more:
            before = earlier
            if before.focusPolicy() & Qt.FocusPolicy.TabFocus:
                break
        chain: list[QWidget] = [before, *self.buttons, self.more]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        self._show_buttons()
        self.show()

    def shown(self) -> list[QPushButton]:
        """The item buttons on show now."""
        return [button for button in self.buttons if not button.isHidden()]

    def _toggle(self) -> None:
        self._expanded = not self._expanded
        self._show_buttons()

    def _show_buttons(self) -> None:
        for index, button in enumerate(self.buttons):
            button.setVisible(self._expanded or index < SHOWN)
        extra = len(self.buttons) - SHOWN
        if self._expanded:
            text = tr("Show the first {n} only").format(n=SHOWN)
        else:
            text = tr("Show all {n} ({extra} more)").format(n=len(self.buttons), extra=extra)
        self.more.setText(text)
        self.more.setAccessibleName(text)
        self.more.setVisible(extra > 0)

    def clear(self) -> None:
        """Nothing identifiable left behind."""
        for button in self.buttons:
            button.setText("")
            button.setAccessibleName("")
            button.hide()
            button.setParent(None)
            button.deleteLater()
        self.buttons = []
        self._expanded = False
        self.heading.clear()
        self.more.setText("")
        self.more.hide()
        self.hide()
