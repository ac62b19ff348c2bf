"""Carers in the record, with real widgets and keys: a carer's strain trend and the
team's prompt in red (in Contacts and carers and in the header, said to be the team's
rule), the carer's own assessment beside it; a carer-strain check answered from the
keyboard with the running total shown, refused in one line while any statement is
unanswered; the carer's contingency plan written; the dialog fits a laptop screen.
Dates are counted back from the clock's today."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot

from app.services import clock
from app.services.carers import strain
from app.services.record.contacts import save_personal_contact
from app.workspace import Workspace
from storage.tables import CarerStrainCheck
from tests.ui.helpers import unlock
from tests.ui.test_outcomes_ui import _count, _pick, _prepare, _press
from tests.ui.test_record import _dialog, _open_dev, _save
from tests.ui.test_screen_and_input import _fits_the_smallest_screen, _inside_the_screen
from ui.app_controller import AppController
from ui.record.carer_editors import statement_field
from ui.record.contacts_section import ContactsSection
from ui.record.record_page import Section

pytestmark = pytest.mark.gui


def _with_a_carer(ws: Workspace, dev: str) -> None:
    mary = save_personal_contact(
        ws,
        person_id=dev,
        values={
            "name": "Mary Kumar",
            "relationship": "Wife",
            "is_main_carer": "yes",
            "carers_assessment": "offered",
            "carers_assessment_date": (clock.today() - timedelta(days=30)).isoformat(),
        },
    ).entity_id
    assert mary
    strain.record_strain_check(
        ws,
        person_id=dev,
        carer_id=mary,
        answers=[1] * 8 + [0] * 5,
        checked_on=clock.today() - timedelta(days=90),
    )


def _contacts(qtbot: QtBot, controller: AppController) -> ContactsSection:
    _open_dev(qtbot, controller)
    page = controller.main_window.record
    qtbot.keyClick(page.sections, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert page.section == Section.CONTACTS
    return page.contacts


def test_a_check_from_the_keyboard_shows_the_rise_and_the_prompt(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    _prepare(profile, _with_a_carer)
    unlock(qtbot, controller)
    section = _contacts(qtbot, controller)
    panel = section.carer_panel
    header = controller.main_window.record.header
    assert "Mary Kumar's carer strain: 8 of 26 (one check)" in panel.strain.text()
    assert not panel.prompt.isVisible() and not header.carer_prompt.isVisible()
    assert "Offered" in panel.assessment.text()

    _press(qtbot, panel.check_button)
    dialog = _dialog(qtbot, controller)
    assert dialog.objectName() == "dialog_carer_strain_check"
    _inside_the_screen(dialog)
    assert _fits_the_smallest_screen(dialog), dialog.minimumSizeHint()
    assert "Total so far: 0 of 26 (0 of 13 answered)" in dialog.intro.text()
    # Answer twelve: "Y" picks "Yes, sometimes"; Down then "Yes, on a regular basis".
    for n in range(12):
        combo = dialog.field(statement_field(n))
        _pick(qtbot, combo, "Y")
        if n < 4:
            qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert "Total so far: 16 of 26 (12 of 13 answered)" in dialog.intro.text()
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "1 still to answer" in dialog.error.text()
    assert _count(qtbot, controller, CarerStrainCheck) == 1
    _pick(qtbot, dialog.field(statement_field(12)), "N")
    _save(qtbot, controller, dialog)
    assert _count(qtbot, controller, CarerStrainCheck) == 2
    assert "16 of 26 (8 → 16, risen by 8)" in panel.strain.text()
    assert panel.prompt.isVisible()
    assert "risen by 8" in panel.prompt.text() and "the team's rule" in panel.prompt.text()
    assert header.carer_prompt.isVisible() and "Mary Kumar" in header.carer_prompt.text()
    # Closed or locked, nothing of the carer stays on screen.
    controller.main_window.record.clear()
    assert not header.carer_prompt.text() and not panel.strain.text()
    assert not panel.prompt.text() and not panel.plan.text()


def test_the_carers_contingency_plan_is_written_there(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    _prepare(profile, _with_a_carer)
    unlock(qtbot, controller)
    panel = _contacts(qtbot, controller).carer_panel
    assert "No plan yet for if Mary Kumar cannot care" in panel.plan.text()
    _press(qtbot, panel.plan_button)
    dialog = _dialog(qtbot, controller)
    pane = dialog.field("contingency_plan")
    assert isinstance(pane, QPlainTextEdit)
    qtbot.keyClicks(pane, "Their son Raj stays; call the council's carers line.")
    _save(qtbot, controller, dialog)
    assert "If Mary Kumar cannot care: Their son Raj stays" in panel.plan.text()
    QApplication.processEvents()


def test_today_lists_the_leads_carers_at_the_tipping_point(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    def setup(ws: Workspace, dev: str) -> None:
        _with_a_carer(ws, dev)
        mary = strain.carers_strain(ws, person_id=dev)[0].carer_id
        strain.record_strain_check(ws, person_id=dev, carer_id=mary, answers=[1] * 13)

    _prepare(profile, setup)
    unlock(qtbot, controller)
    notice = controller.main_window.home.today.carer_strain
    qtbot.waitUntil(lambda: len(notice.buttons) == 1, timeout=10_000)
    assert "Carers at the tipping point (1)" in notice.title.text()
    assert "not the scale's" in notice.title.text()
    assert "Mary Kumar: Carer strain has risen by 5" in notice.buttons[0].text()
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        _press(qtbot, notice.buttons[0])
    assert controller.main_window.record.section == Section.CONTACTS
