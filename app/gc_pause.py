"""Hold the cyclic garbage collector while a bulk read or write builds many small objects.

Reading the outcome report's facts makes about a hundred thousand rows and facts; each
allocation burst starts a collection that walks every object alive, and on the
5,000-person caseload those walks were a third of the report's time
(`bench/outcomes.py`). A server's push or pull of 2,000 changes is the same: its
models and rows hold no reference cycles, and the collections they set off were an
eighth of the server's time (`bench/server_sync.py`). Reference counting frees such
objects either way; the collector runs again as soon as the work ends.

Process-wide (the collector is), so nesting and threads are counted: the collector
is back on only when the last pause ends, and only if it was on before the first,
and never once the desktop has taken the collector over (`hand_over`): a pause begun
on a sync's thread before the window opened must not turn it back on after.

A server answers many laptops at once, and under steady load their pauses could
overlap for ever, so cycles made meanwhile (an error's traceback, say) would never be
collected. Once the collector has been held for `HELD_AT_MOST` seconds, the pause that
ends then collects before it returns (never in the desktop, which collects on its GUI
thread only: ui/kit/gui_gc.py).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

HELD_AT_MOST = 10.0

_lock = threading.Lock()
_depth = 0
_was_enabled = False
_handed_over = False
_held_since = 0.0


def hand_over() -> None:
    """From now on the collector is run by someone else (ui/kit/gui_gc.py collects on
    the GUI thread only): a pause ending never turns it back on."""
    global _handed_over
    with _lock:
        _handed_over = True


@contextmanager
def gc_paused() -> Iterator[None]:
    global _depth, _was_enabled, _held_since
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            _held_since = time.monotonic()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        collect = False
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _was_enabled and not _handed_over:
                    gc.enable()
            elif _was_enabled and not _handed_over:
                now = time.monotonic()
                collect = now - _held_since > HELD_AT_MOST
        if collect:
            gc.collect()
            with _lock:
                # Held for another HELD_AT_MOST from now, not counting the collection.
                _held_since = time.monotonic()
