"""Closing a case and reopening it: the reason and date kept, actions others hold
named before anything closes, future visits cancelled, the person off the active
caseload but their record kept; a death records the date of death and is not
reopened; bad input is one plain line and nothing is written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInputError
from app.services import clock
from app.services.care import care_plan
from app.services.caseload.caseload import CaseloadQuery, fetch
from app.services.record import people
from app.services.record.case import OthersHoldActionsError, close_case, reopen_case
from app.workspace import Workspace
from storage.tables import AuditEvent, ChangeRecord, Person, PlannedVisit
from tests.conftest import ZOE


def _zoe(ws: Workspace) -> str:
    with ws.store.read() as session:
        return people.find(session, ZOE).id


def _changes(ws: Workspace) -> int:
    with ws.store.read() as session:
        return int(session.execute(select(func.count()).select_from(ChangeRecord)).scalar_one())


def _on_caseload(ws: Workspace) -> set[str]:
    _, rows = fetch(ws, CaseloadQuery(limit=None))
    return {r.person_id for r in rows}


def test_others_actions_are_named_first_then_the_case_closes_and_reopens(
    populated: Workspace,
) -> None:
    pid = _zoe(populated)
    goal = care_plan.add_goal(populated, person_id=pid, statement="I want to bathe safely")
    assert goal.entity_id
    care_plan.add_action(
        populated, goal_id=goal.entity_id, what="Fit a bath lift", who_name="Ceri Jones"
    )
    with populated.store.write(populated.actor) as session:
        session.add(PlannedVisit(person_id=pid, due_at=clock.now() + timedelta(days=3)))
    before = _changes(populated)
    with pytest.raises(OthersHoldActionsError, match=r"Fit a bath lift \(Ceri Jones\)") as held:
        close_case(populated, person_id=pid, reason="moved_away")
    assert [a.what for a in held.value.held] == ["Fit a bath lift"]
    assert _changes(populated) == before and pid in _on_caseload(populated)

    close_case(populated, person_id=pid, reason="moved_away", others_told=True)
    with populated.store.read() as session:
        zoe = session.get(Person, pid)
        assert zoe is not None
        assert (zoe.status, zoe.closed_reason, zoe.closed_on) == (
            "closed",
            "moved_away",
            clock.today(),
        )
        visits = session.execute(select(PlannedVisit.status)).scalars().all()
        assert visits == ["cancelled"]
        event = session.execute(
            select(AuditEvent.detail).where(AuditEvent.action == "case_closed")
        ).scalar_one()
        assert '"visits_cancelled": 1' in (event or "")
    assert pid not in _on_caseload(populated)
    with pytest.raises(InvalidInputError, match="already closed"):
        close_case(populated, person_id=pid, reason="discharged", others_told=True)

    reopen_case(populated, person_id=pid)
    assert pid in _on_caseload(populated)
    with populated.store.read() as session:
        zoe = session.get(Person, pid)
        assert zoe is not None and (zoe.status, zoe.closed_reason) == ("open", None)


def test_a_death_records_its_date_and_is_never_reopened(populated: Workspace) -> None:
    pid = _zoe(populated)
    died = clock.today() - timedelta(days=2)
    close_case(populated, person_id=pid, reason="died", closed_on=died)
    with populated.store.read() as session:
        zoe = session.get(Person, pid)
        assert zoe is not None and (zoe.status, zoe.date_of_death) == ("deceased", died)
    with pytest.raises(InvalidInputError, match="cannot be reopened"):
        reopen_case(populated, person_id=pid)


@pytest.mark.parametrize(
    ("reason", "on", "message"),
    [
        ("retired", None, "retired"),
        ("discharged", "tomorrow", "not a date"),
        ("discharged", "1900-01-01", "before the person was born"),
    ],
)
def test_bad_input_closes_nothing(
    populated: Workspace, reason: str, on: str | None, message: str
) -> None:
    pid = _zoe(populated)
    before = _changes(populated)
    with pytest.raises(InvalidInputError, match=message):
        close_case(populated, person_id=pid, reason=reason, closed_on=on)
    assert _changes(populated) == before


def test_a_date_still_to_come_is_refused(populated: Workspace) -> None:
    later = (clock.today() + timedelta(days=1)).isoformat()
    with pytest.raises(InvalidInputError, match="still to come"):
        close_case(populated, person_id=_zoe(populated), reason="discharged", closed_on=later)
