"""The first run: no profile in the folder means a choice (enrol with the team's server,
try the demo, or a profile with no server), not an error. Enrolling runs against a real
server on loopback; the demo builds a real (small) synthetic caseload."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.demo.roles import DEMO_ROLES
from app.values.vocab import Role
from app.workspace import is_demo_profile, profile_exists, unlock
from storage.tables import Person
from sync.client.first_run import enrol_new_laptop
from tests.sync.conftest import RunningServer
from tests.ui.helpers import FAST_KDF, choose_first_run, make_controller, show_whole_team
from ui.app_controller import AppController
from ui.first_run.first_run_controller import make_demo
from ui.first_run.first_run_pages import DEMO, ENROL, LOCAL
from ui.kit.tasks import TaskRunner

pytestmark = pytest.mark.gui

GOOD = "kettle moorland lantern"
on_sqlite = pytest.mark.parametrize("server", ["sqlite"], indirect=True)


def _texts(controller: AppController) -> str:
    window = controller.first_run_window
    return " ".join(label.text() for label in window.findChildren(QLabel) if label.isVisible())


def _passphrase(qtbot: QtBot, controller: AppController, first: str, second: str) -> None:
    window = controller.first_run_window
    qtbot.keyClicks(window.passphrase, first)
    qtbot.keyClicks(window.confirmation, second)


def test_the_first_run_offers_enrolling_and_the_demo_first(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    controller = make_controller(qtbot, runner, tmp_path / "New laptop")
    try:
        window = controller.first_run_window
        qtbot.waitUntil(window.isVisible)
        assert window.title.text() == "Welcome to OneRecord"
        choice = window.choice
        for button in (choice.enrol_button, choice.demo_button):
            assert button.isVisible() and button.height() >= 44
        assert choice.enrol_button.accessibleName() == "Enrol with my team's server"
        assert choice.demo_button.accessibleName() == "Try the demo caseload"
        assert choice.enrol_button.hasFocus()
        assert not window.passphrase.isVisible()  # nothing to type until a way is chosen
        assert "made-up people only" in _texts(controller)

        qtbot.mouseClick(choice.demo_button, Qt.MouseButton.LeftButton)
        # The demo asks whom to sign in as first (the nurse unless another role is chosen).
        assert window.demo_page.role.hasFocus()
        assert window.demo_page.chosen_role() == Role.COMMUNITY_NURSE.value
        assert window.passphrase.isVisible()
        assert "delete the demo and start again" in _texts(controller)
        qtbot.mouseClick(window.back_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(choice.enrol_button, Qt.MouseButton.LeftButton)
        assert window.enrol_page.server.hasFocus()
        texts = _texts(controller)
        assert "three or four unrelated words (at least 10 characters)" in texts
        assert "no way back in, not even for your administrator" in texts
        assert "Your administrator re-enrols the laptop" in texts
        assert window.create_button.text() == "Enrol this laptop"
    finally:
        controller.shutdown()


def test_first_run_creates_the_profile_and_signs_in(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "New laptop"
    controller = make_controller(qtbot, runner, folder)
    try:
        window = controller.first_run_window
        choose_first_run(qtbot, controller, LOCAL)
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
        choose_first_run(qtbot, controller, LOCAL)
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


def test_the_demo_caseload_is_made_and_opened(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "Demo"
    controller = make_controller(qtbot, runner, folder)
    controller.first_run.demo_maker = partial(make_demo, people=6, seed=11, kdf=FAST_KDF)
    try:
        window = controller.first_run_window
        choose_first_run(qtbot, controller, DEMO)
        _passphrase(qtbot, controller, "short", "short")
        qtbot.keyClick(window.confirmation, Qt.Key.Key_Return)
        assert "at least 10 characters" in window.message.text()
        assert not profile_exists(folder)

        _passphrase(qtbot, controller, GOOD, GOOD)
        with qtbot.waitSignal(controller.first_run.created, timeout=30_000):
            qtbot.mouseClick(window.create_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(controller.main_window.isVisible, timeout=10_000)
        assert controller.unlocked
        assert controller.main_window.demo_label.isVisible()
        assert is_demo_profile(folder)
        show_whole_team(qtbot, controller)
        # The six made-up people, less any the demo made as closed cases (which cases
        # are closed depends on the demo's date): the caseload lists open ones only.
        workspace = controller.workspace
        assert workspace is not None
        with workspace.store.read() as session:
            statuses = list(session.execute(select(Person.status)).scalars())
        assert len(statuses) == 6
        assert controller.model.rowCount() == statuses.count("open") > 0
    finally:
        controller.shutdown()


def test_the_demo_offers_each_role_and_signs_in_the_coordinator(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "Demo"
    controller = make_controller(qtbot, runner, folder)
    controller.first_run.demo_maker = partial(make_demo, people=6, seed=11, kdf=FAST_KDF)
    try:
        window = controller.first_run_window
        choose_first_run(qtbot, controller, DEMO)
        page = window.demo_page
        offered = [page.role.itemData(i) for i in range(page.role.count())]
        assert offered == list(DEMO_ROLES)
        assert page.role.itemText(offered.index("ig_lead")) == "Information governance lead"
        assert "Today's round of home visits" in page.sees.text()
        # Chosen from the keyboard, as a user without a mouse would: down to the coordinator.
        for _ in range(offered.index(Role.COORDINATOR.value)):
            qtbot.keyClick(page.role, Qt.Key.Key_Down)
        assert page.chosen_role() == Role.COORDINATOR.value
        assert "The Team view" in page.sees.text()
        assert page.role.accessibleDescription() == page.sees.text()

        _passphrase(qtbot, controller, GOOD, GOOD)
        with qtbot.waitSignal(controller.first_run.created, timeout=30_000):
            qtbot.mouseClick(window.create_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(controller.main_window.isVisible, timeout=10_000)
        workspace = controller.workspace
        assert workspace is not None and workspace.demo
        assert workspace.actor.role == Role.COORDINATOR.value
        assert controller.main_window.home.isTabVisible(controller.team.tab)
    finally:
        controller.shutdown()


@on_sqlite
def test_enrolling_with_the_team_server_signs_in_as_the_server_says(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path, server: RunningServer
) -> None:
    folder = tmp_path / "Laptop"
    controller = make_controller(qtbot, runner, folder)
    controller.first_run.enroller = partial(enrol_new_laptop, kdf=FAST_KDF)
    try:
        window = controller.first_run_window
        page = window.enrol_page
        choose_first_run(qtbot, controller, ENROL)

        # A wrong code: said plainly, nothing left behind, and the address stays typed.
        qtbot.keyClicks(page.server, server.url)
        qtbot.keyClicks(page.code, "WRONG-CODE-0000")
        _passphrase(qtbot, controller, GOOD, GOOD)
        qtbot.mouseClick(window.create_button, Qt.MouseButton.LeftButton)
        assert not window.create_button.isEnabled()  # busy while the server answers
        qtbot.waitUntil(lambda: window.message.isVisible(), timeout=15_000)
        assert "code" in window.message.text().lower()
        assert window.create_button.isEnabled()
        assert not profile_exists(folder)
        assert page.server.text() == server.url

        page.code.clear()
        qtbot.keyClicks(page.code, server.code_for("Ceri Jones"))
        window.clear_passphrases()
        _passphrase(qtbot, controller, GOOD, GOOD)
        with qtbot.waitSignal(controller.first_run.created, timeout=30_000):
            qtbot.keyClick(window.confirmation, Qt.Key.Key_Return)
        qtbot.waitUntil(controller.main_window.isVisible, timeout=10_000)
        assert controller.main_window.user_label.text() == (
            "Signed in as: Ceri Jones, Social worker"
        )
        assert not controller.main_window.demo_label.isVisible()
        qtbot.waitUntil(controller.main_window.sync_action.isEnabled, timeout=10_000)
    finally:
        controller.shutdown()
    reopened = unlock(folder, GOOD)  # the passphrase typed at enrolment unlocks it
    assert reopened.user_name == "Ceri Jones"
    reopened.close()
