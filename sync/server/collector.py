"""The cyclic garbage collector paused around work that makes many objects at once."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_quiet_lock = threading.Lock()
_quiet_readers = 0
_was_collecting = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector paused, as while the outcome report's facts are made: they
    are hundreds of thousands of small objects with no cycles, and its passes over
    the growing heap cost more than making them (measured: about half the time for
    5,000 people). Counted, so two reports at once on the server's threads never
    leave it paused; reference counting still frees what is dropped meanwhile."""
    global _quiet_readers, _was_collecting
    with _quiet_lock:
        _quiet_readers += 1
        if _quiet_readers == 1:
            _was_collecting = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_readers -= 1
            if _quiet_readers == 0 and _was_collecting:
                gc.enable()
