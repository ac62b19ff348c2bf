"""One task runner, one database lane (as Anki's taskman).

Every call that touches the encrypted profile runs here, on a single worker
thread, so the SQLCipher connection is only ever used from one thread and the
GUI thread never waits for Argon2 or SQL. Results hop back to the GUI thread
through a queued Qt signal; callbacks therefore run on the GUI thread and may
touch widgets. Talking to the server has a lane of its own
(ui/kit/network_lane.py), which delivers the same way (`Lane`) and reaches the
profile only in short store steps queued here (`submit`).

Errors come in the three kinds of STYLE.md pattern 8:

* cancelled (the runner shut down first): silent;
* user-facing (`OneRecordError`): its plain message goes to `on_error`;
* a bug (anything else): logged by kind and place only (never the message,
  which may quote patient data) and shown once as `BUG_MESSAGE`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot

from app.errors import OneRecordError
from app.logging_setup import log_bug
from ui.i18n import tr

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Translated when shown (tr() at import time would run before any translator loads).
BUG_MESSAGE = (
    "Something went wrong. The problem was logged without any personal details. "
    "Please try again; if it keeps happening, tell IT support."
)


class Lane(QObject):
    """A worker lane's way back to the GUI thread: results, errors and bugs."""

    # Carries a closure from the worker to the GUI thread. Emitted on the worker,
    # received on the GUI thread: Qt queues it because this object lives there.
    _deliver = Signal(object)
    # A task failed and nobody asked to hear about it (no on_error): the app shows it.
    unhandled_error = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Always queued, even when a task finishes before run() returns, so callbacks
        # never run in the middle of the code that queued them.
        self._deliver.connect(self._on_deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        raise NotImplementedError

    def run(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> object:
        """Queue `fn`; `on_done(result)` or `on_error(message)` follow on the GUI thread."""
        raise NotImplementedError

    # -- worker thread ------------------------------------------------------------------

    def _finished(
        self,
        future: Future[T],
        on_done: Callable[[T], None] | None,
        on_error: Callable[[str], None] | None,
    ) -> None:
        # Runs on the worker thread (or wherever the future was cancelled): decide
        # what to say here, but leave every callback for the GUI thread.
        try:
            result = future.result()
        except CancelledError:
            return
        except OneRecordError as exc:
            message = str(exc)
            self._deliver.emit(lambda: self._report(message, on_error))
            return
        except Exception as exc:
            log_bug(exc)
            self._deliver.emit(lambda: self._report(tr(BUG_MESSAGE), on_error))
            return
        if on_done is not None:
            self._deliver.emit(lambda: on_done(result))

    # -- GUI thread ---------------------------------------------------------------------

    @Slot(object)
    def _on_deliver(self, closure: Callable[[], None]) -> None:
        if not self.running:
            return  # shut down: the windows these callbacks would update are gone
        try:
            closure()
        except Exception as exc:
            # A bug in a callback must not take the event loop down with it.
            log_bug(exc)
            self.unhandled_error.emit(tr(BUG_MESSAGE))

    def _report(self, message: str, on_error: Callable[[str], None] | None) -> None:
        if on_error is not None:
            on_error(message)
        else:
            self.unhandled_error.emit(message)


class TaskRunner(Lane):
    """Runs functions one after another on the database worker thread."""

    THREAD_NAME = "onerecord-db"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread_id: int | None = None
        self._executor: ThreadPoolExecutor | None = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix=self.THREAD_NAME, initializer=self._started
        )

    def _started(self) -> None:
        self._thread_id = threading.get_ident()

    @property
    def running(self) -> bool:
        return self._executor is not None

    def on_worker(self) -> bool:
        """Whether the caller is this runner's worker thread (a step inside a task)."""
        return self._thread_id == threading.get_ident()

    def run(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> Future[T]:
        """Queue `fn` on the worker; `on_done(result)` or `on_error(message)` follow on the GUI
        thread."""
        if self._executor is None:
            raise RuntimeError("the task runner has been shut down")
        future = self._executor.submit(fn)
        future.add_done_callback(lambda f: self._finished(f, on_done, on_error))
        return future

    def shutdown(self, *, cancel_pending: bool = False) -> None:
        """Wait for the worker to finish, then deliver nothing more.

        Queued tasks still run unless `cancel_pending` (closing the Workspace is
        usually among them, and must happen); their callbacks are dropped, since
        the windows they would update are going away.
        """
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=cancel_pending)

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        """Queue `fn` with no callbacks: the caller waits for the future itself (a store
        step from the network lane). RuntimeError once shut down."""
        if self._executor is None:
            raise RuntimeError("the task runner has been shut down")
        return self._executor.submit(fn)
