"""The unlock window: right passphrase opens the caseload, wrong ones back off."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from app.errors import WrongPassphraseError
from tests.ui.helpers import PASSPHRASE, make_controller, names, unlock
from ui.app_controller import AppController
from ui.kit.tasks import TaskRunner
from ui.unlock_controller import Backoff
from ui.unlock_window import PRIMARY_BUTTON_HEIGHT

pytestmark = pytest.mark.gui


def _fail_once(
    qtbot: QtBot, controller: AppController, attempt: str = "not the passphrase"
) -> None:
    window = controller.unlock_window
    qtbot.keyClicks(window.passphrase, attempt)
    qtbot.keyClick(window.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.message.isVisible() and window.passphrase.isEnabled())


def test_the_unlock_window_is_accessible(qtbot: QtBot, controller: AppController) -> None:
    window = controller.unlock_window
    qtbot.waitExposed(window)
    assert window.passphrase.echoMode() == QLineEdit.EchoMode.Password
    assert window.passphrase.accessibleName() == "Passphrase"
    assert window.unlock_button.accessibleName() == "Unlock"
    assert window.unlock_button.isDefault()
    assert window.unlock_button.height() >= PRIMARY_BUTTON_HEIGHT
    assert window.profile_label.text() == "Profile: Locality team"  # the folder's name
    assert not window.demo_banner.isVisible()


def test_right_passphrase_shows_the_caseload_with_its_count(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)

    qtbot.waitUntil(controller.main_window.isVisible)
    assert not controller.unlock_window.isVisible()
    # My caseload: only the people Sam Taylor is lead professional for.
    assert names(controller) == ["Kumar, Dev"]
    assert controller.main_window.caseload.count.text() == "1 person"
    assert controller.unlock_window.passphrase.text() == ""  # nothing left in the field
    status = controller.main_window
    # Not enrolled with a team server: said plainly, and no count of changes waiting.
    qtbot.waitUntil(lambda: status.offline_label.text() == "Not connected to a team server")
    assert status.pending_label.isHidden() and status.pending_label.text() == ""
    assert not status.demo_label.isVisible()
    assert status.user_label.text() == "Signed in as: Sam Taylor, Community nurse"


def test_wrong_passphrase_shows_the_message_and_does_not_open(
    qtbot: QtBot, controller: AppController
) -> None:
    _fail_once(qtbot, controller)

    window = controller.unlock_window
    assert window.message.text() == str(WrongPassphraseError())  # the app's plain message
    assert window.passphrase.text() == ""
    assert window.unlock_button.isEnabled()  # a first typo costs nothing
    assert not controller.main_window.isVisible()
    assert not controller.unlocked
    assert controller.unlock.failures == 1


def test_repeated_failures_back_off_with_a_countdown(
    qtbot: QtBot, controller: AppController
) -> None:
    window = controller.unlock_window
    _fail_once(qtbot, controller)
    _fail_once(qtbot, controller)

    assert not window.unlock_button.isEnabled()
    assert window.unlock_button.text() == "Try again in 1 s"
    # Enter does nothing while waiting.
    qtbot.keyClicks(window.passphrase, PASSPHRASE)
    qtbot.keyClick(window.passphrase, Qt.Key.Key_Return)
    assert not controller.unlocked
    assert controller.unlock.failures == 2

    qtbot.waitUntil(window.unlock_button.isEnabled, timeout=3_000)
    assert window.unlock_button.text() == "Unlock"
    with qtbot.waitSignal(controller.model.first_page_loaded, timeout=10_000):
        qtbot.keyClick(window.passphrase, Qt.Key.Key_Return)
    assert controller.unlocked
    assert controller.unlock.failures == 0


def test_backoff_doubles_after_the_first_free_attempt() -> None:
    backoff = Backoff()
    assert [backoff.delay_after(n) for n in range(1, 7)] == [0, 1, 2, 4, 8, 16]
    assert backoff.delay_after(50) == backoff.max_delay_s


def test_unlock_shows_a_busy_indicator_while_argon2_runs(
    qtbot: QtBot, controller: AppController
) -> None:
    window = controller.unlock_window
    qtbot.keyClicks(window.passphrase, PASSPHRASE)
    with qtbot.waitSignal(controller.model.first_page_loaded, timeout=10_000):
        qtbot.mouseClick(window.unlock_button, Qt.MouseButton.LeftButton)
        # Straight after the click, before the worker answers: busy, nothing to press.
        assert window.busy.isVisible()
        assert not window.unlock_button.isEnabled()
        assert not window.passphrase.isEnabled()
    assert not window.busy.isVisible()


def test_a_demo_profile_says_so_before_and_after_unlocking(
    qtbot: QtBot, runner: TaskRunner, demo_profile: Path
) -> None:
    controller = make_controller(qtbot, runner, demo_profile)
    try:
        qtbot.waitUntil(controller.unlock_window.demo_banner.isVisible)
        assert "synthetic" in controller.unlock_window.demo_text.text()
        unlock(qtbot, controller)
        assert controller.main_window.demo_label.isVisible()
        assert controller.main_window.demo_label.text() == "Demo profile"
    finally:
        controller.shutdown()
