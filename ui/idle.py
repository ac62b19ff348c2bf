"""Lock after inactivity, as KeePassXC's InactivityTimer does.

An application-wide event filter restarts a single-shot timer on every key,
click, wheel or mouse move in any of the app's windows; when the timer runs
out, `idle` fires and the app locks. Only user input counts: a fetch finishing
in the background must not keep an unattended laptop unlocked.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

logger = logging.getLogger(__name__)

DEFAULT_IDLE_MS = 5 * 60 * 1000  # DESIGN.md: auto-lock after 5 minutes idle

_ACTIVITY = frozenset(
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


class IdleWatcher(QObject):
    idle = Signal()

    def __init__(self, timeout_ms: int = DEFAULT_IDLE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self._timed_out)
        # Restarting a timer on every mouse move is wasteful; a restart at most every
        # tenth of the timeout (capped at 1 s) loses no meaningful precision.
        self._min_restart_s = min(timeout_ms / 10_000, 1.0)
        self._last_restart = 0.0
        self._installed = False

    @property
    def timeout_ms(self) -> int:
        return self._timer.interval()

    def set_timeout(self, timeout_ms: int) -> None:
        """A new idle limit (the user's setting), counted from now if running."""
        self._timer.setInterval(timeout_ms)
        self._min_restart_s = min(timeout_ms / 10_000, 1.0)
        if self._timer.isActive():
            self._restart()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        app = QCoreApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True
        self._restart()

    def stop(self) -> None:
        self._timer.stop()
        app = QCoreApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            now = time.monotonic()
            if now - self._last_restart >= self._min_restart_s:
                self._restart(now)
        return False  # only watching: every event carries on to its widget

    def _restart(self, now: float | None = None) -> None:
        self._last_restart = time.monotonic() if now is None else now
        self._timer.start()

    def _timed_out(self) -> None:
        logger.info("locking after %d ms without input", self._timer.interval())
        self.stop()
        self.idle.emit()
