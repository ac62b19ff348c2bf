"""When something is overdue: the one rule the record, the caseload, the Team view, its
counts and the printed plan all apply, so a date reads as late everywhere or nowhere.

A date is past when it is before today: due today is not overdue yet, yesterday is.
Then, by what the date belongs to:

- a goal while it is open (not started or under way; never once achieved or ended)
  and its target date is past;
- an action while it is not done (planned or under way) and its due date is past;
- a risk while it is active and its review date is past;
- a care plan when its review date is past;
- a consent decision in force (given, not withdrawn) when its review date is past;
- a planned visit while it is still planned (not done, cancelled or missed) and its
  time has passed (a visit is due at a time, not on a day).

Today and now are the caller's, from the one clock (`app.services.clock`), never
`date.today()`: tests and the CI's other dates move them by its seam. The SQL side (the
caseload's filters, the Team view's counts) compares with `before`, the same boundary,
over `caseload_summary`, whose due dates already keep only the open rows above.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from app.values.vocab import ActionStatus, ConsentDecision, GoalStatus, RiskStatus, VisitStatus

logger = logging.getLogger(__name__)

OPEN_GOALS = frozenset({GoalStatus.NOT_STARTED.value, GoalStatus.IN_PROGRESS.value})
OPEN_ACTIONS = frozenset({ActionStatus.PLANNED.value, ActionStatus.IN_PROGRESS.value})


def before(due: Any, today: Any) -> Any:
    """The boundary itself, for a value or an SQL column alike (NULL is never before)."""
    return due < today


def past(due: date | None, today: date) -> bool:
    """True when `due` is before today; a date due today is not past yet."""
    return due is not None and bool(before(due, today))


def goal_overdue(status: str, target_date: date | None, today: date) -> bool:
    return status in OPEN_GOALS and past(target_date, today)


def action_overdue(status: str, due_on: date | None, today: date) -> bool:
    return status in OPEN_ACTIONS and past(due_on, today)


def risk_review_overdue(status: str, review_on: date | None, today: date) -> bool:
    return status == RiskStatus.ACTIVE.value and past(review_on, today)


def plan_review_overdue(review_due: date | None, today: date) -> bool:
    return past(review_due, today)


def consent_review_overdue(
    decision: str, review_on: date | None, withdrawn_on: date | None, today: date
) -> bool:
    in_force = decision == ConsentDecision.GIVEN.value and withdrawn_on is None
    return in_force and past(review_on, today)


def visit_overdue(status: str, due_at: datetime | None, now: datetime) -> bool:
    """A planned visit whose time has passed: missed unless someone records it."""
    return status == VisitStatus.PLANNED.value and due_at is not None and bool(before(due_at, now))
