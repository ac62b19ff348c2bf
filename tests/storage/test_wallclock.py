"""The one wall clock and its seam: a whole run can live on another day (scripts/test
re-runs the date-sensitive suites as of a leap day and a 31 December through it)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.services import clock
from storage import wallclock
from storage.tables.base import utcnow


def test_the_seam_moves_the_calendar_and_time_keeps_running(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(wallclock.CLOCK_DATE, "2028-02-29")
    first = clock.now()
    assert clock.today() == date(2028, 2, 29)
    assert wallclock.today() == date(2028, 2, 29)
    # Stamps the store writes (recorded_at) read the same clock.
    assert abs(utcnow() - first) < timedelta(seconds=5)
    assert clock.now() >= first
    # Whole days: the time of day is the real one.
    real = datetime.now(UTC)
    assert abs((first - real).total_seconds()) % 86400 < 5 or (
        86400 - abs((first - real).total_seconds()) % 86400 < 5
    )


def test_a_new_day_is_read_when_the_setting_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(wallclock.CLOCK_DATE, "2030-12-31")
    assert clock.today() == date(2030, 12, 31)
    monkeypatch.setenv(wallclock.CLOCK_DATE, "2031-01-01")
    assert clock.today() == date(2031, 1, 1)
    monkeypatch.delenv(wallclock.CLOCK_DATE)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_a_malformed_date_is_said_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(wallclock.CLOCK_DATE, "29/02/2028")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        clock.today()
