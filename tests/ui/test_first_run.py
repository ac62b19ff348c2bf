"""The first run: no profile in the folder means 'Create your profile', not an error."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.workspace import profile_exists
from tests.ui.helpers import make_controller
from ui.tasks import TaskRunner

pytestmark = pytest.mark.gui

GOOD = "kettle moorland lantern"


def test_first_run_creates_the_profile_and_signs_in(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "New laptop"
    controller = make_controller(qtbot, runner, folder)
    try:
        window = controller.first_run_window
        qtbot.waitUntil(window.isVisible)
        assert not controller.unlock_window.isVisible()
        assert str(folder) in window.folder.text()
        assert "three or four unrelated words" in " ".join(
            label.text() for label in window.findChildren(type(window.folder))
        )

        qtbot.keyClicks(window.name, "Priya Shah")
        window.role.setCurrentIndex(window.role.findData("social_worker"))
        qtbot.keyClicks(window.organisation, "North Dales Council")
        qtbot.keyClicks(window.passphrase, GOOD)
        qtbot.keyClicks(window.confirmation, GOOD + "s")
        qtbot.keyClick(window.confirmation, Qt.Key.Key_Return)
        assert (
            window.message.text() == "The two passphrases are different: type the same one twice."
        )
        assert window.passphrase.text() == ""  # both cleared, to be typed again
        assert not profile_exists(folder)

        qtbot.keyClicks(window.passphrase, GOOD)
        qtbot.keyClicks(window.confirmation, GOOD)
        with qtbot.waitSignal(controller.model.first_page_loaded, timeout=10_000):
            qtbot.mouseClick(window.create_button, Qt.MouseButton.LeftButton)

        assert controller.unlocked
        assert profile_exists(folder)
        assert not window.isVisible()
        assert controller.main_window.user_label.text() == (
            "Signed in as: Priya Shah, Social worker"
        )
        assert controller.main_window.caseload.count.text() == "No one on the caseload yet"
    finally:
        controller.shutdown()


def test_a_weak_passphrase_is_explained_before_anything_is_made(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    controller = make_controller(qtbot, runner, tmp_path / "p")
    try:
        window = controller.first_run_window
        qtbot.waitUntil(window.isVisible)
        qtbot.keyClicks(window.name, "Sam")
        qtbot.keyClicks(window.organisation, "Trust")
        qtbot.keyClicks(window.passphrase, "short")
        qtbot.keyClicks(window.confirmation, "short")
        qtbot.mouseClick(window.create_button, Qt.MouseButton.LeftButton)
        assert "at least 10 characters" in window.message.text()
        window.name.clear()
        qtbot.keyClicks(window.passphrase, GOOD)
        qtbot.keyClicks(window.confirmation, GOOD)
        qtbot.mouseClick(window.create_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Enter your name" in window.message.text(), timeout=10_000)
        assert window.create_button.isEnabled()
        assert not controller.unlocked
        assert not profile_exists(tmp_path / "p")
    finally:
        controller.shutdown()
