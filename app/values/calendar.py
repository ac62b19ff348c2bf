"""Calendar arithmetic the record's rules share."""

from __future__ import annotations

from datetime import date


def a_year_before(day: date) -> date:
    """The same day a year earlier; from 29 February, the 28th."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February: a year before is the 28th
        return date(day.year - 1, 2, 28)
