"""Lock after inactivity, as KeePassXC's InactivityTimer does.

The app's one event filter (ui/kit/app_events.py) restarts a single-shot timer on
every key, click, wheel or mouse move in any of the app's windows; when the timer runs
out, `idle` fires and the app locks. Only user input counts: a fetch finishing
in the background must not keep an unattended laptop unlocked.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from ui.kit import app_events

logger = logging.getLogger(__name__)

DEFAULT_IDLE_MS = 5 * 60 * 1000  # DESIGN.md: auto-lock after 5 minutes idle


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
        # The app's event filter while this watches it for input (None: not watching).
        self._events: app_events.AppEvents | None = None

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
        if app is not None and self._events is None:
            self._events = app_events.install(app)
            self._events.watch_input(self._input)
        self._restart()

    def stop(self) -> None:
        self._timer.stop()
        if self._events is not None:
            self._events.unwatch_input(self._input)
            self._events = None

    def _input(self) -> None:
        now = time.monotonic()
        if now - self._last_restart >= self._min_restart_s:
            self._restart(now)

    def _restart(self, now: float | None = None) -> None:
        self._last_restart = time.monotonic() if now is None else now
        self._timer.start()

    def _timed_out(self) -> None:
        logger.info("locking after %d ms without input", self._timer.interval())
        self.stop()
        self.idle.emit()
