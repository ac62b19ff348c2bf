"""`onerecord-server report outcomes` on a server holding a planted caseload (SQLite and
PostgreSQL): the suppressed figures are those the shared measures give for the facts
known by construction, as text, CSV and PDF; the scope and the dates are checked."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from app.reports.outcomes.measures import compute
from app.reports.outcomes.periods import periods
from app.reports.outcomes.published import to_csv, to_text
from app.reports.plan_model import long_date
from app.services import clock
from sync.server import cli, directory
from tests.sync.bad_rows import spoil_entries
from tests.sync.conftest import TEAM, Laptop, RunningServer, reopen
from tests.sync.outcome_caseload import LOCALITY_CRAVEN, plant

PERIOD = ("--from", "2026-01-01", "--to", "2026-03-31")
ORGANISATION = "Dales Community Health"  # tests/sync/conftest.py names it


def _url(server: RunningServer) -> str:
    return server.store.engine.url.render_as_string(hide_password=False)


def test_the_command_prints_and_saves_the_suppressed_figures(
    server: RunningServer,
    laptop: Laptop,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    team_id = directory.team_id_by_name(server.store, TEAM)
    planted = plant(nurse, team_id)
    nurse.close()
    start, end = clock.today() - timedelta(days=365), clock.today()
    expected = compute(planted.expected, start, end, scope=ORGANISATION)
    assert "<5" in to_text(expected)  # a planted caseload is all small numbers
    period = ["--from", start.isoformat(), "--to", end.isoformat()]
    base = ["report", "outcomes", "--db", _url(server), *period]

    assert cli.main(base) == 0
    assert capsys.readouterr().out == to_text(expected)

    out = tmp_path / "outcomes.csv"
    assert cli.main([*base, "--csv", str(out)]) == 0
    assert out.read_bytes() == to_csv(expected).encode("utf-8")
    assert "Saved the outcome report" in capsys.readouterr().err

    pdf = tmp_path / "outcomes.pdf"
    assert cli.main([*base, "--pdf", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")

    assert cli.main([*base, "--team", TEAM]) == 0
    team = compute(planted.expected, start, end, scope=f"{TEAM}, {ORGANISATION}")
    assert capsys.readouterr().out == to_text(team)

    assert cli.main([*base, "--locality", LOCALITY_CRAVEN]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"Outcomes: Locality {LOCALITY_CRAVEN}, {ORGANISATION}")


def test_a_bad_scope_or_period_is_one_plain_line(
    server: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["report", "outcomes", "--db", _url(server)]
    assert cli.main([*base, "--from", "2026-02-01", "--to", "2026-01-01"]) != 0
    assert capsys.readouterr().err.strip().startswith("onerecord-server: The 'to' date")
    assert cli.main([*base, "--from", "2026-01-01", "--to", "2026-02-01", "--team", "Nowhere"]) == 1
    assert capsys.readouterr().err.strip() == (
        "onerecord-server: This server keeps no team with that id or name."
    )
    assert cli.main([*base, "--period", "last-week"]) == 1
    assert (
        capsys.readouterr()
        .err.strip()
        .startswith(
            "onerecord-server: There is no period called last-week: choose one of last-12-months"
        )
    )
    assert cli.main([*base, "--period", "last-quarter"]) == 0
    quarter = periods(clock.today())[1]
    assert f"{long_date(quarter.start)} to {long_date(quarter.end)}" in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:
        cli.main(
            [*base, "--from", "2026-01-01", "--to", "2026-02-01", "--team", "a", "--locality", "b"]
        )
    assert usage.value.code == 2


def test_the_installed_command_runs(tmp_path: Path) -> None:
    """The real `onerecord-server` process, on a server database with nobody in it."""
    db = f"sqlite:///{tmp_path / 'server.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "sync.server.cli", "report", "outcomes", "--db", db, *PERIOD],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Outcomes: Partner organisation")
    assert "Traceback" not in done.stderr


def test_an_organisation_entry_the_server_cannot_read_is_no_name(
    server: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """The server's own organisation entry spoilt (by hand, or a bug) failed the report."""
    spoil_entries(server, "organisation", '{"name": ["not", "a", "name"]}')
    assert cli.main(["report", "outcomes", "--db", _url(server), *PERIOD]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Outcomes: Partner organisation") and "not" not in out.split("\n")[0]
