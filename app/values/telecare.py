"""When a piece of telecare equipment is next due its test: the one rule the record,
the team's list of tests due and the printed plan all use.

Due `test_every_days` after it was last tested (or, never tested, after it was
installed). Removed equipment is never due; equipment with neither date cannot say
when it is due (None), and is not counted overdue: the record says "test date not
known" instead.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol


class Testable(Protocol):
    @property
    def installed_on(self) -> date | None: ...

    @property
    def last_tested_on(self) -> date | None: ...

    @property
    def test_every_days(self) -> int | None: ...

    @property
    def removed_on(self) -> date | None: ...


# The providers' usual schedule (the table's default).
DEFAULT_TEST_EVERY_DAYS = 182


def test_due_on(item: Testable) -> date | None:
    """The day the next test is due (None: removed, or no date to count from)."""
    if item.removed_on is not None:
        return None
    since = item.last_tested_on or item.installed_on
    if since is None:
        return None
    return since + timedelta(days=item.test_every_days or DEFAULT_TEST_EVERY_DAYS)


def test_overdue(item: Testable, today: date) -> bool:
    """Past its due day (due today is due, not yet overdue)."""
    due = test_due_on(item)
    return due is not None and due < today


def test_due_by(item: Testable, day: date) -> bool:
    """Due on or before `day`: the team's list of tests due."""
    due = test_due_on(item)
    return due is not None and due <= day


# Their names begin "test_": a test module that imports them must not have pytest
# collect them as tests.
for _rule in (test_due_on, test_overdue, test_due_by):
    setattr(_rule, "__test__", False)  # noqa: B010
