"""Sync from the desktop: on demand (Sync now, F5), quietly on a timer and once
after unlocking, never two at once, never on the GUI thread.

The sync runs on the network lane (`ops.network`): its requests there, every
profile access a short store step on the database lane, so a note saved during a
slow sync waits for one step at most, never for the server. Its progress callback
runs on the network thread and only emits a signal; Qt queues it to the GUI
thread, where the status bar's progress bar is updated. An unreachable server is
"offline", not a dialog; a revoked laptop is reported with `revoked`, and the app
wipes it. Changes the server refused and pulled changes kept aside are counted in
the status bar, and listed with their reasons in the Sync problems dialog (read on
the database lane, closed on lock).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.services.changes import PulledChanges
from app.store_step import StoreStep
from app.workspace import Workspace
from sync.client.problems import list_problems
from sync.client.status import SyncOutcome, SyncState, run_sync, sync_state
from ui.i18n import tr
from ui.kit.operations import Operations
from ui.main_window import MainWindow
from ui.sync.sync_problems_dialog import SyncProblemsDialog

logger = logging.getLogger(__name__)

DEFAULT_SYNC_INTERVAL_MS = 5 * 60_000


class SyncController(QObject):
    # Emitted on the network thread; queued to the GUI thread (this object lives there).
    _progress = Signal(int, str, int, int)
    # After a sync that reached the server: whose records it changed.
    synced = Signal(PulledChanges)
    revoked = Signal(str)  # the server revoked this laptop: its plain message
    conflicts_changed = Signal(int)
    running_changed = Signal(bool)

    def __init__(
        self,
        ops: Operations,
        window: MainWindow,
        *,
        interval_ms: int = DEFAULT_SYNC_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._window = window
        self._enrolled = False
        self._running = False
        self._again = False  # Sync now pressed during a sync: one more straight after
        self._generation = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._progress.connect(self._show_progress)
        self.problems_dialog: SyncProblemsDialog | None = None
        window.sync_problems_requested.connect(self.open_problems)

    @property
    def enrolled(self) -> bool:
        return self._enrolled

    @property
    def running(self) -> bool:
        return self._running

    @property
    def timer(self) -> QTimer:
        return self._timer

    # -- unlock and lock ----------------------------------------------------------------

    def start(self, *, sync_now: bool = True) -> None:
        """After unlocking: read the state, and if enrolled start the timer and sync once."""
        self._generation += 1
        generation = self._generation

        def known(state: SyncState) -> None:
            if generation != self._generation:
                return
            self._show_state(state, online=None)
            if state.enrolled:
                self._timer.start()
                if sync_now:
                    self.sync(quiet=True)

        self._ops.read(sync_state, on_done=known)

    def stop(self) -> None:
        """On lock: no more syncs from here; answers still on their way are dropped."""
        self._generation += 1
        self._timer.stop()
        self._enrolled = False
        self._again = False
        dialog, self.problems_dialog = self.problems_dialog, None
        if dialog is not None:
            dialog.model.clear()
            dialog.reject()
        if self._running:
            self._running = False
            self.running_changed.emit(False)
        self._window.hide_sync_progress()

    def refresh(self) -> None:
        """Re-read last sync, pending changes and conflicts (after resolving one, say)."""
        generation = self._generation
        self._ops.read(
            sync_state,
            on_done=lambda state: (
                self._show_state(state, online=None) if generation == self._generation else None
            ),
        )

    # -- sync problems -------------------------------------------------------------------

    @Slot()
    def open_problems(self) -> SyncProblemsDialog | None:
        """The list of refused and kept-aside changes, with their reasons."""
        if not self._ops.unlocked:
            return None
        if self.problems_dialog is None:
            dialog = SyncProblemsDialog(self._window)
            dialog.finished.connect(lambda _result: self._forget_problems(dialog))
            self.problems_dialog = dialog
        self.reload_problems()
        self.problems_dialog.open()
        self.problems_dialog.raise_()
        return self.problems_dialog

    def reload_problems(self) -> None:
        dialog = self.problems_dialog
        if dialog is None:
            return
        self._ops.read(
            list_problems,
            on_done=lambda found: (
                dialog.set_problems(found) if dialog is self.problems_dialog else None
            ),
            on_error=dialog.show_error,
        )

    def _forget_problems(self, dialog: SyncProblemsDialog) -> None:
        if self.problems_dialog is dialog:
            self.problems_dialog = None
            dialog.model.clear()

    # -- syncing ------------------------------------------------------------------------

    @Slot()
    def sync_now(self) -> None:
        self.sync(quiet=False)

    @Slot()
    def _tick(self) -> None:
        self.sync(quiet=True)

    def sync(self, *, quiet: bool) -> bool:
        """Start a sync; False if locked or not enrolled. During a sync, Sync now queues
        one more straight after it (changes made meanwhile go too); the timer does not."""
        if not self._enrolled or not self._ops.unlocked:
            return False
        if self._running:
            self._again = self._again or not quiet
            return True
        generation = self._generation
        self._running = True
        self.running_changed.emit(True)
        self._window.sync_action.setEnabled(False)
        if not quiet:
            self._window.show_sync_progress(0, 0)
            self._window.show_note(tr("Syncing…"))

        def progress(stage: str, done: int, total: int) -> None:
            self._progress.emit(generation, stage, done, total)  # network thread: signal only

        def job(workspace: Workspace, on_store: StoreStep) -> SyncOutcome:
            return run_sync(workspace, progress, on_store=on_store)

        started = self._ops.network(
            job,
            on_done=lambda outcome: self._finished(generation, outcome, quiet=quiet),
            on_error=lambda message: self._failed(generation, message, quiet=quiet),
        )
        if not started:
            self._end()
        return started

    @Slot(int, str, int, int)
    def _show_progress(self, generation: int, _stage: str, done: int, total: int) -> None:
        if generation != self._generation or not self._running:
            return
        if total > 0:  # a sync with something to move: show it, quiet or not
            self._window.show_sync_progress(done, total)

    def _finished(self, generation: int, outcome: SyncOutcome, *, quiet: bool) -> None:
        if generation != self._generation:
            return
        self._end()
        if outcome.revoked is not None:
            self.stop()
            self.revoked.emit(outcome.revoked)
            return
        self._show_state(outcome.state, online=not outcome.offline)
        if outcome.offline and not quiet:
            self._window.show_note(
                tr(
                    "The server could not be reached: your changes are kept on this laptop "
                    "and will sync next time."
                )
            )
        if outcome.report is not None:
            report = outcome.report
            if new := len(report.refused) + len(report.kept_aside):
                # Said even after a quiet sync: the user should know soon, not find out.
                self._window.show_problem(
                    tr(
                        "Synced, but {count} change(s) could not be synced: select the "
                        "count in the status bar to see why."
                    ).format(count=f"{new:,}")
                )
            elif not quiet:
                self._window.show_note(tr("Synced."))
            self.synced.emit(report.pulled_changes())
        self._repeat()

    def _failed(self, generation: int, message: str, *, quiet: bool) -> None:
        if generation != self._generation:
            return
        self._end()
        if not quiet:
            self._window.show_problem(message)
        else:
            logger.info("a background sync did not complete")
        self.refresh()
        self._repeat()

    def _end(self) -> None:
        self._running = False
        self.running_changed.emit(False)
        self._window.hide_sync_progress()
        self._window.sync_action.setEnabled(self._enrolled)

    def _repeat(self) -> None:
        if self._again:
            self._again = False
            self.sync(quiet=False)

    def _show_state(self, state: SyncState, *, online: bool | None) -> None:
        self._enrolled = state.enrolled
        window = self._window
        window.set_enrolled(state.enrolled and not self._running)
        window.set_team_server(state.enrolled)
        window.last_sync_label.setVisible(state.enrolled)
        if state.enrolled:
            window.set_last_sync(state.last_sync)
        if online is not None:
            window.set_connection(online=online, last_sync=state.last_sync)
        window.set_pending(state.pending)
        window.set_conflicts(state.conflicts)
        window.set_sync_problems(state.refused, state.kept_aside)
        self.reload_problems()
        self.conflicts_changed.emit(state.conflicts)
