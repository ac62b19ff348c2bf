"""The coordinator's commands refuse other roles with exit code 5 and one plain line;
the IG lead may read the team but not allocate or import."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli.main import main
from app.values.vocab import Role
from app.workspace import Workspace
from tests.app.team_data import ADA, build_team
from tests.conftest import PASSPHRASE


def _profile(workspace: Workspace, path: Path, role: Role, mp: pytest.MonkeyPatch) -> Path:
    build_team(workspace, as_role=role.value)
    workspace.close()
    mp.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    return path


def _commands(profile: Path, tmp: Path) -> dict[str, list[str]]:
    sheet = tmp / "people.csv"
    sheet.write_text("NHS number,First name,Surname,DOB\n9990000077,Gwen,Hughes,02/03/1944\n")
    p = ["--profile", str(profile)]
    return {
        "team": ["team", *p],
        "weekly-summary": ["weekly-summary", *p, "--out", str(tmp / "summary.pdf")],
        "charts": ["charts", *p, "--out-dir", str(tmp)],
        "allocate": ["allocate", *p, "--nhs", ADA, "--to", "Ola Nowak"],
        "import": ["import", *p, "--csv", str(sheet)],
    }


def test_a_nurse_is_refused_every_coordinator_command(
    workspace: Workspace,
    profile_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    profile = _profile(workspace, profile_path, Role.COMMUNITY_NURSE, monkeypatch)
    capsys.readouterr()
    for name, args in _commands(profile, tmp_path).items():
        code = main(args)
        out, err = capsys.readouterr()
        assert code == 5, name
        assert err.count("\n") == 1 and "coordinator" in err, (name, err)
        assert "Traceback" not in err and "Ashworth" not in out + err
    assert not (tmp_path / "summary.pdf").exists()
    assert not list(tmp_path.glob("*.png"))


def test_the_ig_lead_reads_the_team_but_may_not_change_it(
    workspace: Workspace,
    profile_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    profile = _profile(workspace, profile_path, Role.IG_LEAD, monkeypatch)
    capsys.readouterr()
    commands = _commands(profile, tmp_path)
    assert main(commands["team"]) == 0
    assert "Ashworth, Ada" in capsys.readouterr().out
    for name in ("allocate", "import"):
        assert main(commands[name]) == 5, name
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Only the team's coordinator" in err
