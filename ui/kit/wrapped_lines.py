"""Panels whose least height counts their word-wrapped lines.

Qt's least size of a widget does not count the lines its word-wrapped labels wrap
to, only a guess made without a width. A page shorter than it needs shrinks each
panel towards that guess, and a wrapped label is cut off mid-line: on a 1280×720
laptop the record header's alert "Access to the home" lost its second line,
"Restricted detail recorded: not shown here until you press Show", the one
saying there is more to know before going in. A panel made with this mixin asks
for the height its lines need at the width it has, so a short page scrolls
(ui/main_window.py `_PageHost`) instead of cutting the panel's text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QWidget

# A plain class at run time: PySide6 cannot build an object from two Qt classes (a
# QWidget subclass beside QFrame crashed), but type checking sees the widget's methods.
if TYPE_CHECKING:
    _Widget = QWidget
else:
    _Widget = object


class KeepsWrappedLines(_Widget):
    """Put first among a widget class's bases (`class P(KeepsWrappedLines, QFrame)`)."""

    def minimumSizeHint(self) -> QSize:
        least = super().minimumSizeHint()
        if self.width() > 0 and self.hasHeightForWidth():
            least.setHeight(max(least.height(), self.heightForWidth(self.width())))
        return least

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            # Another width, other wrapped lines: the layout above asks again. A new
            # height alone changes nothing here, so this cannot loop.
            self.updateGeometry()
