"""`onerecord report outcomes`: text, CSV and PDF for the coordinator; refused to others."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli.main import main
from app.reports.outcomes.periods import periods
from app.reports.plan_model import long_date
from app.services import clock
from app.values.vocab import Role
from app.workspace import Workspace
from tests.app.team_data import build_team
from tests.conftest import PASSPHRASE


@pytest.fixture
def profile(workspace: Workspace, profile_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    build_team(workspace)
    workspace.close()
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    return profile_path


def test_outcomes_as_text_csv_and_pdf(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = ["report", "outcomes", "--profile", str(profile), "--from", "2026-04-01"]
    assert main([*p, "--to", "2026-06-30"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Outcomes: ") and "1 April 2026 to 30 June 2026" in out
    assert "Still at home 91 days after leaving hospital" in out
    assert main([*p, "--to", "2026-06-30", "--csv", str(tmp_path / "o.csv")]) == 0
    assert (tmp_path / "o.csv").read_text().startswith("Section,Measure,Column,Figure")
    assert main([*p, "--to", "2026-06-30", "--pdf", str(tmp_path / "o.pdf")]) == 0
    assert (tmp_path / "o.pdf").read_bytes().startswith(b"%PDF")
    assert main([*p, "--to", "2026-03-01"]) == 1  # InvalidInputError, as every bad value
    assert "before the 'from' date" in capsys.readouterr().err
    # A usual period by name, as of the clock's today.
    named = ["report", "outcomes", "--profile", str(profile), "--period"]
    assert main([*named, "last-financial-year"]) == 0
    last_year = periods(clock.today())[3]
    assert f"{long_date(last_year.start)} to {long_date(last_year.end)}" in capsys.readouterr().out
    assert main([*named, "last-quarter", "--from", "2026-04-01"]) == 1
    assert "not both" in capsys.readouterr().err


def test_outcomes_refused_to_a_practitioner(
    workspace: Workspace,
    profile_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    build_team(workspace, as_role=Role.COMMUNITY_NURSE.value)
    workspace.close()
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    code = main(
        [
            "report",
            "outcomes",
            "--profile",
            str(profile_path),
            "--from",
            "2026-04-01",
            "--to",
            "2026-06-30",
        ]
    )
    assert code == 5 and "coordinator" in capsys.readouterr().err
