"""scripts/postgres.sh (scripts/test's PostgreSQL step), run in bash against real
broken set-ups that leave the machine's own cluster alone: PostgreSQL missing from
PATH, a port nobody listens on, a wrong password. Off CI each gap is one line and the
suites skip; with CI set each is one line on stderr and a non-zero status, which
stops scripts/test (`set -e`) before pytest. And scripts/bootstrap.sh installs the
tools these checks and the PDF tests need."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.databases import require_postgres_url

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "postgres.sh"
BASH = "/bin/bash"
REQUIRED = "PostgreSQL is required when CI is set: "


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "CI" and not k.startswith("ONERECORD_TEST_POSTGRES")
    }
    env["ONERECORD_PY"] = sys.executable  # scripts/test exports the venv's python
    return env | extra


def _bash(commands: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The commands after sourcing postgres.sh under scripts/test's own shell options;
    the last line of stdout is what the variables are afterwards."""
    script = (
        f"set -euo pipefail; source {SCRIPT}; {commands}; "
        'echo "after: ${ONERECORD_TEST_POSTGRES:-unset} ${ONERECORD_TEST_POSTGRES_URL:-unset}"'
    )
    return subprocess.run(
        [BASH, "-c", script], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _one_error_line(run: subprocess.CompletedProcess[str], what: str) -> None:
    assert run.returncode == 1, run.stdout + run.stderr
    assert "after:" not in run.stdout  # the script stopped at the failing step
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(REQUIRED) and what in lines[0], run.stderr


def test_postgresql_not_installed(tmp_path: Path) -> None:
    empty = tmp_path / "bin"  # a PATH with no PostgreSQL commands in it
    empty.mkdir()
    off = _bash("postgres_up", _env(PATH=str(empty), ONERECORD_TEST_POSTGRES="1"))
    assert off.returncode == 0, off.stderr
    assert off.stdout.splitlines() == [
        "PostgreSQL is not installed (Debian: the postgresql package): "
        "the PostgreSQL tests will be skipped.",
        "after: unset unset",
    ]
    _one_error_line(_bash("postgres_up", _env(PATH=str(empty), CI="true")), "not installed")


def test_no_cluster_on_the_port_means_no_database(tmp_path: Path) -> None:
    port = str(_free_port())
    off = _bash("postgres_test_database", _env(ONERECORD_TEST_POSTGRES_PORT=port))
    assert off.returncode == 0, off.stderr
    assert off.stdout.splitlines()[-1] == "after: unset unset"
    assert "the PostgreSQL tests will be skipped." in off.stdout
    # As root it tries the cluster as the postgres user; otherwise it needs a URL.
    what = "cannot reach the cluster" if os.geteuid() == 0 else "ONERECORD_TEST_POSTGRES_URL"
    ci = _bash("postgres_test_database", _env(ONERECORD_TEST_POSTGRES_PORT=port, CI="1"))
    _one_error_line(ci, what)


def test_a_url_nobody_answers_on(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://onerecord_test:x@127.0.0.1:{_free_port()}/onerecord_test"
    off = _bash("postgres_test_database", _env(ONERECORD_TEST_POSTGRES_URL=url))
    assert off.returncode == 0, off.stderr
    assert off.stdout.splitlines()[-1] == "after: unset unset"
    ci = _bash("postgres_test_database", _env(ONERECORD_TEST_POSTGRES_URL=url, CI="true"))
    _one_error_line(ci, "ONERECORD_TEST_POSTGRES_URL does not accept a connection")


@pytest.mark.database("postgresql")
def test_the_real_database_answers_and_a_wrong_password_does_not() -> None:
    url = require_postgres_url()
    ok = _bash("postgres_test_database", _env(ONERECORD_TEST_POSTGRES_URL=url, CI="true"))
    assert ok.returncode == 0, ok.stderr
    assert "answers" in ok.stdout and ok.stdout.splitlines()[-1] == f"after: unset {url}"
    wrong = make_url(url).set(password="not-the-password").render_as_string(hide_password=False)
    bad = _bash("postgres_test_database", _env(ONERECORD_TEST_POSTGRES_URL=wrong, CI="true"))
    _one_error_line(bad, "does not accept a connection")


@pytest.mark.skipif(os.geteuid() != 0, reason="makes the role as the postgres user: root only")
def test_as_root_the_test_database_is_made_and_checked() -> None:
    """What CI does: no URL, a running cluster; the role and database are found or
    made, then reached over TCP with the password before the URL is exported."""
    url = make_url(require_postgres_url())
    if (url.host, url.username, url.database) != ("127.0.0.1", "onerecord_test", "onerecord_test"):
        pytest.skip("the PostgreSQL URL given is not the one scripts/test makes")
    run = _bash(
        "postgres_test_database", _env(ONERECORD_TEST_POSTGRES_PORT=str(url.port), CI="true")
    )
    assert run.returncode == 0, run.stderr
    made = f"postgresql+psycopg://onerecord_test:onerecord_test@127.0.0.1:{url.port}/onerecord_test"
    assert run.stdout.splitlines()[-2:] == [
        "PostgreSQL test database ready.",
        f"after: unset {made}",
    ]


def test_bootstrap_installs_postgresql_and_poppler_for_tests() -> None:
    listed = subprocess.run(
        [BASH, "-c", f"source {REPO / 'scripts' / 'bootstrap.sh'}; onerecord_system_packages test"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    assert {"postgresql", "poppler-utils"} <= set(listed)
