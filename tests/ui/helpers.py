"""Shared test data and steps for the GUI tests (fixtures live in conftest.py)."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QWidget
from pytestqt.qtbot import QtBot

from app.services import clock
from app.services.care import care_plan, risks, visits
from app.services.profile.profile_setup import create_profile
from app.services.record.people import NewPerson, edit, find, register
from app.values.nhs_number import check_digit
from app.values.vocab import Role
from app.workspace import Workspace, create
from storage.keyvault import KdfParams
from storage.tables import PlannedVisit
from ui.app_controller import AppController
from ui.first_run.first_run_pages import DEMO, ENROL, LOCAL
from ui.kit.forms import FormDialog
from ui.kit.tasks import TaskRunner
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
# Dev Kumar is on Sam Taylor's own caseload, with a plan, alerts, notes and a visit today.
DEV = "9990000042"
DEV_GOAL = "I want to walk to the village shop again"
KEY_SAFE_CODE = "C0DE 4321"
DEV_NOTES = 3
# A short back-off so the countdown can be watched without slowing the suite.
TEST_BACKOFF = Backoff(first_delay_s=0.4)


def make_profile(path: Path, *, demo: bool = False) -> Path:
    workspace = create(path, PASSPHRASE, user_name=STAFF, kdf=FAST_KDF, demo=demo)
    try:
        for person in PEOPLE:
            register(workspace, person)
        edit(workspace, DEV, {"lead_professional": STAFF})
        _dev_record(workspace, person_id_of(workspace, DEV))
    finally:
        workspace.close()
    return path


def person_id_of(workspace: Workspace, nhs: str) -> str:
    with workspace.store.read() as session:
        return find(session, nhs).id


def _dev_record(workspace: Workspace, dev: str) -> None:
    """A plan with one goal, two alerts (one with a key safe code), notes, a visit today."""
    care_plan.add_goal(workspace, person_id=dev, statement=DEV_GOAL, importance=8)
    risks.add_alert(workspace, person_id=dev, kind="allergy", summary="Allergy: penicillin")
    risks.add_alert(
        workspace,
        person_id=dev,
        kind="access_to_home",
        summary="Key safe by the back door",
        restricted_detail=KEY_SAFE_CODE,
    )
    now = clock.now()
    for n in range(DEV_NOTES):
        visits.record_visit(
            workspace,
            person_id=dev,
            narrative=f"Earlier visit {n + 1}: all well.",
            occurred_at=now - timedelta(days=30 - n),
        )
    start, _ = clock.day_bounds(clock.today())
    with workspace.store.write(workspace.actor) as session:
        session.add(
            PlannedVisit(
                person_id=dev,
                due_at=start + timedelta(hours=12),
                assigned_to_id=workspace.actor.user_id,
                purpose="Wound review",
            )
        )


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


def make_team_profile(path: Path, role: Role) -> Path:
    """A profile signed in with `role` on the team tests/app/team_data.py builds."""
    from tests.app.team_data import build_team

    ws = create(path, PASSPHRASE, user_name="Cleo Marsh", role=role, kdf=FAST_KDF)
    try:
        build_team(ws, as_role=None)
    finally:
        ws.close()
    return path


def register_form(qtbot: QtBot, controller: AppController, *, press: bool = True) -> FormDialog:
    """The New person form, opened with Ctrl+Shift+N (unless `press` is False: the
    caller opened it), once it is shown and active."""
    if press:
        qtbot.keyClick(
            controller.main_window,
            Qt.Key.Key_N,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    qtbot.waitUntil(lambda: controller.register.dialog is not None, timeout=5_000)
    dialog = controller.register.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5_000)
    return dialog


def make_controller(
    qtbot: QtBot, runner: TaskRunner, profile: Path, *, idle_ms: int = 60_000
) -> AppController:
    controller = AppController(
        runner,
        profile,
        idle_ms=idle_ms,
        backoff=TEST_BACKOFF,
        creator=partial(create_profile, kdf=FAST_KDF),
    )
    qtbot.addWidget(controller.unlock_window)
    qtbot.addWidget(controller.first_run_window)
    qtbot.addWidget(controller.main_window)
    controller.start()
    return controller


def unlock(qtbot: QtBot, controller: AppController, passphrase: str = PASSPHRASE) -> None:
    """Type the passphrase, press Enter, and wait for the caseload's first page. If it
    does not come, say what did happen (a load that failed emits no first page)."""
    window = controller.unlock_window
    failures: list[str] = []
    controller.model.failed.connect(failures.append)
    try:
        qtbot.keyClicks(window.passphrase, passphrase)
        with qtbot.waitSignal(
            controller.model.first_page_loaded, timeout=10_000, raising=False
        ) as first_page:
            qtbot.keyClick(window.passphrase, Qt.Key.Key_Return)
    finally:
        controller.model.failed.disconnect(failures.append)
    if not first_page.signal_triggered:
        raise AssertionError(
            "no first page of the caseload 10 s after unlocking: "
            f"the caseload's load failed with {failures}; the unlock window "
            f"{'shows' if window.isVisible() else 'is closed'} and says "
            f"{window.message.text()!r}; the main window is "
            f"{'shown' if controller.main_window.isVisible() else 'hidden'}; the "
            f"caseload {'is' if controller.model.busy else 'is not'} loading"
        )


def show_whole_team(qtbot: QtBot, controller: AppController) -> None:
    """Tick "Show the whole team" (the caseload starts with the user's own people)."""
    box = controller.main_window.caseload.whole_team
    with qtbot.waitSignal(controller.model.first_page_loaded, timeout=10_000):
        box.setChecked(True)


def names(controller: AppController) -> list[str]:
    model = controller.model
    return [model.index(row, 1).data() for row in range(model.rowCount())]


def choose_first_run(qtbot: QtBot, controller: AppController, way: str) -> None:
    """Click one way in on the first-run window (enrol, demo, or no server)."""
    window = controller.first_run_window
    # The window shows once the database lane has looked for the profile: on a loaded
    # machine (a CI worker beside a bundle being built) that once took over 5 s.
    qtbot.waitUntil(window.isVisible, timeout=15_000)
    button = {
        ENROL: window.choice.enrol_button,
        DEMO: window.choice.demo_button,
        LOCAL: window.choice.local_button,
    }[way]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.mode == way


class Actions:
    """The user's actions, counted as they are made with real keys."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.count = 0

    def chord(self, widget: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
        self.count += 1
        self.qtbot.keyClick(widget, key, modifiers)

    def type_into(self, widget: QWidget, text: str) -> None:
        self.count += 1
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        self.qtbot.keyClicks(widget, text)

    def pick(self, combo: QComboBox, typed: str) -> None:
        """Typing the first letters into a list picks the entry, as on the keyboard."""
        self.count += 1
        combo.setFocus(Qt.FocusReason.TabFocusReason)
        self.qtbot.keyClicks(combo, typed)

    def click(self, widget: QWidget) -> None:
        self.count += 1
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
