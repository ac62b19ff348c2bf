"""Hold the cyclic garbage collector while a bulk read builds many small objects.

Reading the outcome report's facts makes about a hundred thousand rows and facts; each
allocation burst starts a collection that walks every object alive, and on the
5,000-person caseload those walks were a third of the report's time
(`bench/outcomes.py`). The rows hold no reference cycles, so reference counting
frees them either way; the collector runs again as soon as the read ends.

Process-wide (the collector is), so nesting and threads are counted: the collector
is back on only when the last pause ends, and only if it was on before the first,
and never once the desktop has taken the collector over (`hand_over`): a pause begun
on a sync's thread before the window opened must not turn it back on after.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False
_handed_over = False


def hand_over() -> None:
    """From now on the collector is run by someone else (ui/kit/gui_gc.py collects on
    the GUI thread only): a pause ending never turns it back on."""
    global _handed_over
    with _lock:
        _handed_over = True


@contextmanager
def gc_paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled and not _handed_over:
                gc.enable()
