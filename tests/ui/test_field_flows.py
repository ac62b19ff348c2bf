"""Field flows counted as a user does them, through the real widgets at 1366×768:
each action is a key chord that does something (open a form, save), a choice
picked (typed into the list, as the keyboard does), a box ticked, or typing one
field (moving to it included). A flow over its budget fails.

- A referral received to the person registered with their lead and first visit
  planned, by the coordinator: 8 actions (issue 17's target: 8 or fewer).
- A part of the initial assessment, from the open record to saved: 5 actions (4
  when the part offered, the first nobody has written, is the one being written)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPlainTextEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services import clock
from app.workspace import unlock as open_profile
from storage.tables import Assessment, Person, PlannedVisit, Referral
from tests.ui.helpers import PASSPHRASE, Actions, register_form, unlock
from ui.app_controller import AppController

pytestmark = pytest.mark.gui
SCREEN = (1366, 768)


def test_referral_to_registered_with_lead_and_first_visit_in_8_actions(
    qtbot: QtBot, coordinator_team: tuple[AppController, Path]
) -> None:
    controller, profile = coordinator_team
    controller.main_window.resize(*SCREEN)
    unlock(qtbot, controller)
    qtbot.waitUntil(lambda: bool(controller.register._leads), timeout=10_000)
    lead_id, lead_name = controller.register._leads[0]
    do = Actions(qtbot)
    do.chord(
        controller.main_window,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = register_form(qtbot, controller, press=False)
    do.type_into(dialog.field("given_name"), "Edith")
    do.type_into(dialog.field("family_name"), "Kowalczyk")
    do.type_into(dialog.field("date_of_birth"), "3/2/1941")
    do.type_into(dialog.field("postcode"), "DL8 4QQ")
    source = dialog.field("referral_source")
    assert isinstance(source, QComboBox)
    do.pick(source, "Hosp")
    assert source.currentData() == "hospital_discharge"
    lead = dialog.field("lead_professional_id")
    assert isinstance(lead, QComboBox)
    do.pick(lead, lead_name[:4])
    assert lead.currentData() == lead_id
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        do.chord(lead, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert do.count <= 8, do.count

    controller.shutdown()
    ws = open_profile(profile, PASSPHRASE)
    try:
        with ws.store.read() as session:
            person = session.execute(
                select(Person).where(Person.family_name == "Kowalczyk")
            ).scalar_one()
            assert person.lead_professional_id == lead_id
            referral = session.execute(select(Referral)).scalar_one()
            assert referral.source == "hospital_discharge"
            visit = session.execute(
                select(PlannedVisit).where(PlannedVisit.person_id == person.id)
            ).scalar_one()
            assert visit.assigned_to_id == lead_id
            assert clock.local(visit.due_at).date() == referral.first_contact_due
    finally:
        ws.close()


def test_a_part_of_the_initial_assessment_in_5_actions(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    controller.main_window.resize(*SCREEN)
    unlock(qtbot, controller)
    today = controller.main_window.home.today
    qtbot.waitUntil(lambda: today.model.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(today.table, Qt.Key.Key_Return)
    do = Actions(qtbot)
    page = controller.main_window.record
    do.chord(controller.main_window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(page.assessments.isVisible, timeout=5_000)
    do.click(controller.main_window.record.assessments.add_part_button)
    qtbot.waitUntil(lambda: controller.record.dialog is not None, timeout=10_000)
    dialog = controller.record.dialog
    assert dialog is not None
    part = dialog.field("part")
    assert isinstance(part, QComboBox)
    do.pick(part, "Home")
    assert part.currentData() == "home_environment"
    findings = dialog.field("findings")
    assert isinstance(findings, QPlainTextEdit)
    do.type_into(findings, "Steep stairs, no rail on the left; bath board needed.")
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        do.chord(findings, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert do.count <= 5, do.count
    controller.shutdown()
    ws = open_profile(profile, PASSPHRASE)
    try:
        with ws.store.read() as session:
            (saved,) = session.execute(
                select(Assessment).where(Assessment.part.is_not(None))
            ).scalars()
            assert saved.part == "home_environment"
    finally:
        ws.close()
