"""Support at home from the record, with real widgets and keys: equipment added
through its dialog with an install long ago shows its test overdue (red, "Overdue
since", and in words above the table) and the analogue line as needing moving; a test
recorded clears the overdue; a budget typed wrongly is refused in one plain line with
nothing written, then saved as pounds and pence; every dialog inside a small screen.

Dates are counted back from the clock's today, so these hold on any date."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.services import clock
from app.services.support.support_view import BudgetRow, SupportView, TelecareRow
from storage.tables import PersonalBudget
from tests.ui.helpers import unlock
from tests.ui.test_outcomes_ui import _count, _pick, _press, _retype
from tests.ui.test_record import _dialog, _open_dev, _save
from tests.ui.test_screen_and_input import _fits_the_smallest_screen, _inside_the_screen
from ui.app_controller import AppController
from ui.caseload.drafts_notice import KINDS as DRAFT_KINDS
from ui.kit.formatting import british_date
from ui.kit.forms import FormDialog
from ui.kit.rows_model import WARNING
from ui.record import editors, support_editors
from ui.record.record_page import Section
from ui.record.support_section import SupportSection

pytestmark = pytest.mark.gui

NEXT_TEST, PHONE_LINE = 3, 4


def _days_ago(n: int) -> date:
    return clock.today() - timedelta(days=n)


def _support(qtbot: QtBot, controller: AppController) -> SupportSection:
    """Dev's record open at Support at home (Ctrl+9)."""
    _open_dev(qtbot, controller)
    page = controller.main_window.record
    qtbot.keyClick(page.sections, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    assert page.section == Section.SUPPORT
    return page.support


def _cell(section: SupportSection, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    return section.telecare_model.index(0, column).data(role)


def test_equipment_added_shows_an_overdue_test_until_it_is_tested(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    section = _support(qtbot, controller)
    assert "No telecare equipment recorded" in section.telecare_hint.text()
    assert not section.test_button.isEnabled()

    _press(qtbot, section.add_telecare_button)
    dialog = _dialog(qtbot, controller)
    assert dialog.objectName() == "dialog_new_telecare"
    _pick(qtbot, dialog.field("kind"), "P")  # Pendant alarm
    installed = _days_ago(400)
    _retype(qtbot, dialog.field("installed_on"), british_date(installed))
    _pick(qtbot, dialog.field("responder"), "M")  # Mobile response service
    _pick(qtbot, dialog.field("analogue_line"), "Y")
    _save(qtbot, controller, dialog)

    assert section.telecare_model.rowCount() == 1
    due = installed + timedelta(days=182)
    assert _cell(section, NEXT_TEST) == f"Overdue since {british_date(due)}"
    brush = _cell(section, NEXT_TEST, Qt.ItemDataRole.ForegroundRole)
    assert brush is not None and brush.color() == WARNING  # type: ignore[attr-defined]
    assert _cell(section, PHONE_LINE) == "Analogue: needs moving"
    spoken = _cell(section, PHONE_LINE, Qt.ItemDataRole.AccessibleTextRole)
    assert spoken == "Still on an analogue line: needs moving"
    assert section.status.isVisible()
    assert f"test overdue since {british_date(due)}" in section.status.text()
    assert "needs moving" in section.status.accessibleName()

    _press(qtbot, section.test_button)
    dialog = _dialog(qtbot, controller)
    assert dialog.field("tested_on").text() == british_date(clock.today())  # type: ignore[attr-defined]
    _save(qtbot, controller, dialog)
    next_due = clock.today() + timedelta(days=182)
    assert _cell(section, NEXT_TEST) == f"Due {british_date(next_due)}"
    assert "overdue" not in section.status.text()
    assert "needs moving" in section.status.text()  # still to do


def test_a_budget_typed_wrongly_is_refused_then_saved(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    section = _support(qtbot, controller)
    _press(qtbot, section.add_budget_button)
    dialog = _dialog(qtbot, controller)
    _retype(qtbot, dialog.field("amount"), "about 200")
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "in pounds and pence, like £245.50" in dialog.error.text()
    assert "\n" not in dialog.error.text()
    assert _count(qtbot, controller, PersonalBudget) == 0
    _retype(qtbot, dialog.field("amount"), "£245.50")
    _save(qtbot, controller, dialog)
    model = section.budget_model
    assert model.rowCount() == 1
    assert model.index(0, 1).data() == "£245.50 a week"
    assert model.index(0, 2).data() == "Direct payment"
    assert "Printed in the plan" in section.budget_hint.text()


def test_the_support_dialogs_fit_a_laptop_screen(qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    section = _support(qtbot, controller)
    for button in (section.add_telecare_button, section.add_budget_button):
        _press(qtbot, button)
        dialog: FormDialog = _dialog(qtbot, controller)
        _inside_the_screen(dialog)
        assert _fits_the_smallest_screen(dialog), (dialog.objectName(), dialog.minimumSizeHint())
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: controller.record.dialog is None)
        QApplication.processEvents()


def test_every_support_dialog_comes_back_from_its_draft() -> None:
    """Each kind of support dialog is named in the drafts notice, and the record's
    `editor_for` reopens it from its kind and entity (a draft after a lock)."""
    item = TelecareRow(
        *("t1", "Pendant alarm", "pendant_alarm", None, None, None, 182),
        *("Family", "family", None, None, None, None, False),
    )
    budget = BudgetRow(
        *("b1", "Personal budget", "personal_budget", 100, "Week", "week"),
        *("Direct payment", "direct_payment", "", clock.today(), None),
    )
    record = SimpleNamespace(
        header=SimpleNamespace(person_id="p1", full_name="Synthetic Person"),
        plan=SimpleNamespace(goals=(), agreed_at_meetings=()),
        support=SupportView((item,), (budget,)),
    )
    for kind in support_editors.KINDS:
        assert kind in DRAFT_KINDS
        entity = None if kind.startswith("new_") else ("t1" if "telecare" in kind else "b1")
        made = editors.editor_for(kind, entity, record)  # type: ignore[arg-type]
        assert made is not None and made.kind == kind, kind
