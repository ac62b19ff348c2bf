"""The status bar's sync line: a standalone or demo profile (not enrolled with any
team server) says so and shows no count of changes waiting, even after a change;
an enrolled laptop keeps its count, last sync and online state."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.services.changes import CASELOAD, Change
from app.services.record import people
from app.values.nhs_number import check_digit
from tests.sync.conftest import Laptop, RunningServer
from tests.ui.helpers import make_controller, unlock
from ui.app_controller import PENDING_REFRESH_MS, AppController
from ui.kit.tasks import TaskRunner
from ui.main_window import standalone_text, standalone_tip

pytestmark = pytest.mark.gui
on_sqlite = pytest.mark.parametrize("server", ["sqlite"], indirect=True)
NEW_NHS = f"999000077{check_digit('999000077')}"  # in no profile these tests start from


def _register(qtbot: QtBot, controller: AppController) -> None:
    new = people.NewPerson(NEW_NHS, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB")

    def write(ws: object) -> Change:
        people.register(ws, new)  # type: ignore[arg-type]
        return Change("person_registered", areas=frozenset({CASELOAD}))

    with qtbot.waitSignal(controller.ops.changed, timeout=5_000):
        assert controller.ops.write(write)


def _assert_standalone(qtbot: QtBot, controller: AppController) -> None:
    window = controller.main_window
    qtbot.waitUntil(lambda: window.offline_label.text() == standalone_text(), timeout=5_000)
    assert window.offline_label.toolTip() == standalone_tip()
    assert window.pending_label.isHidden() and window.pending_label.text() == ""
    assert not window.sync_action.isEnabled()
    assert window.last_sync_label.isHidden()


def test_a_standalone_profile_shows_no_pending_count(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    _assert_standalone(qtbot, controller)
    _register(qtbot, controller)  # a change here starts the pending count's refresh
    qtbot.wait(PENDING_REFRESH_MS + 600)  # the count's debounce, then its read
    assert not controller._pending_timer.isActive()  # the count was read, and not shown
    _assert_standalone(qtbot, controller)


def test_a_demo_profile_shows_no_pending_count(
    qtbot: QtBot, runner: TaskRunner, demo_profile: Path
) -> None:
    controller = make_controller(qtbot, runner, demo_profile)
    try:
        unlock(qtbot, controller)
        assert controller.main_window.demo_label.isVisible()
        _assert_standalone(qtbot, controller)
    finally:
        controller.shutdown()


@on_sqlite
def test_an_enrolled_laptop_keeps_its_count(
    qtbot: QtBot, runner: TaskRunner, server: RunningServer, laptop: Laptop
) -> None:
    ws = laptop("Sam Taylor")
    path = ws.store.path
    ws.close()
    controller = make_controller(qtbot, runner, path)
    window = controller.main_window
    try:
        with qtbot.waitSignal(controller.sync.synced, timeout=10_000):
            unlock(qtbot, controller)
        qtbot.waitUntil(lambda: not controller.sync.running, timeout=5_000)
        assert window.offline_label.text().startswith("Online · last synced ")
        assert window.pending_label.isVisible()
        assert window.pending_label.text() == "Nothing waiting to sync"
        _register(qtbot, controller)
        qtbot.waitUntil(
            lambda: (
                "waiting to sync" in window.pending_label.text()
                and window.pending_label.text() != "Nothing waiting to sync"
            ),
            timeout=5_000,
        )
        assert window.last_sync_label.text().startswith("Last synced ")
    finally:
        controller.shutdown()

    # Locked: the next profile opened starts from "not known to be enrolled".
    assert window.pending_label.isHidden()
