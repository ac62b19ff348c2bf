"""Allocating people to a lead professional: journalled, audited per person, validated."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.errors import InvalidInputError, NotFoundError
from app.services.caseload.allocation import (
    ACTION,
    Moving,
    allocate,
    allocate_by_nhs,
    people_to_move,
    staff_choices,
)
from app.services.caseload.caseload import CaseloadQuery, fetch
from app.workspace import Workspace
from storage.tables import AuditEvent, ChangeRecord, Person, PlannedVisit
from tests.app.team_data import ADA, BRYN, DEV, EFA, NOW, Team, build_team


@pytest.fixture
def team(workspace: Workspace) -> Team:
    return build_team(workspace)


def _events(ws: Workspace) -> list[AuditEvent]:
    with ws.store.read() as s:
        return list(s.execute(select(AuditEvent).where(AuditEvent.action == ACTION)).scalars())


def _lead_changes(ws: Workspace, person_id: str) -> list[ChangeRecord]:
    with ws.store.read() as s:
        return list(
            s.execute(
                select(ChangeRecord).where(
                    ChangeRecord.entity_id == person_id,
                    ChangeRecord.field == "lead_professional_id",
                )
            ).scalars()
        )


def test_a_selection_moves_to_the_new_lead_with_journal_and_one_event_each(
    workspace: Workspace, team: Team
) -> None:
    ada, dev = team.ids[ADA], team.ids[DEV]
    change = allocate(workspace, person_ids=[ada, dev], staff_id=team.ola, now=NOW)
    assert change.action == ACTION and change.fields == ("lead_professional_id",)
    assert change.touches("caseload", "visits")
    _, mine = fetch(workspace, CaseloadQuery(lead_professional_id=team.ola))
    assert {r.given_name for r in mine} == {"Ada", "Cerys", "Dev"}
    events = _events(workspace)
    assert sorted(e.person_id for e in events if e.person_id) == sorted([ada, dev])
    by_person = {e.person_id: json.loads(e.detail) for e in events}
    assert by_person[ada] == {"from": team.ceri, "to": team.ola}
    assert by_person[dev] == {"from": None, "to": team.ola}
    [journalled] = _lead_changes(workspace, dev)
    assert json.loads(journalled.value or "null") == team.ola and journalled.pushed_at is None
    # Ada's future visit that Ceri held moves to Ola; the overdue one stays as it was.
    with workspace.store.read() as s:
        visits = s.execute(select(PlannedVisit).where(PlannedVisit.person_id == ada)).scalars()
        owners = sorted((v.due_at > NOW, v.assigned_to_id) for v in visits)
    assert owners == [(False, team.ceri), (True, team.ola)]


def test_reallocating_to_the_same_lead_changes_nothing(workspace: Workspace, team: Team) -> None:
    change = allocate(workspace, person_ids=[team.ids[ADA]], staff_id=team.ceri)
    assert change.fields == ()
    assert _events(workspace) == []


def test_unallocate(workspace: Workspace, team: Team) -> None:
    allocate(workspace, person_ids=[team.ids[BRYN]], staff_id=None)
    with workspace.store.read() as s:
        assert s.get(Person, team.ids[BRYN]).lead_professional_id is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("who", "error", "message"),
    [
        ("gone", InvalidInputError, "no longer active"),
        ("ig", InvalidInputError, "does not hold a caseload"),
        ("nobody", NotFoundError, "not in this laptop's directory"),
    ],
)
def test_refused_leads_change_nothing(
    workspace: Workspace, team: Team, who: str, error: type[Exception], message: str
) -> None:
    staff = {"gone": team.gone, "ig": team.ig, "nobody": "no-such-id"}[who]
    with pytest.raises(error, match=message):
        allocate(workspace, person_ids=[team.ids[ADA], team.ids[DEV]], staff_id=staff)
    assert _events(workspace) == [] and _lead_changes(workspace, team.ids[DEV]) == []


def test_all_or_nothing_when_one_person_cannot_be_allocated(
    workspace: Workspace, team: Team
) -> None:
    with pytest.raises(InvalidInputError, match="open"):
        allocate(workspace, person_ids=[team.ids[DEV], team.ids[EFA]], staff_id=team.ola)
    with workspace.store.read() as s:
        assert s.get(Person, team.ids[DEV]).lead_professional_id is None  # type: ignore[union-attr]
    with pytest.raises(InvalidInputError, match="at least one"):
        allocate(workspace, person_ids=[], staff_id=team.ola)


def test_by_nhs_number_and_name(workspace: Workspace, team: Team) -> None:
    allocate_by_nhs(workspace, nhs_numbers=["999 000 0042"], staff="ola nowak")
    with workspace.store.read() as s:
        assert s.get(Person, team.ids[DEV]).lead_professional_id == team.ola  # type: ignore[union-attr]
    with pytest.raises(NotFoundError, match="no staff member called"):
        allocate_by_nhs(workspace, nhs_numbers=[DEV], staff="Nobody Here")
    with pytest.raises(NotFoundError, match="No one with NHS number"):
        allocate_by_nhs(workspace, nhs_numbers=["9990000069"], staff="Ola Nowak")
    names = [name for _, name, _ in staff_choices(workspace)]
    assert "Ola Nowak" in names and "Lee Former" not in names and "Ivy Gov" not in names


def test_who_is_moving_and_who_leads_them_now(workspace: Workspace, team: Team) -> None:
    """What the allocation dialog names: in the order asked, each with their lead."""
    ids = [team.ids[DEV], team.ids[ADA], team.ids[DEV], "not-a-person"]
    assert people_to_move(workspace, ids) == [
        Moving(team.ids[DEV], "Dev Kumar", None, None),
        Moving(team.ids[ADA], "Ada Ashworth", team.ceri, "Ceri Jones"),
    ]
