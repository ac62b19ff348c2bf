"""The usual report periods: each a run of whole days that never ends after today,
the financial year from 1 April, the quarter a calendar quarter, on any day
(29 February included); a typed period refused in one plain line."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import InvalidInputError
from app.reports.outcomes.periods import KEYS, chosen, named, periods


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)))
def test_every_usual_period_holds_on_any_day(today: date) -> None:
    last_12, last_quarter, this_year, last_year = periods(today)
    for period in (last_12, last_quarter, this_year, last_year):
        assert period.start <= period.end <= today
    assert 365 <= (last_12.end - last_12.start).days + 1 <= 366
    assert last_12.end == today
    # A calendar quarter: starts on the 1st of Jan/Apr/Jul/Oct, ends the day before the next.
    assert last_quarter.start.day == 1 and last_quarter.start.month in (1, 4, 7, 10)
    assert (last_quarter.end + timedelta(days=1)).month in (1, 4, 7, 10)
    assert (last_quarter.end + timedelta(days=1)).day == 1
    assert last_quarter.end < today <= last_quarter.end + timedelta(days=92)
    # The financial year: 1 April to 31 March, this one containing today.
    assert (this_year.start.month, this_year.start.day) == (4, 1)
    assert this_year.start <= today < this_year.start.replace(year=this_year.start.year + 1)
    assert last_year.start == this_year.start.replace(year=this_year.start.year - 1)
    assert last_year.end == this_year.start - timedelta(days=1)


def test_named_days() -> None:
    today = date(2028, 2, 29)
    assert named("last-12-months", today).start == date(2027, 3, 1)
    assert named("last-quarter", today).start == date(2027, 10, 1)
    assert named("last-quarter", today).end == date(2027, 12, 31)
    assert named("this-financial-year", today).start == date(2027, 4, 1)
    assert named("last-financial-year", date(2026, 4, 1)).end == date(2026, 3, 31)
    assert named("last-financial-year", date(2026, 3, 31)).start == date(2024, 4, 1)


def test_typed_periods_are_checked_before_anything_is_read() -> None:
    today = date(2026, 12, 5)
    assert chosen("2026-04-01", "2026-06-30", None, today).end == date(2026, 6, 30)
    assert chosen(None, None, "last-quarter", today).start == date(2026, 7, 1)
    refusals = {
        ("2026-04-01", "2026-03-01", None): "The 'to' date is before the 'from' date.",
        ("2026-04-01", None, "last-quarter"): "Give either --period or --from and --to, not both.",
        (None, "2026-04-01", None): "Give the period: --from and --to, or --period (",
        (None, None, "next-year"): "There is no period called next-year: choose one of ",
    }
    for (start, end, key), message in refusals.items():
        with pytest.raises(InvalidInputError) as refused:
            chosen(start, end, key, today)
        assert str(refused.value).startswith(message)
    assert set(KEYS) == {p.key for p in periods(today)}
