"""Keyboard and screen reader: every focusable control has a name, primary buttons
are 44 px, Tab moves through a dialog in reading order, and the caseload's own
filters narrow the list in SQL."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.helpers import NAMES_BY_NAME, names, show_whole_team, unlock
from tests.ui.test_record import _dialog, _open_dev
from ui.app_controller import AppController
from ui.kit.widgets import PRIMARY_BUTTON_HEIGHT
from ui.record.record_page import Section

pytestmark = pytest.mark.gui


def _unnamed(root: QWidget) -> list[str]:
    """Focusable, visible controls a screen reader would announce without a name."""
    missing = []
    for widget in root.findChildren(QWidget):
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or not widget.isVisibleTo(root):
            continue
        if isinstance(widget.parentWidget(), QAbstractScrollArea):
            continue  # a view's viewport: the view itself carries the name
        if isinstance(widget, QLineEdit) and isinstance(widget.parentWidget(), QAbstractSpinBox):
            continue  # a spin box's own editor: the spin box carries the name
        interface = QAccessible.queryAccessibleInterface(widget)
        name = interface.text(QAccessible.Text.Name) if interface else ""
        if not name.strip():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def test_every_control_has_a_name_a_screen_reader_can_say(
    qtbot: QtBot, controller: AppController
) -> None:
    assert _unnamed(controller.unlock_window) == []
    unlock(qtbot, controller)
    window = controller.main_window
    for tab in (0, 1):
        window.home.setCurrentIndex(tab)
        assert _unnamed(window) == []
    _open_dev(qtbot, controller)
    for section in Section:
        window.record.show_section(section)
        assert _unnamed(window) == [], section
    controller.new_visit_note()
    dialog = _dialog(qtbot, controller)
    missing = _unnamed(dialog)
    assert missing == [], missing


def test_primary_buttons_are_44_px_and_the_note_dialog_tabs_in_reading_order(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    _open_dev(qtbot, controller)
    assert controller.main_window.record.header.record_visit.height() >= PRIMARY_BUTTON_HEIGHT
    controller.new_visit_note()
    dialog = _dialog(qtbot, controller)
    assert dialog.save_button.height() >= PRIMARY_BUTTON_HEIGHT
    order = ["contact_type", "occurred_at", "narrative", "goals", "outcome"]
    dialog.field(order[0]).setFocus()
    for expected in order[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert focused is dialog.field(expected) or dialog.field(expected).isAncestorOf(focused)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert controller.record.dialog is None


def test_my_caseload_the_whole_team_and_the_filters(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    panel = controller.main_window.caseload
    assert panel.heading.text() == "My caseload"
    assert names(controller) == ["Kumar, Dev"]
    show_whole_team(qtbot, controller)
    assert panel.heading.text() == "Team caseload"
    assert names(controller) == NAMES_BY_NAME

    with qtbot.waitSignal(controller.model.first_page_loaded, timeout=10_000):
        panel.next_visit.setCurrentIndex(panel.next_visit.findData("today"))
    assert names(controller) == ["Kumar, Dev"]
    assert panel.count.text() == "1 person matches"
    with qtbot.waitSignal(controller.model.first_page_loaded, timeout=10_000):
        panel.next_visit.setCurrentIndex(0)
        panel.level.setCurrentIndex(panel.level.findData("specialist"))
    assert names(controller) == []
    assert panel.count.text() == "No one matches"
