"""The collector runs on the GUI thread only: a worker allocating past every
threshold collects nothing, and the GUI thread's check then frees the cycle there."""

from __future__ import annotations

import gc
import threading
from typing import ClassVar

from PySide6.QtWidgets import QApplication

from ui.kit.gui_gc import collect_on_gui_thread


class _Cycle:
    freed_in: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _Cycle.freed_in.append(threading.current_thread().name)


def test_a_worker_never_collects_and_the_gui_thread_does(qapp: QApplication) -> None:
    collector = collect_on_gui_thread(qapp)
    assert not gc.isenabled()
    assert collector.timer.isActive()
    _Cycle.freed_in.clear()

    kept: list[list[object]] = []

    def worker() -> None:
        cycle = _Cycle()
        del cycle  # unreachable now, but only the collector can free a cycle
        # Far past every generation's threshold (counted while they are alive).
        kept.extend([] for _ in range(50_000))

    thread = threading.Thread(target=worker, name="database-worker")
    thread.start()
    thread.join(10)
    assert _Cycle.freed_in == []
    assert collector.check() >= 1  # the youngest generation is far past its threshold
    kept.clear()
    assert _Cycle.freed_in == [threading.current_thread().name]
    assert threading.current_thread() is threading.main_thread()
