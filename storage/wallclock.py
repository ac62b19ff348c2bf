"""The one wall clock every layer reads, with the seam that lets tests live on another day.

Real UTC time, unless ``ONERECORD_CLOCK_DATE=YYYY-MM-DD`` is set: then the clock is moved
by whole days so that England's calendar reads that date, and the time of day keeps
running. CI runs the date-sensitive suites again as of 29 February 2028 and a 31 December
through this variable (scripts/test); a test that needs one date fixes it with the same
variable (or passes ``as_of``). Every process of one run agrees on the day, because the
shift is whole days, not a frozen instant: a CLI started by a test reads the same today.

The hybrid logical clock of the change journal (storage/hlc.py) deliberately reads the
real clock: its stamps order changes between replicas and are checked against the
server's real time, so a shifted calendar must not move them.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

LOCAL = ZoneInfo("Europe/London")
CLOCK_DATE = "ONERECORD_CLOCK_DATE"

_shift: tuple[str, timedelta] | None = None


def _offset() -> timedelta:
    global _shift
    wanted = os.environ.get(CLOCK_DATE, "")
    if not wanted:
        return timedelta(0)
    if _shift is None or _shift[0] != wanted:
        try:
            target = date.fromisoformat(wanted)
        except ValueError:
            raise ValueError(f"{CLOCK_DATE} must be a date written YYYY-MM-DD") from None
        real_today = datetime.now(LOCAL).date()
        _shift = (wanted, timedelta(days=(target - real_today).days))
        logger.info("the clock is moved to another day for testing (%s)", CLOCK_DATE)
    return _shift[1]


def utcnow() -> datetime:
    """Now, timezone-aware UTC (moved by the test seam when it is set)."""
    return datetime.now(UTC) + _offset()


def today() -> date:
    """England's calendar date now."""
    return utcnow().astimezone(LOCAL).date()
