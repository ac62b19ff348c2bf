"""GUI fixtures: a real throwaway encrypted profile per test, the real windows,
and the task runner stopped in teardown (as in Vorta's suite).

The profile is built once per session with a cheap Argon2 setting and copied
for each test, so every test starts from the same fresh, encrypted file.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.values.vocab import Role

# The sync suites' real loopback server and enrolled laptops, for tests/ui/test_sync_ui.py.
from tests.sync.conftest import laptop, server  # noqa: F401
from tests.ui.helpers import make_controller, make_long_profile, make_profile, make_team_profile
from ui.app_controller import AppController
from ui.kit.gui_gc import collect_on_gui_thread
from ui.kit.tasks import TaskRunner
from ui.style import apply_style


@pytest.fixture(scope="session", autouse=True)
def _styled(qapp: QApplication) -> None:
    """The real stylesheet, so tests see the sizes users see (one QApplication per
    session), and the collector on the GUI thread as in the app (ui/kit/gui_gc.py)."""
    apply_style(qapp)
    collect_on_gui_thread(qapp)


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_profile(tmp_path_factory.mktemp("template") / "profile")


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_profile(tmp_path_factory.mktemp("demo-template") / "demo", demo=True)


@pytest.fixture(scope="session")
def _long_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_long_profile(tmp_path_factory.mktemp("long-template") / "long", people=80)


@pytest.fixture
def long_profile(_long_template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(_long_template, tmp_path / "Long caseload"))


@pytest.fixture
def profile(_template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(_template, tmp_path / "Locality team"))


@pytest.fixture
def demo_profile(_demo_template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(_demo_template, tmp_path / "Demo caseload"))


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    task_runner = TaskRunner()
    yield task_runner
    task_runner.shutdown()  # idempotent: a controller may have shut it down already


@pytest.fixture
def controller(qtbot: QtBot, runner: TaskRunner, profile: Path) -> Iterator[AppController]:
    app_controller = make_controller(qtbot, runner, profile)
    yield app_controller
    app_controller.shutdown()


@pytest.fixture(scope="session")
def _coordinator_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_team_profile(tmp_path_factory.mktemp("coordinator") / "p", Role.COORDINATOR)


@pytest.fixture
def coordinator_team(
    qtbot: QtBot, runner: TaskRunner, _coordinator_template: Path, tmp_path: Path
) -> Iterator[tuple[AppController, Path]]:
    """The coordinator's app on a copy of the team profile, locked, and its folder."""
    profile = Path(shutil.copytree(_coordinator_template, tmp_path / "Team"))
    controller = make_controller(qtbot, runner, profile)
    yield controller, profile
    controller.shutdown()
