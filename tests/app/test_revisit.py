"""A routine revisit carries the next visit forward: the same purpose, the person's
usual interval (the gap between their last two visits, else a week), the same time of
day; nothing when a later visit is already planned, or for a first visit."""

from __future__ import annotations

from datetime import timedelta

from app.services import clock
from app.services.care.revisit import USUAL_INTERVAL, carried_forward, usual_interval
from app.services.record.people import find
from app.workspace import Workspace
from storage.tables import PlannedVisit
from tests.conftest import ZOE


def _plan(workspace: Workspace, person_id: str, days: int, hour: int, status: str) -> None:
    with workspace.store.write(workspace.actor) as session:
        session.add(
            PlannedVisit(
                person_id=person_id,
                due_at=clock.at_local(clock.today() + timedelta(days=days), hour),
                assigned_to_id=workspace.actor.user_id,
                purpose="Leg ulcer dressing",
                status=status,
            )
        )


def _zoe(workspace: Workspace) -> str:
    with workspace.store.read() as session:
        return find(session, ZOE).id


def test_the_next_visit_keeps_the_purpose_interval_and_time_of_day(
    populated: Workspace,
) -> None:
    zoe = _zoe(populated)
    _plan(populated, zoe, -3, 9, "done")
    _plan(populated, zoe, 0, 9, "planned")  # today's, which this note will mark done
    offered = carried_forward(populated, person_id=zoe)
    assert offered is not None
    assert offered.purpose == "Leg ulcer dressing"
    assert offered.due_at == clock.at_local(clock.today() + timedelta(days=3), 9)


def test_an_irregular_gap_falls_back_to_a_week(populated: Workspace) -> None:
    zoe = _zoe(populated)
    _plan(populated, zoe, -90, 14, "done")
    _plan(populated, zoe, 0, 14, "planned")
    offered = carried_forward(populated, person_id=zoe)
    assert offered is not None
    assert offered.due_at == clock.at_local(clock.today() + USUAL_INTERVAL, 14)


def test_nothing_is_carried_forward_when_the_next_visit_is_planned(
    populated: Workspace,
) -> None:
    zoe = _zoe(populated)
    _plan(populated, zoe, 0, 9, "planned")
    _plan(populated, zoe, 5, 9, "planned")
    assert carried_forward(populated, person_id=zoe) is None


def test_a_first_visit_carries_nothing_forward(populated: Workspace) -> None:
    assert carried_forward(populated, person_id=_zoe(populated)) is None


def test_the_usual_interval_is_counted_in_calendar_days() -> None:
    late = clock.at_local(clock.today(), 23, 30)
    early_next_day = clock.at_local(clock.today() + timedelta(days=1), 0, 30)
    assert usual_interval([late, early_next_day]) == timedelta(days=1)
    assert usual_interval([late]) == USUAL_INTERVAL
