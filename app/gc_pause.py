"""Hold the cyclic garbage collector while a bulk read builds many small objects.

Reading the outcome report's facts makes about a hundred thousand rows and facts; each
allocation burst starts a collection that walks every object alive, and on the
5,000-person caseload those walks were a third of the report's time
(`bench/outcomes.py`). The rows hold no reference cycles, so reference counting
frees them either way; the collector runs again as soon as the read ends.

Process-wide (the collector is), so nesting and threads are counted: the collector
is back on only when the last pause ends, and only if it was on before the first.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


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
            if _depth == 0 and _was_enabled:
                gc.enable()
