"""Reablement's dates: the one reading of an episode's days and its 91-day check,
for the record, the lists, the printed plan, the services' checks and the report.

The limits themselves (six weeks; day 91) are the tables' own (storage/tables/
outcomes.py), where the store and the partner server enforce them.
"""

from __future__ import annotations

from datetime import date, timedelta

from app.values.vocab import ReablementOutcome
from storage.tables.outcomes import FOLLOW_UP_DAYS, REABLEMENT_DAYS

__all__ = [
    "FOLLOW_UP_DAYS",
    "REABLEMENT_DAYS",
    "day_of_episode",
    "default_planned_end",
    "follow_up_counted_from",
    "follow_up_due",
    "follow_up_needed",
    "follow_up_waiting",
]


def default_planned_end(started_on: date) -> date:
    """Six weeks from the start: the default and the most without a reason."""
    return started_on + timedelta(days=REABLEMENT_DAYS)


def day_of_episode(started_on: date, today: date) -> int:
    """Day 1 is the day it started."""
    return (today - started_on).days + 1


def follow_up_counted_from(started_on: date, discharged_on: date | None) -> date:
    """ASCOF 2B(1) counts 91 days from leaving hospital; someone who came into
    reablement from home is counted from the episode's start."""
    return discharged_on if discharged_on is not None else started_on


def follow_up_due(started_on: date, discharged_on: date | None) -> date:
    """The first day the 91-day check may be recorded."""
    return follow_up_counted_from(started_on, discharged_on) + timedelta(days=FOLLOW_UP_DAYS)


def follow_up_needed(ended_on: date | None, outcome: str | None, follow_up_on: date | None) -> bool:
    """An ended episode waits for its check, unless the person died in it (the answer
    is known) or the check is done."""
    return ended_on is not None and follow_up_on is None and outcome != ReablementOutcome.DIED.value


def follow_up_waiting(needed: bool, due: date, today: date) -> bool:
    """The check is still to do and day 91 has come: what the record highlights and
    what Today and the Team view list (their SQL is `outcomes.follow_ups.due_clause`).
    Due on day 91 itself: the check may be recorded from that day."""
    return needed and due <= today
