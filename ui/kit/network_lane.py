"""The network lane: talking to the server on a thread of its own, so the database
lane (ui/kit/tasks.py) is never held while a slow server thinks (as Anki keeps
collection and non-collection work apart).

A job here reaches the profile only through store steps that Operations queues on
the database lane and waits for (app/store_step.py), so saving a visit note during
a stalled sync goes in between two steps, not behind the whole sync. Results
come back to the GUI thread as the database lane's do (`Lane`).

Locking abandons the worker rather than waiting for it: a request stuck on a dead
link is left to time out on its own daemon thread, which delivers nothing and,
its store steps being cancelled, touches nothing; the next job gets a fresh
worker. Quitting does the same, so the app never waits on the network to close.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from PySide6.QtCore import QObject

from ui.kit.tasks import Lane

logger = logging.getLogger(__name__)

T = TypeVar("T")

THREAD_NAME = "onerecord-net"

_Job = tuple[Callable[[], Any], Callable[[Any], None] | None, Callable[[str], None] | None]


class _Worker:
    """One daemon thread and its queue; abandoned, it runs nothing more it was given."""

    def __init__(self, lane: NetworkLane) -> None:
        self.jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self.abandoned = threading.Event()
        self._lane = lane
        self.thread = threading.Thread(target=self._work, name=THREAD_NAME, daemon=True)
        self.thread.start()

    def _work(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None or self.abandoned.is_set():
                return
            fn, on_done, on_error = job
            future: Future[Any] = Future()
            future.set_running_or_notify_cancel()
            try:
                future.set_result(fn())
            except BaseException as exc:  # reported on the GUI thread, as tasks do
                future.set_exception(exc)
            if self.abandoned.is_set():
                # Locked or quitting meanwhile: nobody is listening, and whatever went
                # wrong (a store step refused after the lock, most likely) is expected.
                ended = future.exception()
                if ended is not None:
                    logger.debug("an abandoned network job ended in %s", type(ended).__name__)
                return
            try:
                self._lane._finished(future, on_done, on_error)
            except RuntimeError:
                return  # the lane went with the app while this job ran


class NetworkLane(Lane):
    """Runs network jobs one after another on a daemon thread, "onerecord-net"."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker: _Worker | None = None
        self._open = True

    @property
    def running(self) -> bool:
        return self._open

    def run(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        """Queue `fn` on the network thread; `on_done(result)` or `on_error(message)`
        follow on the GUI thread (a StepCancelled is silent)."""
        if not self._open:
            raise RuntimeError("the network lane has been shut down")
        if self._worker is None:
            self._worker = _Worker(self)
        self._worker.jobs.put((fn, on_done, on_error))

    def abandon(self) -> None:
        """On lock: drop what is queued, leave the job in hand to finish unheard (never
        waited for), and give the next job a fresh thread."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.abandoned.set()
            worker.jobs.put(None)

    def shutdown(self) -> None:
        """On quit: as on lock, and nothing more is taken. Never waits."""
        self._open = False
        self.abandon()
