"""Shared test data and steps for the GUI tests (fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.people import NewPerson, edit, register
from app.values.nhs_number import check_digit
from app.workspace import create
from storage.keyvault import KdfParams
from ui.app_controller import AppController
from ui.tasks import TaskRunner
from ui.unlock_controller import Backoff

PASSPHRASE = "a long test passphrase"
FAST_KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
STAFF = "Sam Taylor"

# Synthetic people, NHS numbers from the 999 test range (valid check digits).
PEOPLE = (
    NewPerson("9990000018", "Ada", "Ashworth", "1940-11-22", "DL8 3AB"),
    NewPerson("9990000026", "Bryn", "Pritchard", "1951-10-30", "BD23 1JD"),
    NewPerson("9990000034", "Cerys", "Ashworth", "1948-02-14", "DL8 4QT"),
    NewPerson("9990000042", "Dev", "Kumar", "1962-03-05", "LA2 8PQ"),
)
NAMES_BY_NAME = ["Ashworth, Ada", "Ashworth, Cerys", "Kumar, Dev", "Pritchard, Bryn"]
# A short back-off so the countdown can be watched without slowing the suite.
TEST_BACKOFF = Backoff(first_delay_s=0.4)


def make_profile(path: Path, *, demo: bool = False) -> Path:
    workspace = create(path, PASSPHRASE, user_name=STAFF, kdf=FAST_KDF, demo=demo)
    try:
        for person in PEOPLE:
            register(workspace, person)
        edit(workspace, "9990000042", {"lead_professional": STAFF})
    finally:
        workspace.close()
    return path


def make_long_profile(path: Path, people: int) -> Path:
    """A caseload long enough to scroll: `Family000, Test` ... in name order."""
    workspace = create(path, PASSPHRASE, user_name=STAFF, kdf=FAST_KDF)
    try:
        serial = 100
        for n in range(people):
            while (check := check_digit(f"999{serial:06d}")) == 10:
                serial += 1
            number = f"999{serial:06d}{check}"
            serial += 1
            register(
                workspace, NewPerson(number, "Test", f"Family{n:03d}", "1950-01-01", "DL8 3AB")
            )
    finally:
        workspace.close()
    return path


def make_controller(
    qtbot: QtBot, runner: TaskRunner, profile: Path, *, idle_ms: int = 60_000
) -> AppController:
    controller = AppController(runner, profile, idle_ms=idle_ms, backoff=TEST_BACKOFF)
    qtbot.addWidget(controller.unlock_window)
    qtbot.addWidget(controller.main_window)
    controller.start()
    return controller


def unlock(qtbot: QtBot, controller: AppController, passphrase: str = PASSPHRASE) -> None:
    """Type the passphrase, press Enter, and wait for the caseload's first page."""
    window = controller.unlock_window
    qtbot.keyClicks(window.passphrase, passphrase)
    with qtbot.waitSignal(controller.model.first_page_loaded, timeout=10_000):
        qtbot.keyClick(window.passphrase, Qt.Key.Key_Return)


def names(controller: AppController) -> list[str]:
    model = controller.model
    return [model.index(row, 1).data() for row in range(model.rowCount())]
