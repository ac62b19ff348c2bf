"""Locking (Ctrl+L or idle) leaves nothing identifiable on screen; unlocking returns
the user to the same search and scroll position."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)
from pytestqt.qtbot import QtBot

from app.workspace import Workspace
from tests.ui.helpers import PEOPLE, make_controller, names, show_whole_team, unlock
from ui.app_controller import AppController
from ui.idle import IdleWatcher
from ui.kit.tasks import TaskRunner

pytestmark = pytest.mark.gui


def _visible_text(controller: AppController) -> str:
    """Every label, field, text pane and cell of every window the app has, as one string."""
    texts: list[str] = []
    windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    for window in {controller.main_window, controller.unlock_window, *windows}:
        texts += [label.text() for label in window.findChildren(QLabel)]
        texts += [field.text() for field in window.findChildren(QLineEdit)]
        texts += [pane.toPlainText() for pane in window.findChildren(QTextEdit)]
        texts += [pane.toPlainText() for pane in window.findChildren(QPlainTextEdit)]
        texts += [window.windowTitle()]
        for view in window.findChildren(QAbstractItemView):
            model = view.model()
            if model is None:
                continue
            columns = (
                model.columnCount(QModelIndex())
                if isinstance(model, QAbstractTableModel)
                else 1  # list models keep columnCount private in PySide6
            )
            texts += [
                str(model.index(r, c).data())
                for r in range(model.rowCount(QModelIndex()))
                for c in range(columns)
            ]
    return "\n".join(texts)


def test_idle_locks_hides_data_and_unlock_restores_the_search(
    qtbot: QtBot, runner: TaskRunner, profile: Path
) -> None:
    # A long limit while setting up, so a busy machine cannot lock before the typing.
    controller = make_controller(qtbot, runner, profile, idle_ms=60_000)
    try:
        unlock(qtbot, controller)
        show_whole_team(qtbot, controller)
        controller.idle.set_timeout(200)
        # Typing restarts the idle timer; the lock comes 200 ms after the last key.
        qtbot.keyClicks(controller.main_window.caseload.search, "ashw")

        qtbot.waitUntil(lambda: not controller.unlocked, timeout=5_000)
        controller.idle.set_timeout(60_000)  # and no second lock while checking the unlock
        assert controller.model.rowCount() == 0
        assert not controller.main_window.isVisible()
        assert controller.unlock_window.isVisible()
        assert controller.unlock_window.message.text() == "Locked after 1 minute without use."
        text = _visible_text(controller)
        for person in PEOPLE:
            assert person.family_name not in text
            assert person.nhs_number[-4:] not in text
        assert "ashw" not in text  # even the search text is out of the widgets

        unlock(qtbot, controller)
        assert controller.main_window.caseload.search.text() == "ashw"
        assert names(controller) == ["Ashworth, Ada", "Ashworth, Cerys"]
    finally:
        controller.shutdown()


def test_someone_typing_keeps_it_unlocked_past_the_limit_and_the_lock_comes_when_they_stop(
    qtbot: QtBot,
) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    qtbot.waitExposed(field)
    watcher = IdleWatcher(1_000)
    locked: list[float] = []
    watcher.idle.connect(lambda: locked.append(time.monotonic()))
    watcher.start()
    try:
        # Two and a half times the limit, a key every tenth of a second.
        typing_until = time.monotonic() + 2.5
        while time.monotonic() < typing_until:
            qtbot.keyClick(field, Qt.Key.Key_A)
            qtbot.wait(100)
        assert not locked, "input did not count as someone at the laptop"
        stopped = time.monotonic()
        qtbot.waitUntil(lambda: bool(locked), timeout=5_000)
        assert locked[0] - stopped >= 0.7  # about a second after the last key, not before
    finally:
        watcher.stop()


def test_ctrl_l_locks_and_closes_the_workspace(qtbot: QtBot, controller: AppController) -> None:
    opened: list[Workspace] = []
    controller.unlock.unlocked.connect(opened.append)
    unlock(qtbot, controller)
    table = controller.main_window.caseload.table
    table.setFocus()

    qtbot.keyClick(table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)

    assert not controller.unlocked
    assert not controller.main_window.isVisible()
    assert controller.model.rowCount() == 0
    assert controller.unlock_window.message.text() == "Locked."
    qtbot.waitUntil(lambda: not opened[0].store.is_open)  # the key is dropped on the worker


def test_unlock_returns_to_the_same_scroll_position_and_sort(
    qtbot: QtBot, runner: TaskRunner, long_profile: Path
) -> None:
    controller = make_controller(qtbot, runner, long_profile)
    try:
        unlock(qtbot, controller)
        show_whole_team(qtbot, controller)
        table = controller.main_window.caseload.table
        controller.model.sort(1, Qt.SortOrder.DescendingOrder)
        qtbot.waitUntil(lambda: names(controller)[:1] == ["Family079, Test"])
        table.scroll_to_row(50)
        table.select_row(52)
        first = table.first_visible_row()
        assert first == 50

        controller.lock("Locked.")
        assert controller.model.rowCount() == 0
        unlock(qtbot, controller)

        assert names(controller)[0] == "Family079, Test"  # still Z-A
        assert table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        qtbot.waitUntil(lambda: table.first_visible_row() == first)
        assert table.currentIndex().row() == 52
    finally:
        controller.shutdown()
