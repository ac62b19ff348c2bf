"""Refused and kept-aside changes in the desktop, against a real server on loopback:
after a sync the status bar counts them and says so; the count opens Sync
problems, which lists each with its plain reason (record and field, no value);
the refused change is still held on the laptop; locking closes and empties it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.workspace import Workspace
from storage.tables import ChangeRecord
from tests.sync.bad_rows import by_hand, server_row, set_field, zoe_on_the_team
from tests.sync.conftest import Laptop, RunningServer
from tests.sync.test_refusals_visible import REASON, unknown_field
from tests.ui.helpers import make_controller, unlock
from ui.app_controller import AppController
from ui.kit.tasks import TaskRunner
from ui.sync.sync_problems_dialog import SyncProblemsDialog

pytestmark = pytest.mark.gui
on_sqlite = pytest.mark.parametrize("server", ["sqlite"], indirect=True)


def _held(ws: Workspace, change_id: str) -> tuple[str | None, object]:
    with ws.store.read() as session:
        row = session.execute(
            select(ChangeRecord.push_error, ChangeRecord.pushed_at).where(
                ChangeRecord.change_id == change_id
            )
        ).one()
    return row[0], row[1]


@on_sqlite
def test_refused_and_kept_aside_changes_are_shown_with_their_reasons(
    qtbot: QtBot, runner: TaskRunner, server: RunningServer, laptop: Laptop
) -> None:
    nurse, zoe = zoe_on_the_team(laptop)
    refused_id = unknown_field(nurse, zoe)
    path = nurse.store.path
    nurse.close()
    by_hand(server, [set_field(server_row(server, "person", entity_id=zoe), "sex", 7)])

    controller: AppController = make_controller(qtbot, runner, path)
    window = controller.main_window
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)
    try:
        with qtbot.waitSignal(controller.sync.synced, timeout=15_000):
            unlock(qtbot, controller)  # syncs once on unlock
        qtbot.waitUntil(lambda: window.sync_problems_button.isVisible(), timeout=5_000)
        assert window.sync_problems_button.text() == "1 refused by the server · 1 kept aside"
        assert any(m.startswith("Synced, but 2 change(s) could not be synced") for m in said)

        qtbot.mouseClick(window.sync_problems_button, Qt.MouseButton.LeftButton)
        dialog = controller.sync.problems_dialog
        assert isinstance(dialog, SyncProblemsDialog)
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=5_000)
        assert dialog.isVisible()
        assert dialog.lines() == [
            f"Refused by the server: person, shoe size: {REASON}",
            "Kept aside on this laptop: person, sex: sex is not text",
        ]
        assert dialog.table.isVisibleTo(dialog) and not dialog.empty.isVisibleTo(dialog)

        # Still held on the laptop with the server's reason (read on the runner).
        held: list[tuple[str | None, object]] = []
        assert controller.ops.read(lambda ws: _held(ws, refused_id), on_done=held.append)
        qtbot.waitUntil(lambda: bool(held), timeout=5_000)
        assert held == [(REASON, None)]

        controller.lock("Locked.")
        assert controller.sync.problems_dialog is None
        assert not dialog.isVisible()
        assert dialog.model.rowCount() == 0
        assert window.sync_problems_button.isHidden()
    finally:
        controller.shutdown()
