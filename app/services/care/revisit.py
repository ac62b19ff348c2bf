"""What a routine revisit carries forward: the next visit, for the same purpose, at
the person's usual interval.

A practitioner seeing someone every week for the same thing should not retype the
purpose and pick a date each time (DESIGN.md: a routine revisit in 8 interactions or
fewer). The visit note therefore opens with "Plan the next visit" ticked, the purpose
of today's visit (or the last one), and a time one usual interval on — the gap
between this person's last two visits, or a week — at the same time of day. Nothing
is carried forward when a visit is already planned after today: that is the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.services import clock
from app.workspace import Workspace
from storage.tables import PlannedVisit

USUAL_INTERVAL = timedelta(days=7)
# An interval outside these is not a routine: a week is offered instead.
SHORTEST, LONGEST = timedelta(days=1), timedelta(days=28)
DEFAULT_HOUR = 10


@dataclass(frozen=True)
class NextVisit:
    due_at: datetime
    purpose: str


def usual_interval(visits: list[datetime]) -> timedelta:
    """Whole days between the latest two visits, if a routine one; else a week."""
    if len(visits) < 2:
        return USUAL_INTERVAL
    latest, before = sorted(visits)[-2:][::-1]
    days = (clock.local(latest).date() - clock.local(before).date()).days
    gap = timedelta(days=days)
    return gap if SHORTEST <= gap <= LONGEST else USUAL_INTERVAL


def next_visit_at(today: date, interval: timedelta, time_of: datetime | None) -> datetime:
    """One interval on from today, at the usual time of day (10:00 when none is known)."""
    if time_of is None:
        return clock.at_local(today + interval, DEFAULT_HOUR)
    local = clock.local(time_of)
    return clock.at_local(today + interval, local.hour, local.minute)


def carried_forward(workspace: Workspace, *, person_id: str) -> NextVisit | None:
    """The next visit a revisit note offers, or None when one is already planned."""
    _start, end = clock.day_bounds(clock.today())
    with workspace.store.read() as session:
        later = session.execute(
            select(PlannedVisit.id)
            .where(
                PlannedVisit.person_id == person_id,
                PlannedVisit.status == "planned",
                PlannedVisit.due_at >= end,
            )
            .limit(1)
        ).first()
        if later is not None:
            return None
        recent = session.execute(
            select(PlannedVisit.due_at, PlannedVisit.purpose)
            .where(
                PlannedVisit.person_id == person_id,
                PlannedVisit.status.in_(("planned", "done")),
                PlannedVisit.due_at < end,
            )
            .order_by(PlannedVisit.due_at.desc())
            .limit(2)
        ).all()
    if not recent:
        return None  # a first visit: nothing routine to carry forward
    latest_due, purpose = recent[0]
    interval = usual_interval([due for due, _ in recent])
    return NextVisit(next_visit_at(clock.today(), interval, latest_due), purpose or "")
