"""Local time for a service used in England: 'today' and its bounds in UTC.

Every time in the store is UTC; what counts as today, and how a time reads on
screen, is England's wall clock (Europe/London, with summer time), whatever
zone the laptop happens to be set to. Both read storage/wallclock.py, the one clock
(and the one seam tests move it by).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from storage import wallclock
from storage.wallclock import LOCAL

__all__ = ["LOCAL", "at_local", "day_bounds", "local", "now", "today"]


def now() -> datetime:
    return wallclock.utcnow()


def today() -> date:
    return wallclock.today()


def local(value: datetime) -> datetime:
    """A stored UTC time on England's wall clock."""
    return value.astimezone(LOCAL)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day, as UTC datetimes."""
    start = datetime.combine(day, time(0, 0), tzinfo=LOCAL)
    end = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=LOCAL)
    return start.astimezone(UTC), end.astimezone(UTC)


def at_local(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in England on `day`, as a UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL).astimezone(UTC)
