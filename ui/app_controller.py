"""The app's two states, locked and unlocked, and the moves between them.

Locked: only the unlock window exists on screen and no Workspace is held.
Unlocked: the main window shows the caseload and the idle watcher runs. Locking
(Ctrl+L or idle) empties every widget first, then closes the Workspace on the
task runner, which drops the database key; only the search, sort and scroll
position survive, in memory, so unlocking returns the user to where they were.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Slot

from app.services import caseload
from app.values.vocab import Role
from app.workspace import Workspace
from ui.caseload_controller import CaseloadController, CaseloadState
from ui.caseload_model import CaseloadModel
from ui.i18n import tr
from ui.idle import DEFAULT_IDLE_MS, IdleWatcher
from ui.main_window import MainWindow
from ui.tasks import TaskRunner
from ui.unlock_controller import Backoff, UnlockController
from ui.unlock_window import UnlockWindow

logger = logging.getLogger(__name__)


class AppController(QObject):
    def __init__(
        self,
        runner: TaskRunner,
        profile: Path,
        *,
        idle_ms: int = DEFAULT_IDLE_MS,
        backoff: Backoff | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.unlock_window = UnlockWindow()
        self.unlock = UnlockController(self.unlock_window, runner, profile, backoff=backoff)
        self.model = CaseloadModel(runner, parent=self)
        self.main_window = MainWindow(self.model)
        self.caseload = CaseloadController(self.model, self.main_window.caseload)
        self.idle = IdleWatcher(idle_ms, parent=self)
        self._workspace: Workspace | None = None
        self._saved = CaseloadState()

        self.unlock.unlocked.connect(self._unlocked)
        self.main_window.lock_requested.connect(lambda: self.lock(tr("Locked.")))
        self.idle.idle.connect(self._idle)
        runner.unhandled_error.connect(self._problem)

    @property
    def unlocked(self) -> bool:
        return self._workspace is not None

    def start(self) -> None:
        self.unlock_window.show()
        self.unlock_window.focus_passphrase()
        self.unlock.check_profile()

    def lock(self, reason: str) -> None:
        if not self._release():
            return
        self.unlock_window.show()
        self.unlock_window.raise_()
        self.unlock_window.activateWindow()
        self.unlock.show_locked(reason)
        logger.info("locked")

    def shutdown(self) -> None:
        """Lock without showing anything, then wait for the worker (the close included)."""
        self._release()
        self.runner.shutdown()
        self.main_window.close()
        self.unlock_window.close()

    def _release(self) -> bool:
        """Empty the windows and close the Workspace; False if already locked."""
        workspace, self._workspace = self._workspace, None
        if workspace is None:
            return False
        self.idle.stop()
        # Widgets first: from here on nothing identifiable is on screen or in a model.
        self._saved = self.caseload.close()
        self.main_window.clear_session()
        self.main_window.hide()
        # Queued behind any fetch still running, so nothing uses the engine after this.
        self.runner.run(workspace.close, on_error=self._problem)
        return True

    @Slot(object)
    def _unlocked(self, workspace: Workspace) -> None:
        self._workspace = workspace
        self.main_window.set_session(
            demo=workspace.demo, signed_in_as=_signed_in_as(workspace, workspace.user_name)
        )
        self.caseload.open(partial(caseload.fetch, workspace), self._saved)
        self.main_window.show()
        self.main_window.raise_()
        self.main_window.activateWindow()
        self.main_window.caseload.search.setFocus()
        self.unlock_window.hide()
        self.idle.start()
        logger.info("unlocked")

    @Slot()
    def _idle(self) -> None:
        minutes = max(1, round(self.idle.timeout_ms / 60_000))
        reason = tr("Locked after {minutes} minutes without use.").format(minutes=minutes)
        if minutes == 1:
            reason = tr("Locked after 1 minute without use.")
        self.lock(reason)

    @Slot(str)
    def _problem(self, message: str) -> None:
        if self.unlocked:
            self.main_window.show_problem(message)
        else:
            self.unlock_window.show_message(message)


def _signed_in_as(workspace: Workspace, name: str | None) -> str:
    role = workspace.actor.role
    try:
        label = Role(role).label if role else ""
    except ValueError:
        label = role or ""
    who = ", ".join(part for part in (name, label) if part)
    return tr("Signed in as: {who}").format(who=who) if who else tr("Signed in")
