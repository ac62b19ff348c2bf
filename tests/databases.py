"""Which server database each test ran on, counted across pytest-xdist workers, and a
red session when a test meant for PostgreSQL was skipped in CI.

A test is on a database when a fixture parametrises it with "sqlite" or "postgresql"
(tests/sync/conftest.py's `server` and its friends: the ids end in [sqlite] and
[postgresql]), or when it carries `@pytest.mark.database("postgresql")`. PostgreSQL
tests get their URL from `require_postgres_url()`, which skips when there is none;
any skip of such a test, or any skip with that helper's reason, counts as a PostgreSQL
test that did not run.

Workers tag each item at collection (`user_properties`, which travel with every
report to the controller); the controller alone counts, prints one summary line
(`databases: 212 ran on SQLite, 98 on PostgreSQL`) and, when CI or
ONERECORD_TEST_POSTGRES is set, fails the session if a PostgreSQL test skipped.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from dataclasses import dataclass, field

import pytest

from tests.ci import ci_is_set, flag_is_set

logger = logging.getLogger(__name__)

PLUGIN_NAME = "onerecord-databases"
PROPERTY = "database"
DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
NO_POSTGRES = "no PostgreSQL here: scripts/test prepares one and sets ONERECORD_TEST_POSTGRES_URL"
MARKER = "database(name): the server database the test runs on, 'sqlite' or 'postgresql'"


def require_postgres_url() -> str:
    """The PostgreSQL database for this test (each test makes its own schema in it),
    or a skip that tests/databases.py recognises and CI turns red."""
    __tracebackhide__ = True  # the skip is reported at the caller's line
    url = os.environ.get("ONERECORD_TEST_POSTGRES_URL")
    if not url:
        pytest.skip(NO_POSTGRES)
    return url


def database_of(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("database")
    if marker is not None:
        name = str(marker.args[0])
        if name not in DATABASES:
            raise pytest.UsageError(f"{item.nodeid}: unknown database {name!r} in its marker")
        return name
    callspec = getattr(item, "callspec", None)
    if callspec is not None:
        for value in callspec.params.values():
            if isinstance(value, str) and value in DATABASES:
                return value
    return None


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


@dataclass(eq=False)  # a plugin: pluggy keeps it in sets, so hashed by identity
class DatabaseTally:
    strict: bool  # CI or ONERECORD_TEST_POSTGRES: a skipped PostgreSQL test fails the run
    ran: Counter[str] = field(default_factory=Counter)
    skipped_postgres: list[str] = field(default_factory=list)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        # On xdist workers collection happens here, so the tag must ride on the item.
        for item in items:
            name = database_of(item)
            if name is not None:
                item.user_properties.append((PROPERTY, name))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        name = next((str(v) for k, v in report.user_properties if k == PROPERTY), None)
        if report.when == "call" and not report.skipped:
            if name is not None:
                self.ran[name] += 1
            return
        if not report.skipped or hasattr(report, "wasxfail"):
            return
        if name == "postgresql" or NO_POSTGRES in _skip_reason(report):
            self.skipped_postgres.append(report.nodeid)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(session.config, "workerinput"):
            return  # a worker's reports are counted by the controller
        if self.strict and self.skipped_postgres and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        line = (
            f"databases: {self.ran['sqlite']} ran on SQLite, {self.ran['postgresql']} on PostgreSQL"
        )
        if self.skipped_postgres:
            line += f"; {len(self.skipped_postgres)} meant for PostgreSQL skipped"
        terminalreporter.write_line(line)
        if self.strict and self.skipped_postgres:
            why = "CI" if ci_is_set() else "ONERECORD_TEST_POSTGRES"
            terminalreporter.write_line(
                f"FAILED: {len(self.skipped_postgres)} tests meant for PostgreSQL were skipped "
                f"and {why} is set (first: {self.skipped_postgres[0]})",
                red=True,
                bold=True,
            )


def install(config: pytest.Config) -> None:
    """Called from pytest_configure (tests/conftest.py) on the controller and on every
    worker: workers tag, the controller (or a single process) counts."""
    config.addinivalue_line("markers", MARKER)
    if config.pluginmanager.has_plugin(PLUGIN_NAME):
        return
    strict = ci_is_set() or flag_is_set("ONERECORD_TEST_POSTGRES")
    config.pluginmanager.register(DatabaseTally(strict), PLUGIN_NAME)
