"""Small helpers every demo builder shares: seeded ids, local times, drama-range phones."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

Row = dict[str, object]


def new_id(rng: random.Random) -> str:
    """A version-4 UUID drawn from the seeded generator, so a seed repeats its ids."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def local_dt(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in England on `day`, as a timezone-aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def start_of_day_utc(day: date) -> datetime:
    return local_dt(day, 0, 0)


def weekday_on_or_before(day: date) -> date:
    """Move a Saturday or Sunday back to the Friday before."""
    wd = day.weekday()
    return day - timedelta(days=wd - 4) if wd > 4 else day


# Ofcom's ranges reserved for drama: never a real subscriber's number.
def landline(rng: random.Random) -> str:
    return f"01632 960{rng.randrange(1000):03d}"


def mobile(rng: random.Random) -> str:
    return f"07700 900{rng.randrange(1000):03d}"


def freephone(rng: random.Random) -> str:
    return f"0808 157 0{rng.randrange(1000):03d}"


def phone(rng: random.Random) -> str:
    return landline(rng) if rng.random() < 0.55 else mobile(rng)
