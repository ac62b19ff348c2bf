"""The coordinator registers a referral with its lead professional and first visit
in one form, with real widgets; a practitioner's form does not ask for a lead (naming
the lead is the coordinator's)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.workspace import unlock as open_profile
from storage.tables import Person, PlannedVisit, StaffMember
from tests.ui.helpers import PASSPHRASE, register_form, unlock
from ui.app_controller import AppController

pytestmark = pytest.mark.gui


def test_the_coordinator_names_the_lead_as_they_register(
    qtbot: QtBot, coordinator_team: tuple[AppController, Path]
) -> None:
    controller, profile = coordinator_team
    unlock(qtbot, controller)
    qtbot.waitUntil(lambda: bool(controller.register._leads), timeout=10_000)
    dialog = register_form(qtbot, controller)
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
    dialog = register_form(qtbot, controller)
    with pytest.raises(KeyError):
        dialog.field("lead_professional_id")
