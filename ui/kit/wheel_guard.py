"""The mouse wheel never changes a field it merely passes over.

Scrolling a long form moves the pointer across dates, numbers and choices; Qt lets
each of them take the wheel (and focus with it), so a visit note could be saved a
day earlier with no sign. One application-wide filter stops that: a spin box,
date, choice or slider takes wheel input only once it has focus (clicked or
tabbed into); otherwise the wheel goes on to the form's scroll area, as the user
meant. Scroll bars and lists are not fields and scroll as before.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)

_FIELDS = (QAbstractSpinBox, QComboBox, QAbstractSlider)


def is_guarded(widget: QObject) -> bool:
    """A field whose value the wheel could change (a scroll bar only scrolls)."""
    return isinstance(widget, _FIELDS) and not isinstance(widget, QScrollBar)


class WheelGuard(QObject):
    """Installed once on the QApplication (`install`)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and is_guarded(watched):
            assert isinstance(watched, QWidget)
            # WheelFocus would hand focus to a field the wheel passes over, and with it
            # the right to change it: click or Tab only.
            if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        elif kind == QEvent.Type.Wheel and is_guarded(watched):
            assert isinstance(watched, QWidget)
            if not watched.hasFocus():
                # Ignored and filtered: Qt offers the wheel to the parent next, so the
                # form's scroll area scrolls and the field keeps its value.
                event.ignore()
                return True
        return False


def install(app: QApplication) -> WheelGuard:
    """Guard every field of the app (idempotent: one guard per application)."""
    existing = app.findChild(WheelGuard)
    if existing is not None:
        return existing
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    return guard
