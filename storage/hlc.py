"""Hybrid logical clock stamps for the change journal.

A stamp packs wall-clock milliseconds and a logical counter into one integer,
so stamps sort numerically, survive a laptop clock that jumps backwards, and
stay close to real time. Ties between devices break on the device id.
"""

from __future__ import annotations

import time
from collections.abc import Callable

COUNTER_BITS = 16
_COUNTER_MAX = (1 << COUNTER_BITS) - 1
# No real clock reaches this (wall time in the year 4199), and a replica that
# observes it still has half the 63-bit range to tick in: a stamp above it could
# overflow the journal's BIGINT on the next tick, so a push carrying it is refused.
MAX_STAMP = 1 << 62
DAY_MS = 24 * 60 * 60 * 1000
# How far ahead of this clock a stamp from elsewhere may be and still be believed.
# A stamp beyond it (a wrong clock, or a row made by hand: 2**63-1 once stopped
# every laptop that pulled it from writing, and so from unlocking) is never used
# as the clock's starting point, and a pulled change carrying one is kept aside.
FUTURE_LIMIT_MS = DAY_MS


def pack(wall_ms: int, counter: int) -> int:
    return (wall_ms << COUNTER_BITS) | counter


def unpack(stamp: int) -> tuple[int, int]:
    return stamp >> COUNTER_BITS, stamp & _COUNTER_MAX


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


def wall_ms() -> int:
    """This replica's wall clock as stamps read it (milliseconds since 1970, UTC)."""
    return _wall_ms()


def ceiling(wall_ms: int | None = None) -> int:
    """The greatest stamp this replica believes now: a day ahead of its wall clock."""
    return pack((_wall_ms() if wall_ms is None else wall_ms) + FUTURE_LIMIT_MS, _COUNTER_MAX)


class HybridClock:
    def __init__(self, last: int = 0, wall_ms: Callable[[], int] | None = None) -> None:
        self._last = last
        # None: this module's clock, read when ticking (not when the class was made), so
        # a test that sets a laptop's clock wrong reaches every clock the stores build.
        self._wall_ms = wall_ms or (lambda: _wall_ms())

    @property
    def last(self) -> int:
        return self._last

    def tick(self) -> int:
        """A stamp greater than every stamp this clock has issued or observed."""
        last_ms, counter = unpack(self._last)
        now = self._wall_ms()
        if now > last_ms:
            self._last = pack(now, 0)
        elif counter < _COUNTER_MAX:
            self._last = pack(last_ms, counter + 1)
        else:
            self._last = pack(last_ms + 1, 0)
        return self._last

    def observe(self, remote: int) -> int:
        """Merge a stamp from another replica so later local stamps sort after it."""
        if remote > self._last:
            self._last = remote
        return self.tick()
