"""tests/databases.py, run for real: pytest in a subprocess (with pytest-xdist, as
scripts/test runs it) on a tiny suite whose conftest is the project's own hook. Off
CI a missing PostgreSQL skips and says so; in CI, or with ONERECORD_TEST_POSTGRES
set, a skipped PostgreSQL test turns the session red; the per-database counts add
up across workers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.databases import require_postgres_url

REPO = Path(__file__).resolve().parents[2]

CONFTEST = """\
from tests.conftest import pytest_configure  # the project's own hook, nothing else
"""

FIXTURE = """\
import pytest
import sqlalchemy as sa

from tests.databases import require_postgres_url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.db'}"
    return require_postgres_url()


def answers(url):
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1
    engine.dispose()
"""

# 3 tests on SQLite and 4 meant for PostgreSQL (3 by the fixture, 1 by its marker),
# in two files so that two workers share them.
FILE_A = (
    FIXTURE
    + """

def test_one(url):
    answers(url)


def test_two(url):
    answers(url)


def test_on_no_database():
    assert sum([1, 1]) == 2
"""
)
FILE_B = (
    FIXTURE
    + """

def test_three(url):
    answers(url)


@pytest.mark.database("postgresql")
def test_marked():
    answers(require_postgres_url())
"""
)
OTHER_REASON = """\
import pytest


@pytest.mark.database("postgresql")
def test_skipped_for_another_reason():
    pytest.skip("not today")
"""


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"CI", "PYTEST_ADDOPTS", "PYTEST_CURRENT_TEST"}
        and not k.startswith(("ONERECORD_TEST_POSTGRES", "PYTEST_XDIST"))
    }
    env["PYTHONPATH"] = str(REPO)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env | extra


def _suite(tmp_path: Path, **files: str) -> Path:
    root = tmp_path / "suite"
    root.mkdir()
    (root / "pytest.ini").write_text("[pytest]\n")  # the root: the repo's options stay out
    (root / "conftest.py").write_text(CONFTEST)
    for name, text in (files or {"test_a.py": FILE_A, "test_b.py": FILE_B}).items():
        (root / name).write_text(text)
    return root


def _pytest(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _on_two_workers(suite: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    run = _pytest(suite, env, "-v", "-n", "2", "--dist", "loadfile")
    # Both workers ran tests, so the counts below are the controller's sum.
    assert "[gw0]" in run.stdout and "[gw1]" in run.stdout, run.stdout
    return run


def test_off_ci_a_missing_postgresql_skips_and_is_counted(tmp_path: Path) -> None:
    run = _pytest(_suite(tmp_path), _env(CI="false"), "-q", "-n", "0")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "databases: 3 ran on SQLite, 0 on PostgreSQL; 4 meant for PostgreSQL skipped" in (
        run.stdout
    )
    assert "FAILED" not in run.stdout


def test_in_ci_a_skipped_postgresql_test_fails_the_run(tmp_path: Path) -> None:
    run = _on_two_workers(_suite(tmp_path), _env(CI="true"))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "databases: 3 ran on SQLite, 0 on PostgreSQL; 4 meant for PostgreSQL skipped" in (
        run.stdout
    )
    assert "FAILED: 4 tests meant for PostgreSQL were skipped and CI is set" in run.stdout
    assert "4 passed, 4 skipped" in run.stdout  # no test failed: the session did


def test_onerecord_test_postgres_alone_also_fails_the_run(tmp_path: Path) -> None:
    run = _pytest(_suite(tmp_path), _env(ONERECORD_TEST_POSTGRES="1"), "-q", "-n", "0")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "were skipped and ONERECORD_TEST_POSTGRES is set" in run.stdout


def test_the_project_suites_postgresql_variants_are_recognised(tmp_path: Path) -> None:
    """The real `store` fixture of the server suite, run with CI set and no database."""
    run = _pytest(
        REPO,
        _env(CI="true", HOME=str(tmp_path)),
        "-q",
        "-n",
        "0",
        "tests/sync/test_server_fast_paths.py",
        "-k",
        "stored_column_for_column",
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "databases: 1 ran on SQLite, 0 on PostgreSQL; 1 meant for PostgreSQL skipped" in (
        run.stdout
    )
    assert "[postgresql]" in run.stdout


@pytest.mark.database("postgresql")
def test_with_postgresql_every_test_runs_and_the_workers_counts_add_up(tmp_path: Path) -> None:
    url = require_postgres_url()
    suite = _suite(tmp_path)
    line = "databases: 3 ran on SQLite, 4 on PostgreSQL"
    run = _on_two_workers(suite, _env(CI="true", ONERECORD_TEST_POSTGRES_URL=url))
    assert run.returncode == 0, run.stdout + run.stderr
    assert line in run.stdout and "skipped" not in run.stdout, run.stdout
    one = _pytest(suite, _env(CI="true", ONERECORD_TEST_POSTGRES_URL=url), "-q", "-n", "0")
    assert one.returncode == 0 and line in one.stdout, one.stdout


@pytest.mark.database("postgresql")
def test_in_ci_a_postgresql_test_skipped_for_any_reason_fails(tmp_path: Path) -> None:
    url = require_postgres_url()
    suite = _suite(tmp_path, **{"test_other.py": OTHER_REASON})
    run = _pytest(suite, _env(CI="true", ONERECORD_TEST_POSTGRES_URL=url), "-q", "-n", "0")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "FAILED: 1 tests meant for PostgreSQL were skipped and CI is set" in run.stdout
