"""The coordinator's commands: import, team, allocate, weekly-summary, charts."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from app.cli.main import main
from app.workspace import Workspace
from tests.app.team_data import build_team
from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def profile(workspace: Workspace, profile_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    build_team(workspace)
    workspace.close()
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    return profile_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_team_filters_and_formats(profile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = ["--profile", str(profile)]
    code, out, _ = run(capsys, "team", *p)
    assert code == 0 and "Ashworth, Ada" in out and "(unallocated)" in out and "Evans" not in out
    code, out, _ = run(capsys, "team", *p, "--filter", "unallocated", "--format", "json")
    assert [r["nhs_number"] for r in json.loads(out)] == ["9990000042"]
    code, out, _ = run(capsys, "team", *p, "--filter", "lead=ceri jones", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert [r[2] for r in rows[1:]] == ["Ada", "Bryn"]
    code, out, _ = run(capsys, "team", *p, "--filter", "at_risk", "--sort", "risk", "--descending")
    assert out.index("Ashworth, Ada") < out.index("Kumar, Dev")
    code, _, err = run(capsys, "team", *p, "--filter", "shoe_size")
    assert code == 2 and err.startswith("onerecord: 'shoe_size' is not a team filter")
    assert err.count("\n") == 1
    code, _, err = run(capsys, "team", *p, "--filter", "lead=Nobody")
    assert code == 1 and "no staff member called 'Nobody'" in err


def test_team_saved_as_csv(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "view.csv"
    code, _, err = run(
        capsys, "team", "--profile", str(profile), "--filter", "overdue_visits", "--out", str(out)
    )
    # Against the real clock every visit in the fixed test team is in the past.
    assert code == 0 and "Saved 3 people" in err
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert {r[2] for r in rows[1:]} == {"Ada", "Bryn", "Dev"}


def test_allocate(profile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = ["--profile", str(profile)]
    code, out, _ = run(capsys, "allocate", *p, "--nhs", "999 000 0042", "--to", "Ola Nowak")
    assert code == 0 and "Lead professional set to Ola Nowak" in out
    code, out, _ = run(capsys, "team", *p, "--filter", "lead=Ola Nowak", "--format", "json")
    assert {r["given_name"] for r in json.loads(out)} == {"Cerys", "Dev"}
    code, _, err = run(capsys, "allocate", *p, "--nhs", "9990000042", "--to", "Lee Former")
    assert code == 1 and "no longer active" in err
    code, _, err = run(capsys, "allocate", *p, "--nhs", "12345", "--to", "Ola Nowak")
    assert code == 1 and "10 digits" in err


def test_import_with_bad_rows_then_good(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = ["--profile", str(profile)]
    sheet = tmp_path / "caseload.csv"
    sheet.write_text(
        "Ref,Forename,Surname,DOB\n"
        "9990000069,Fay,Hughes,1944-03-03\n"
        "9990000077,Gwen,Hughes,31/02/1950\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "import", *p, "--csv", str(sheet))
    assert code == 2 and "No column for the NHS number" in err
    code, _, err = run(capsys, "import", *p, "--csv", str(sheet), "--map", "Ref=nhs_number")
    assert code == 1
    assert "  line 3: '31/02/1950' is not a date of birth I can read" in err
    assert err.rstrip().endswith("Nothing was imported.")
    sheet.write_text(
        sheet.read_text().replace("31/02/1950", "28/02/1950")
        + "9990000018,Ada,Ashworth,1940-01-02\n"
    )
    code, out, _ = run(
        capsys, "import", *p, "--csv", str(sheet), "--map", "Ref=nhs_number", "--dry-run"
    )
    assert code == 0 and "Would import 2 new people" in out and "dry run" in out
    code, out, err = run(capsys, "import", *p, "--csv", str(sheet), "--map", "Ref=nhs_number")
    assert code == 0 and "Imported 2 new people from 3 rows" in out and "skipped 1" in out
    assert "line 4: already in the profile by NHS number" in err
    code, _, err = run(capsys, "import", *p, "--csv", str(tmp_path / "missing.csv"))
    assert code == 1 and "There is no file" in err


def test_weekly_summary_and_charts(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = ["--profile", str(profile)]
    code, out, _ = run(capsys, "weekly-summary", *p, "--out", str(tmp_path / "w.pdf"))
    assert code == 0 and "Saved the weekly caseload summary" in out
    assert (tmp_path / "w.pdf").read_bytes().startswith(b"%PDF")
    code, out, _ = run(capsys, "charts", *p, "--out-dir", str(tmp_path))
    assert code == 0 and "Saved 3 charts" in out
    for name in ("caseload-per-practitioner", "reviews-due-by-week", "contacts-by-agency"):
        with Image.open(tmp_path / f"{name}.png") as image:
            assert image.format == "PNG"
    code, _, err = run(capsys, "charts", *p, "--out-dir", str(tmp_path / "nope"))
    assert code == 1 and "does not exist" in err


def test_a_real_subprocess_reports_one_plain_line(profile: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.launcher",
            "import",
            "--profile",
            str(profile),
            "--csv",
            "x.csv",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "There is no file" in result.stderr
    assert "Traceback" not in result.stderr
