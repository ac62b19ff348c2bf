"""One request run on a thread of its own while the sync's own thread works on the
store (sync/client/session.py: the next pull page asked for, the next push batch
sent). A daemon thread: the app never waits for the network to quit, whatever a
request left behind is doing (a pool's worker threads are joined at exit)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")


def in_background(name: str, work: Callable[[], T]) -> Future[T]:
    """`work()` started now on a daemon thread named `name`; its answer or error is the
    future's. Cancelling it only stops its answer from being waited for."""
    future: Future[T] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(work())
        except BaseException as exc:
            future.set_exception(exc)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future
