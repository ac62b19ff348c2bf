"""The first-run window refuses a weak or common passphrase on each way in (a profile
with no server, the demo, enrolling), says why in zxcvbn's plain words before
anything is made, and takes a strong one (app/services/profile/passphrase_strength.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.profile.passphrase_strength import TOO_GUESSABLE
from app.workspace import profile_exists
from tests.ui.helpers import choose_first_run, make_controller
from ui.app_controller import AppController
from ui.first_run.first_run_pages import DEMO, ENROL, LOCAL
from ui.kit.tasks import TaskRunner

pytestmark = pytest.mark.gui

STRONG = "kettle moorland lantern"
WEAK = {
    "password12": "This is a very common password.",
    "Password123!": "This is similar to a commonly used password.",
    "qwertyuiop": "This is a top-100 common password.",  # a keyboard walk
}


def _type_passphrase(qtbot: QtBot, controller: AppController, passphrase: str) -> None:
    window = controller.first_run_window
    qtbot.keyClicks(window.passphrase, passphrase)
    qtbot.keyClicks(window.confirmation, passphrase)
    qtbot.keyClick(window.confirmation, Qt.Key.Key_Return)


@pytest.mark.parametrize("way", [LOCAL, DEMO, ENROL])
def test_a_weak_passphrase_is_refused_with_the_reason_on_every_way_in(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path, way: str
) -> None:
    folder = tmp_path / "p"
    controller = make_controller(qtbot, runner, folder)
    try:
        window = controller.first_run_window
        choose_first_run(qtbot, controller, way)
        if way == LOCAL:
            qtbot.keyClicks(window.name, "Priya Shah")
            qtbot.keyClicks(window.organisation, "North Dales Council")
        if way == ENROL:
            qtbot.keyClicks(window.enrol_page.server, "http://127.0.0.1:9")
            qtbot.keyClicks(window.enrol_page.code, "ABCD-EFGH-JKLM")
        for weak, reason in WEAK.items():
            _type_passphrase(qtbot, controller, weak)
            said = window.message.text()
            assert said.startswith(TOO_GUESSABLE) and reason in said, said
            assert weak not in said
            assert window.passphrase.text() == "" and window.passphrase.hasFocus()
            assert not profile_exists(folder)
            assert not controller.unlocked
    finally:
        controller.shutdown()


def test_a_strong_passphrase_is_taken(qtbot: QtBot, runner: TaskRunner, tmp_path: Path) -> None:
    folder = tmp_path / "p"
    controller = make_controller(qtbot, runner, folder)
    try:
        window = controller.first_run_window
        choose_first_run(qtbot, controller, LOCAL)
        qtbot.keyClicks(window.name, "Priya Shah")
        qtbot.keyClicks(window.organisation, "North Dales Council")
        _type_passphrase(qtbot, controller, "password12")
        assert window.message.text().startswith(TOO_GUESSABLE)
        qtbot.keyClicks(window.passphrase, STRONG)
        qtbot.keyClicks(window.confirmation, STRONG)
        with qtbot.waitSignal(controller.model.first_page_loaded, timeout=10_000):
            qtbot.mouseClick(window.create_button, Qt.MouseButton.LeftButton)
        assert controller.unlocked and profile_exists(folder)
    finally:
        controller.shutdown()
