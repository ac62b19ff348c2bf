"""Reading a record's values as the outcome facts need them (a date, a code, a whole
number, a time): ValueError or TypeError when a value cannot be read so. And a contact
note's time as the first-contact rule needs it (`contact_of`), worked out once when
the note is kept (`outcome_records`) or read from the journal (`outcome_journal`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.reports.outcomes.facts import contact_day

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def day(value: Any) -> date:
    if not isinstance(value, str):
        raise TypeError("not a date")
    return date.fromisoformat(value)


def maybe_day(value: Any) -> date | None:
    return None if value is None else day(value)


def code(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a code")
    return value


def maybe_code(value: Any) -> str | None:
    return None if value is None else code(value)


def maybe_int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("not a whole number")
    return int(value)


def moment(value: Any) -> datetime:
    """A stored time as the laptop's tables hold it: aware, in UTC."""
    if not isinstance(value, str):
        raise TypeError("not a time")
    found = datetime.fromisoformat(value)
    if found.tzinfo is None:
        raise ValueError("a time without its zone")
    return found.astimezone(UTC)


def contact_of(value: Any) -> tuple[int, int] | None:
    """A note's time as stored, as (microseconds since 1970 in UTC, the day on
    England's calendar as an ordinal: `facts.contact_day`), so a person's first
    contact after each referral is found among plain numbers; None: not a time
    (`moment`), or one beyond the calendar's ends."""
    try:
        at = moment(value)
        return (at - EPOCH) // MICROSECOND, contact_day(at).toordinal()
    except (ValueError, TypeError, OverflowError):
        return None


def at_of(micros: int) -> datetime:
    """The time `contact_of` gave as microseconds, as `moment` read it (aware, UTC)."""
    return EPOCH + timedelta(microseconds=micros)
