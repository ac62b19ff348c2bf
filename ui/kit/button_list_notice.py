"""A notice on the Today page: a heading, one button per item (the first few), "and N
more", and nothing identifiable left behind when cleared (on lock, or when nothing is
waiting). The drafts waiting and the 91-day checks due are two of them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.i18n import tr

SHOWN = 5  # buttons at most; the rest are counted


class ButtonListNotice(QFrame):
    def __init__(self, frame_name: str, heading_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(frame_name)
        self.heading = QLabel()
        self.heading.setObjectName(heading_name)
        self.heading.setWordWrap(True)
        self.buttons: list[QPushButton] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(12, 8, 12, 8)
        self._layout.setSpacing(4)
        self._layout.addWidget(self.heading)
        self.more = QLabel()
        self._layout.addWidget(self.more)
        self.hide()

    def fill(
        self,
        heading: str,
        items: Sequence[tuple[str, str, Callable[[], None]]],
        *,
        button_name: str,
    ) -> None:
        """`items`: (button text, its accessible name, what pressing it does)."""
        self.clear()
        if not items:
            return
        self.heading.setText(heading)
        for label, accessible, pressed in items[:SHOWN]:
            button = QPushButton(label)
            button.setObjectName(button_name)
            button.setAccessibleName(accessible)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, act=pressed: act())
            self._layout.insertWidget(self._layout.count() - 1, button)
            self.buttons.append(button)
        extra = len(items) - SHOWN
        self.more.setText(tr("and {n} more").format(n=extra) if extra > 0 else "")
        self.more.setVisible(extra > 0)
        self.show()

    def clear(self) -> None:
        """Nothing identifiable left behind."""
        for button in self.buttons:
            button.setText("")
            button.setAccessibleName("")
            button.hide()
            button.setParent(None)
            button.deleteLater()
        self.buttons = []
        self.heading.clear()
        self.more.clear()
        self.hide()
