"""The first pass notes every way a test can read "today"; the later passes run just those."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from tests import clock_trace

ROOT = Path(__file__).resolve().parents[1]

CONFTEST = """
import pytest
from storage import wallclock
from tests import clock_trace

def pytest_configure(config):
    clock_trace.install(config)

@pytest.fixture(scope="session")
def built_as_of_today():
    return wallclock.today()  # a session's demo: read once, for the first test only
"""

TESTS = {
    "test_pure.py": "def test_sums():\n    assert 1 + 1 == 2\n",
    "test_reads.py": (
        "from storage import wallclock\n"
        "def test_in_body():\n    assert wallclock.today().year > 2000\n"
        "def test_in_thread():\n"
        "    import threading\n"
        "    t = threading.Thread(target=wallclock.utcnow)\n"
        "    t.start(); t.join()\n"
        "def test_not_here():\n    assert True\n"
    ),
    "test_fixture.py": (
        "def test_first(built_as_of_today):\n    assert built_as_of_today\n"
        "def test_second(built_as_of_today):\n    assert built_as_of_today\n"
        "def test_without():\n    assert True\n"
    ),
    "test_module.py": (
        "import pytest\nfrom storage import wallclock\n"
        "@pytest.mark.parametrize('day', [wallclock.today().isoformat()])\n"
        "def test_dated(day):\n    assert day\n"
    ),
    "test_process.py": (
        "import subprocess, sys\n"
        "def test_cli():\n    subprocess.run([sys.executable, '-c', 'pass'], check=True)\n"
    ),
}

READ = {
    "test_reads.py::test_in_body",
    "test_reads.py::test_in_thread",
    "test_fixture.py::test_first",
    "test_fixture.py::test_second",
    "test_process.py::test_cli",
}


def _without_trace(environ: Mapping[str, str]) -> dict[str, str]:
    own = (clock_trace.TRACE, clock_trace.RERUN, "ONERECORD_CLOCK_DATE")
    return {k: v for k, v in environ.items() if k not in own}


def _pytest(folder: Path, **env: str) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-rA"],
        cwd=folder,
        # Not the outer run's own trace (CI's first pass sets it): this suite's only.
        env={**_without_trace(os.environ), "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def test_the_first_pass_notes_each_way_of_reading_the_date_and_the_later_runs_only_those(
    tmp_path: Path,
) -> None:
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    for name, text in TESTS.items():
        (suite / name).write_text(text, encoding="utf-8")
    record = tmp_path / "record"

    _pytest(suite, ONERECORD_CLOCK_TRACE=str(record))
    (written,) = record.glob("*.json")
    noted = json.loads(written.read_text(encoding="utf-8"))
    assert noted["complete"] and noted["ran"] == 9
    assert set(noted["tests"]) == READ
    assert noted["modules"] == ["test_module.py"]

    later = _pytest(suite, ONERECORD_CLOCK_RERUN=str(record), ONERECORD_CLOCK_DATE="2028-02-29")
    passed = {
        line.split()[1].split("[")[0] for line in later.splitlines() if line.startswith("PASSED")
    }
    assert passed == READ | {"test_module.py::test_dated"}
    assert "3 deselected" in later


def test_without_a_complete_first_pass_every_test_runs(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (suite / "test_pure.py").write_text(TESTS["test_pure.py"], encoding="utf-8")
    record = tmp_path / "record"
    record.mkdir()
    (record / "gw0.json").write_text(
        json.dumps({"ran": 1, "complete": False, "modules": [], "tests": []}), encoding="utf-8"
    )
    later = _pytest(suite, ONERECORD_CLOCK_RERUN=str(record))
    assert "1 passed" in later and "deselected" not in later
