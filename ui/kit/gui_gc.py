"""Python's cyclic garbage collector run on the GUI thread only.

Left to itself, the collector runs in whichever thread happens to allocate past its
threshold: often the database worker. A cycle holding a Qt object (a dialog and a
lambda connected to its own signal, say) is then destroyed from that thread, and Qt
objects must die on the thread that owns them: CI saw the test process crash with a
segmentation fault in "Garbage-collecting" on the worker, inside a draft's save.
So the GUI process turns automatic collection off and collects here, on a timer on
the GUI thread, by the same per-generation thresholds the collector would use (the
recipe PyQt's and Anki's authors use). Reference counting still frees everything
that is not in a cycle at once, on any thread.
"""

from __future__ import annotations

import gc
import logging

from PySide6.QtCore import QObject, QTimer

from app.gc_pause import hand_over

logger = logging.getLogger(__name__)

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        hand_over()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> int:
        """Collect the generations past their thresholds, youngest first (as the
        collector itself would); how many objects were found unreachable."""
        young, middle, old = gc.get_count()
        found = 0
        if young > self.threshold[0]:
            found += gc.collect(0)
            if middle > self.threshold[1]:
                found += gc.collect(1)
                if old > self.threshold[2]:
                    found += gc.collect(2)
        return found


_installed: GuiThreadCollector | None = None


def collect_on_gui_thread(app: QObject) -> GuiThreadCollector:
    """Install once per process (the application is its parent: it lives as long)."""
    global _installed
    if _installed is None:
        _installed = GuiThreadCollector(app)
    gc.disable()  # and off, whatever turned it on meanwhile
    return _installed
