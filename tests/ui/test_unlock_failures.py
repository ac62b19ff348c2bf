"""Wrong passphrases are remembered beside the key vault: quitting the app does not
reset the back-off, and the next unlock turns them into audit events."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.helpers import make_controller
from ui.app_controller import AppController
from ui.kit.tasks import TaskRunner


def _fail(qtbot: QtBot, app: AppController, expected: int) -> None:
    window = app.unlock_window
    qtbot.waitUntil(window.unlock_button.isEnabled, timeout=5_000)
    qtbot.keyClicks(window.passphrase, "not the passphrase")
    qtbot.keyClick(window.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: app.unlock.failures == expected, timeout=10_000)


def test_restarting_the_app_does_not_reset_the_back_off(qtbot: QtBot, profile: Path) -> None:
    first_runner = TaskRunner()
    first = make_controller(qtbot, first_runner, profile)
    _fail(qtbot, first, 1)
    _fail(qtbot, first, 2)
    first.shutdown()

    runner = TaskRunner()
    again = make_controller(qtbot, runner, profile)
    try:
        qtbot.waitUntil(lambda: again.unlock.failures == 2, timeout=10_000)  # read while locked
        _fail(qtbot, again, 3)
        # A fresh count would make this a free attempt; the remembered one waits.
        assert not again.unlock_window.unlock_button.isEnabled()
    finally:
        again.shutdown()
        runner.shutdown()
