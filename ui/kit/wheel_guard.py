"""The mouse wheel never changes a field it merely passes over.

Scrolling a long form moves the pointer across dates, numbers and choices; Qt lets
each of them take the wheel (and focus with it), so a visit note could be saved a
day earlier with no sign. The app's one event filter (ui/kit/app_events.py) stops
that with these rules: a spin box,
date, choice or slider takes wheel input only once it has focus (clicked or
tabbed into); otherwise the wheel goes on to the form's scroll area, as the user
meant. Scroll bars and lists are not fields and scroll as before.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QScrollBar,
    QWidget,
)

_FIELDS = (QAbstractSpinBox, QComboBox, QAbstractSlider)


def is_guarded(widget: QObject) -> bool:
    """A field whose value the wheel could change (a scroll bar only scrolls)."""
    return isinstance(widget, _FIELDS) and not isinstance(widget, QScrollBar)


def on_polish(watched: QObject) -> None:
    """A widget being polished (ui/kit/app_events.py calls this for every Polish
    event): a field loses WheelFocus, which would hand focus to a field the wheel
    passes over, and with it the right to change it: click or Tab only."""
    if is_guarded(watched):
        assert isinstance(watched, QWidget)
        if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


def on_wheel(watched: QObject, event: QEvent) -> bool:
    """A wheel event: True (taken) when it would change a field that has no focus.
    Ignored and filtered, Qt offers the wheel to the parent next, so the form's
    scroll area scrolls and the field keeps its value."""
    if is_guarded(watched):
        assert isinstance(watched, QWidget)
        if not watched.hasFocus():
            event.ignore()
            return True
    return False
