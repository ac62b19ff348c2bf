"""The team tools are the coordinator's (read-only for the IG lead) and show the
team's people only, refused in the services themselves so every caller is covered."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.errors import AccessDeniedError
from app.reports.team_charts import gather_charts
from app.reports.weekly_summary_content import gather_summary
from app.services.caseload.allocation import (
    allocate,
    allocate_by_nhs,
    people_to_move,
    staff_choices,
)
from app.services.caseload.caseload_export import export_team_csv, team_listing
from app.services.caseload.caseload_import import import_caseload, preview
from app.services.record.people import NewPerson, find, register
from app.services.team.team_caseload import TeamQuery, fetch_team
from app.services.team.team_counts import team_counts
from app.values.vocab import Role
from app.workspace import Workspace
from storage.tables import Team as TeamRecord
from tests.app.team_data import ADA, NOW, Team, build_team, sign_in_as

OUTSIDER = "9990000069"
SHEET = "NHS number,First name,Surname,DOB\n9990000077,Gwen,Hughes,02/03/1944\n"


def _readers(tmp: Path) -> dict[str, Callable[[Workspace], object]]:
    return {
        "team view": lambda ws: fetch_team(ws, TeamQuery(limit=10)),
        "counts strip": lambda ws: team_counts(ws, now=NOW),
        "charts": lambda ws: gather_charts(ws, now=NOW),
        "weekly summary": lambda ws: gather_summary(ws, now=NOW),
        "export": lambda ws: export_team_csv(ws, TeamQuery(), tmp / "team.csv"),
        "listing": lambda ws: team_listing(ws, TeamQuery(), fmt="table"),
    }


def _writers(team: Team) -> dict[str, Callable[[Workspace], object]]:
    return {
        "allocate": lambda ws: allocate(ws, person_ids=[team.ids[ADA]], staff_id=team.ola),
        "allocate by NHS number": lambda ws: allocate_by_nhs(
            ws, nhs_numbers=[ADA], staff="Ola Nowak"
        ),
        "allocation list": staff_choices,
        "who is moving": lambda ws: people_to_move(ws, [team.ids[ADA]]),
        "import check": lambda ws: preview(ws, SHEET),
        "import": lambda ws: import_caseload(ws, SHEET),
        "import dry run": lambda ws: import_caseload(ws, SHEET, dry_run=True),
    }


@pytest.fixture
def team(workspace: Workspace) -> Team:
    built = build_team(workspace)
    # Someone of another team on this laptop (a neighbouring team's person).
    register(workspace, NewPerson(OUTSIDER, "Huw", "Outside", "1945-05-05", "DL8 3AB"))
    with workspace.store.write(workspace.actor) as s:
        north = TeamRecord(name="North Integrated Care Team")
        s.add(north)
        s.flush()
        find(s, OUTSIDER).team_id = north.id
    return built


@pytest.mark.parametrize("role", [Role.COMMUNITY_NURSE, Role.SOCIAL_WORKER, Role.ADMINISTRATOR])
def test_other_roles_are_refused_everything(
    workspace: Workspace, team: Team, tmp_path: Path, role: Role
) -> None:
    sign_in_as(workspace, role.value)
    for name, call in {**_readers(tmp_path), **_writers(team)}.items():
        with pytest.raises(AccessDeniedError):
            call(workspace)
            pytest.fail(f"{name} was not refused for {role.value}")
    assert not (tmp_path / "team.csv").exists()


def test_the_ig_lead_reads_but_does_not_allocate_or_import(
    workspace: Workspace, team: Team, tmp_path: Path
) -> None:
    sign_in_as(workspace, Role.IG_LEAD.value)
    for call in _readers(tmp_path).values():
        call(workspace)
    for name, call in _writers(team).items():
        with pytest.raises(AccessDeniedError, match="Only the team's coordinator"):
            call(workspace)
            pytest.fail(f"{name} was not refused for the IG lead")


def test_the_coordinator_may_do_all_of_it(workspace: Workspace, team: Team, tmp_path: Path) -> None:
    for call in [*_readers(tmp_path).values(), *_writers(team).values()]:
        call(workspace)


def test_people_of_other_teams_are_not_listed_or_counted(workspace: Workspace, team: Team) -> None:
    total, rows = fetch_team(workspace, TeamQuery(limit=50, unallocated=True))
    assert OUTSIDER not in {r.nhs_number for r in rows}
    assert total == 1  # Dev only: the outsider is unallocated too, but not the team's
    assert team_counts(workspace, now=NOW).unallocated == 1
    summary = gather_summary(workspace, now=NOW)
    listed = {r.nhs_number for a in summary.attention for r in a.rows}
    assert OUTSIDER not in listed
    with workspace.store.read() as s:
        outsider = find(s, OUTSIDER).id
    with pytest.raises(AccessDeniedError, match="not on your team's caseload"):
        allocate(workspace, person_ids=[outsider], staff_id=team.ola)
    assert people_to_move(workspace, [outsider]) == []  # not even named
