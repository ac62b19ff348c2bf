"""Exporting the current team view to CSV: the view's rows, formula-safe, audited."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.caseload.caseload_export import export_team_csv
from app.services.output_file import OutputNotWritableError
from app.services.record.people import NewPerson, register
from app.services.team.team_caseload import TeamQuery
from app.workspace import Workspace
from storage.tables import AuditEvent
from tests.app.team_data import NOW, build_team


def test_the_filtered_view_is_written_formula_safe_and_audited(
    workspace: Workspace, tmp_path: Path
) -> None:
    build_team(workspace)
    register(workspace, NewPerson("9990000069", "=HYPERLINK(1)", "-Minus", "1950-01-01", "DL8 3AB"))
    out = tmp_path / "team.csv"
    count = export_team_csv(workspace, TeamQuery(as_of=NOW, unallocated=True), out)
    assert count == 2
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["NHS number", "Family name", "Given name"]
    # In the view's order (family name): "-Minus" sorts before "Kumar".
    assert [r[2] for r in rows[1:]] == ["'=HYPERLINK(1)", "Dev"]
    assert rows[1][1] == "'-Minus" and rows[2][0] == "999 000 0042"
    assert rows[2][6] == "Unallocated" and rows[2][7] == "16"
    with workspace.store.read() as s:
        event = s.execute(
            select(AuditEvent).where(AuditEvent.action == "caseload_exported")
        ).scalar_one()
    assert json.loads(event.detail) == {"rows": 2, "filters": ["unallocated"], "format": "csv"}
    assert event.person_id is None


def test_a_folder_that_is_missing_is_refused_before_anything(
    workspace: Workspace, tmp_path: Path
) -> None:
    with pytest.raises(OutputNotWritableError, match="does not exist"):
        export_team_csv(workspace, TeamQuery(), tmp_path / "nowhere" / "team.csv")
    with workspace.store.read() as s:
        assert (
            s.execute(select(AuditEvent).where(AuditEvent.action == "caseload_exported")).first()
            is None
        )
