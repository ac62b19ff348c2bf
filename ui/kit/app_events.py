"""The app's one application-wide event filter: the wheel guard
(ui/kit/wheel_guard.py, clinical-safety H13), the window fit (ui/kit/window_fit.py)
and, while the app is unlocked, the idle lock's watch for input (ui/idle.py), in a
single Python call per event.

An application-wide filter sees every event of every object (some 20,000 while the
main window is built, and every paint, move and timer after), and each one crossing
into Python costs a few microseconds before the filter has even looked at it. Two
such filters made building the app's windows twice as slow (345 ms against 165
without either); one, reading the event's type once, costs half of that.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject

from ui.kit import wheel_guard, window_fit

_POLISH = QEvent.Type.Polish
_WHEEL = QEvent.Type.Wheel
_SHOW = QEvent.Type.Show
# What counts as someone at the laptop: only their own input, never a background
# fetch finishing (an unattended laptop must lock).
INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
    }
)


class AppEvents(QObject):
    """Installed once on the QApplication (`install`)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_input: list[Callable[[], None]] = []

    def watch_input(self, callback: Callable[[], None]) -> None:
        """Call `callback` on every key, click, wheel or mouse move, until unwatched."""
        if callback not in self._on_input:
            self._on_input.append(callback)

    def unwatch_input(self, callback: Callable[[], None]) -> None:
        if callback in self._on_input:
            self._on_input.remove(callback)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self._on_input and kind in INPUT:
            for callback in self._on_input:
                callback()
        if kind is _POLISH:
            wheel_guard.on_polish(watched)
        elif kind is _WHEEL:
            return wheel_guard.on_wheel(watched, event)
        elif kind is _SHOW:
            window_fit.on_show(watched)
        return False


def install(app: QCoreApplication) -> AppEvents:
    """Guard every field and fit every window of the app (idempotent: one filter per
    application)."""
    existing = app.findChild(AppEvents)
    if existing is not None:
        return existing
    events = AppEvents(app)
    app.installEventFilter(events)
    return events
