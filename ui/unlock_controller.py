"""What the unlock screen does: unlock off the GUI thread, and back off after failures.

Argon2 deliberately takes about half a second, so unlocking runs on the task
runner behind a busy indicator. A wrong passphrase shows the plain message;
repeated wrong passphrases disable the button for 1 s, 2 s, 4 s... with a
countdown, which slows guessing without locking a tired nurse out for good.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app import workspace as workspaces
from app.errors import OneRecordError, WrongPassphraseError
from app.workspace import Workspace
from sync.client.enrol import wipe
from sync.client.status import run_sync
from ui.i18n import tr
from ui.kit.tasks import TaskRunner
from ui.unlock_window import UnlockWindow

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backoff:
    """Seconds to wait after `failures` wrong passphrases in a row."""

    free_attempts: int = 1  # a first typo costs nothing
    first_delay_s: float = 1.0
    max_delay_s: float = 60.0

    def delay_after(self, failures: int) -> float:
        doublings = failures - self.free_attempts - 1
        if doublings < 0:
            return 0.0
        return float(min(self.first_delay_s * 2**doublings, self.max_delay_s))


@dataclass(frozen=True)
class _WrongPassphrase:
    message: str


class UnlockController(QObject):
    unlocked = Signal(object)  # the Workspace, now owned by whoever receives it
    profile_missing = Signal()  # no profile in the folder: time for the first run

    def __init__(
        self,
        view: UnlockWindow,
        runner: TaskRunner,
        profile: Path,
        *,
        backoff: Backoff | None = None,
    ) -> None:
        super().__init__(view)
        self._view = view
        self._runner = runner
        self._profile = profile
        self._backoff = backoff or Backoff()
        self._failures = 0
        self._busy = False
        self._wait_until = 0.0
        self._tick = QTimer(self)
        self._tick.setInterval(200)
        self._tick.timeout.connect(self._count_down)
        view.set_profile_name(profile.name or str(profile))
        view.unlock_requested.connect(self._unlock)

    @property
    def failures(self) -> int:
        return self._failures

    def check_profile(self) -> None:
        """Say up front if the profile is missing or a demo (reads profile.json only)."""
        path = self._profile

        def probe() -> tuple[bool, bool, int]:
            exists = workspaces.profile_exists(path)
            failures = workspaces.failed_unlocks_since_last(path) if exists else 0
            return exists, workspaces.is_demo_profile(path), failures

        self._runner.run(probe, on_done=self._probed, on_error=self._view.show_message)

    def show_locked(self, reason: str) -> None:
        """Back to the lock screen: say why, and be ready for the passphrase."""
        self._view.clear_passphrase()
        self._view.show_message(reason, error=False)
        self._view.focus_passphrase()

    # -- unlocking ----------------------------------------------------------------------

    @Slot(str)
    def _unlock(self, passphrase: str) -> None:
        if self._busy or self._tick.isActive():
            return
        if not passphrase:
            self._view.show_message(tr("Enter your passphrase."))
            return
        self._busy = True
        self._view.show_message("")
        self._view.set_busy(True)
        path = self._profile

        def attempt() -> Workspace | _WrongPassphrase:
            # A wrong passphrase is an answer, not an error: it drives the back-off.
            try:
                return workspaces.unlock(path, passphrase)
            except WrongPassphraseError as exc:
                return _WrongPassphrase(str(exc))
            except workspaces.OfflineTooLongError as exc:
                return _sync_then_unlock(path, passphrase, str(exc))

        self._runner.run(attempt, on_done=self._attempted, on_error=self._failed)

    def _attempted(self, outcome: Workspace | _WrongPassphrase) -> None:
        self._busy = False
        self._view.set_busy(False)
        if isinstance(outcome, _WrongPassphrase):
            self._wrong(outcome.message)
            return
        self._failures = 0
        self._view.clear_passphrase()
        self._view.show_message("")
        self.unlocked.emit(outcome)

    def _failed(self, message: str) -> None:
        # Not a wrong passphrase (missing profile, damaged file, a bug): no back-off.
        self._busy = False
        self._view.set_busy(False)
        self._view.show_message(message)
        self._view.focus_passphrase()

    def _wrong(self, message: str) -> None:
        self._failures += 1
        self._view.clear_passphrase()
        self._view.show_message(message)
        self._view.focus_passphrase()
        delay = self._backoff.delay_after(self._failures)
        if delay > 0:
            logger.info("unlock back-off: %d failures, %.1f s", self._failures, delay)
            self._wait_until = time.monotonic() + delay
            self._tick.start()
            self._count_down()

    @Slot()
    def _count_down(self) -> None:
        left = self._wait_until - time.monotonic()
        if left <= 0:
            self._tick.stop()
            self._view.set_waiting(None)
            return
        self._view.set_waiting(math.ceil(left))

    @Slot(object)
    def _probed(self, result: tuple[bool, bool, int]) -> None:
        exists, demo, failures = result
        # Wrong passphrases before a restart still count: quitting does not reset the back-off.
        self._failures = max(self._failures, failures)
        self._view.set_demo(demo)
        if not exists:
            self.profile_missing.emit()
            self._view.show_message(
                tr(
                    "There is no OneRecord profile in {path}. "
                    "Create one with 'onerecord init', or choose another with --profile."
                ).format(path=self._profile)
            )


def _sync_then_unlock(path: Path, passphrase: str, why: str) -> Workspace:
    """A laptop that has been out of touch too long opens only after it syncs: try
    now, on the worker, and unlock for real if the server answered."""
    syncing = workspaces.unlock(path, passphrase, for_sync=True)
    try:
        outcome = run_sync(syncing)
    except BaseException:
        syncing.close()
        raise
    if outcome.revoked:
        wipe(syncing)
        raise OneRecordError(
            tr("This laptop's access was revoked: its records have been removed from it.")
        )
    syncing.close()
    if outcome.offline:
        raise OneRecordError(why)
    return workspaces.unlock(path, passphrase)
