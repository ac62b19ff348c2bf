"""The coordinator registers a referral with its lead professional and first visit
in one form, with real widgets; a practitioner's form does not ask for a lead (naming
the lead is the coordinator's)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.values.vocab import Role
from app.workspace import create
from app.workspace import unlock as open_profile
from storage.tables import Person, PlannedVisit, StaffMember
from tests.app.team_data import build_team
from tests.ui.helpers import FAST_KDF, PASSPHRASE, make_controller, unlock
from ui.app_controller import AppController
from ui.kit.forms import FormDialog
from ui.kit.tasks import TaskRunner

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def _coordinator_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("coordinator") / "p"
    ws = create(path, PASSPHRASE, user_name="Cleo Marsh", role=Role.COORDINATOR, kdf=FAST_KDF)
    try:
        build_team(ws, as_role=None)
    finally:
        ws.close()
    return path


@pytest.fixture
def coordinator(
    qtbot: QtBot, runner: TaskRunner, _coordinator_template: Path, tmp_path: Path
) -> Iterator[tuple[AppController, Path]]:
    profile = Path(shutil.copytree(_coordinator_template, tmp_path / "Team"))
    controller = make_controller(qtbot, runner, profile)
    yield controller, profile
    controller.shutdown()


def _open_form(qtbot: QtBot, controller: AppController) -> FormDialog:
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


def test_the_coordinator_names_the_lead_as_they_register(
    qtbot: QtBot, coordinator: tuple[AppController, Path]
) -> None:
    controller, profile = coordinator
    unlock(qtbot, controller)
    qtbot.waitUntil(lambda: bool(controller.register._leads), timeout=10_000)
    dialog = _open_form(qtbot, controller)
    for name, text in {
        "given_name": "Edith",
        "family_name": "Kowalczyk",
        "date_of_birth": "3 Feb 1941",
        "postcode": "DL8 4QQ",
    }.items():
        widget = dialog.field(name)
        assert isinstance(widget, QLineEdit)
        widget.setFocus()
        qtbot.keyClicks(widget, text)
    lead = dialog.field("lead_professional_id")
    assert isinstance(lead, QComboBox)
    assert lead.itemText(0) == "Decide later"
    lead.setCurrentIndex(1)
    chosen = lead.currentData()
    qtbot.mouseClick(dialog.field("first_visit_at").check, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(dialog.field("postcode"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    controller.shutdown()
    ws = open_profile(profile, PASSPHRASE)
    try:
        with ws.store.read() as session:
            person = session.execute(
                select(Person).where(Person.family_name == "Kowalczyk")
            ).scalar_one()
            assert person.lead_professional_id == chosen
            visit = session.execute(
                select(PlannedVisit).where(PlannedVisit.person_id == person.id)
            ).scalar_one()
            assert visit.assigned_to_id == chosen
            assert session.get(StaffMember, chosen) is not None
    finally:
        ws.close()


def test_a_practitioners_form_does_not_ask_for_a_lead(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    dialog = _open_form(qtbot, controller)
    with pytest.raises(KeyError):
        dialog.field("lead_professional_id")
