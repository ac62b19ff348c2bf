"""Which tests read "today", so CI re-runs only those as of other days.

CI's whole run (scripts/test) runs every test once as of the real day, then again as of
a leap day and a year's last day through the clock's seam (ONERECORD_CLOCK_DATE, read
by storage/wallclock.py). A test that never reads that clock cannot see the move, so
re-running it proves nothing and costs minutes. The first pass therefore notes which
tests read it, and the later passes run just those.

A test counts as reading the clock when, between its setup and its teardown, anything
in its process calls the seam (any thread: the database lane and the network lane
too), when a fixture it uses read the clock while being set up (a session's demo
caseload built as of today counts for every test that uses it), when its module read
the clock while being imported (dates in parameter ids), or when it started another
process (a CLI run in a subprocess reads the clock where this process cannot see it).
Every doubt counts as reading it: the cost of a wrong guess is a slower run, never a
date bug missed.

    ONERECORD_CLOCK_TRACE=DIR   the first pass: each process writes DIR/<worker>.json
    ONERECORD_CLOCK_RERUN=DIR   a later pass: only the tests DIR's files name run; with
                                no complete record there, every test collected runs
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

import storage.wallclock as wallclock

TRACE = "ONERECORD_CLOCK_TRACE"
RERUN = "ONERECORD_CLOCK_RERUN"
PLUGIN_NAME = "onerecord-clock-trace"


class _Reads:
    """How many times the clock's seam, or a new process, was asked for."""

    def __init__(self) -> None:
        self.count = 0

    def counting(self, wrapped: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return wrapped(*args, **kwargs)

        return counted


class ClockTrace:
    """The first pass: notes the tests, fixtures and modules that read the clock."""

    def __init__(self, out: Path, worker: str) -> None:
        self.out = out
        self.worker = worker
        self.reads = _Reads()
        self.fixtures: set[str] = set()
        self.modules: set[str] = set()
        self.tests: set[str] = set()
        self.ran = 0
        wallclock._offset = self.reads.counting(wallclock._offset)
        subprocess.Popen.__init__ = self.reads.counting(subprocess.Popen.__init__)  # type: ignore[method-assign]
        multiprocessing.Process.start = self.reads.counting(multiprocessing.Process.start)  # type: ignore[method-assign]

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(self, collector: pytest.Collector) -> Generator[None, Any, Any]:
        before = self.reads.count
        report = yield
        if isinstance(collector, pytest.Module) and self.reads.count > before:
            self.modules.add(collector.nodeid)
        return report

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef: Any, request: Any) -> Generator[None, Any, Any]:
        before = self.reads.count
        try:
            return (yield)
        finally:
            if self.reads.count > before:
                self.fixtures.add(fixturedef.argname)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, Any, Any]:
        before = self.reads.count
        try:
            return (yield)
        finally:
            self.ran += 1
            used = set(getattr(item, "fixturenames", ()))
            if self.reads.count > before or used & self.fixtures:
                self.tests.add(item.nodeid)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        record = {
            "ran": self.ran,
            "complete": exitstatus in (0, pytest.ExitCode.NO_TESTS_COLLECTED),
            "modules": sorted(self.modules),
            "tests": sorted(self.tests),
        }
        (self.out / f"{self.worker}.json").write_text(json.dumps(record), encoding="utf-8")


class ClockRerun:
    """A later pass: deselects the tests the first pass saw never read the clock."""

    def __init__(self, modules: set[str], tests: set[str]) -> None:
        self.modules = modules
        self.tests = tests

    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        keep: list[pytest.Item] = []
        dropped: list[pytest.Item] = []
        for item in items:
            module = item.nodeid.split("::")[0]
            reads = item.nodeid in self.tests or module in self.modules
            (keep if reads else dropped).append(item)
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = keep


def _recorded(folder: Path) -> tuple[set[str], set[str]] | None:
    """The first pass's record, or None when it is missing or did not finish."""
    files = sorted(folder.glob("*.json"))
    if not files:
        return None
    modules: set[str] = set()
    tests: set[str] = set()
    for path in files:
        record = json.loads(path.read_text(encoding="utf-8"))
        if not record["complete"]:
            return None
        modules.update(record["modules"])
        tests.update(record["tests"])
    return modules, tests


def install(config: pytest.Config) -> None:
    """Called from tests/conftest.py's pytest_configure in every process."""
    workerinput = getattr(config, "workerinput", None)
    if os.environ.get(TRACE):
        if (
            workerinput is None
            and config.pluginmanager.hasplugin("xdist")
            and config.option.numprocesses
        ):
            return  # the controller runs no test; each worker writes its own record
        worker = workerinput["workerid"] if workerinput else "main"
        config.pluginmanager.register(ClockTrace(Path(os.environ[TRACE]), worker), PLUGIN_NAME)
    elif os.environ.get(RERUN):
        recorded = _recorded(Path(os.environ[RERUN]))
        if recorded is not None:
            config.pluginmanager.register(ClockRerun(*recorded), PLUGIN_NAME)
