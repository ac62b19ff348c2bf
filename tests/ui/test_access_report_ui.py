"""The access report in the desktop app: only for coordinators and the IG lead, read
on the task runner, break-glass and failed unlocks in red, filters, emptied on lock.
A GUI lock and a wrong passphrase typed at the lock screen show up in it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.need_to_know.break_glass import break_glass_by_nhs
from app.services.record.people import NewPerson, find, register
from app.services.record.record_view import person_record
from app.values.vocab import Role
from app.workspace import create
from tests.ui.helpers import FAST_KDF, PASSPHRASE, make_controller, unlock
from ui.app_controller import AppController
from ui.kit.rows_model import ROW_ROLE, WARNING
from ui.kit.tasks import TaskRunner

REASON = "Safeguarding call from the police about a welfare check"


@pytest.fixture
def coordinator_profile(tmp_path: Path) -> Path:
    path = tmp_path / "Coordinator"
    ws = create(path, PASSPHRASE, user_name="Rhian Hughes", role=Role.COORDINATOR, kdf=FAST_KDF)
    try:
        register(ws, NewPerson("9990000018", "Ada", "Ashworth", "1940-11-22", "DL8 3AB"))
        register(ws, NewPerson("9990000026", "Bryn", "Pritchard", "1951-10-30", "BD23 1JD"))
        with ws.store.write(ws.actor) as session:
            find(session, "9990000026").team_id = "another-team"
        person_record(ws, "9990000018")
        break_glass_by_nhs(ws, "9990000026", REASON)
    finally:
        ws.close()
    return path


@pytest.fixture
def coordinator(
    qtbot: QtBot, runner: TaskRunner, coordinator_profile: Path
) -> Iterator[AppController]:
    app = make_controller(qtbot, runner, coordinator_profile)
    yield app
    app.shutdown()


def _open_report(qtbot: QtBot, app: AppController) -> None:
    action = app.main_window.access_report_action
    assert action.isVisible()
    action.trigger()
    dialog = app.access_report.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=10_000)


def test_coordinator_sees_break_glass_highlighted_and_filters(
    qtbot: QtBot, coordinator: AppController
) -> None:
    window = coordinator.unlock_window
    qtbot.keyClicks(window.passphrase, "not my passphrase at all")
    qtbot.keyClick(window.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: coordinator.unlock.failures == 1, timeout=10_000)
    window.passphrase.clear()
    unlock(qtbot, coordinator)
    _open_report(qtbot, coordinator)
    dialog = coordinator.access_report.dialog
    assert dialog is not None
    model = dialog.model
    rows = [model.index(r, 0).data(ROW_ROLE) for r in range(model.rowCount())]
    kinds = {row.kind for row in rows}
    assert {"view", "break_glass", "failed_unlock", "unlock"} <= kinds
    glass = next(r for r in range(model.rowCount()) if rows[r].kind == "break_glass")
    assert model.index(glass, 1).data() == "Break-glass"
    assert model.index(glass, 1).data(Qt.ItemDataRole.ForegroundRole).color() == WARNING
    assert model.index(glass, 1).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(glass, 4).data() == REASON
    assert "Pritchard" in model.index(glass, 3).data()
    assert model.index(glass, 2).data() == "Rhian Hughes (coordinator)"
    view = next(r for r in range(model.rowCount()) if rows[r].kind == "view")
    assert model.index(view, 1).data(Qt.ItemDataRole.ForegroundRole) is None

    dialog.kind.setCurrentIndex(dialog.kind.findData("failed_unlock"))
    qtbot.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10_000)
    assert model.index(0, 0).data(ROW_ROLE).kind == "failed_unlock"
    assert dialog.show_button.height() >= 44

    dialog.nhs.setText("123")
    qtbot.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)

    coordinator.lock("Locked.")
    assert coordinator.access_report.dialog is None
    assert model.rowCount() == 0  # nothing identifiable left in the model


def test_the_gui_lock_is_audited(qtbot: QtBot, coordinator: AppController) -> None:
    unlock(qtbot, coordinator)
    coordinator.lock("Locked.")
    coordinator.unlock_window.passphrase.clear()
    unlock(qtbot, coordinator)
    _open_report(qtbot, coordinator)
    dialog = coordinator.access_report.dialog
    assert dialog is not None
    rows = [dialog.model.index(r, 0).data(ROW_ROLE) for r in range(dialog.model.rowCount())]
    assert {"how": "user"} in [r.detail for r in rows if r.kind == "lock"]


def test_practitioners_do_not_get_the_report(qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    assert not controller.main_window.access_report_action.isVisible()
    controller.open_access_report()
    assert controller.access_report.dialog is None
