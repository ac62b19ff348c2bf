"""Auto-lock with a dialog open hides everything; unlocking returns to the same
record, section and dialog, with what was typed restored from the encrypted draft."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from app.services.record import drafts
from tests.ui.helpers import DEV_GOAL, KEY_SAFE_CODE, make_controller, unlock
from tests.ui.test_lock import _visible_text
from tests.ui.test_record import _dialog, _open_dev, _read, _save
from ui.app_controller import AppController
from ui.kit.tasks import TaskRunner
from ui.record.record_page import Section

pytestmark = pytest.mark.gui

TYPED = "Half-way through writing this when the laptop locked"


def _narrative(controller: AppController) -> QPlainTextEdit:
    dialog = controller.record.dialog
    assert dialog is not None
    widget = dialog.field("narrative")
    assert isinstance(widget, QPlainTextEdit)
    return widget


def test_idle_lock_hides_an_open_dialog_and_unlock_brings_it_back_with_the_draft(
    qtbot: QtBot, runner: TaskRunner, profile: Path
) -> None:
    # A long limit while setting up, so a busy machine cannot lock before the typing.
    controller = make_controller(qtbot, runner, profile, idle_ms=60_000)
    try:
        unlock(qtbot, controller)
        _open_dev(qtbot, controller)
        controller.main_window.record.show_section(Section.PLAN)
        controller.new_visit_note()
        dialog = _dialog(qtbot, controller)
        controller.idle.set_timeout(400)
        qtbot.keyClicks(_narrative(controller), TYPED)

        qtbot.waitUntil(lambda: not controller.unlocked, timeout=5_000)
        controller.idle.set_timeout(60_000)  # and no second lock while checking the unlock
        assert not isValid(dialog) or not dialog.isVisible()  # closed and deleted
        assert controller.record.dialog is None
        visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        assert visible == [controller.unlock_window]
        text = _visible_text(controller)
        for secret in ("Kumar", DEV_GOAL, TYPED, "999 000 0042", KEY_SAFE_CODE):
            assert secret not in text

        unlock(qtbot, controller)
        qtbot.waitUntil(lambda: controller.record.dialog is not None, timeout=10_000)
        assert controller.main_window.showing_record
        assert controller.main_window.record.section == Section.PLAN
        assert controller.main_window.record.header.name.text() == "Dev Kumar"
        restored = controller.record.dialog
        assert restored is not None
        assert _narrative(controller).toPlainText() == TYPED
        assert restored.draft_bar.isVisible()
        assert restored.draft_text.text().startswith("Restored what you typed on ")

        _save(qtbot, controller, restored)
        key = drafts.visit_note_key(controller.record.person_id or "")
        assert _read(qtbot, controller, lambda ws: drafts.load_draft(ws, key=key)) is None
    finally:
        controller.shutdown()


def test_typing_is_kept_as_a_draft_and_offered_when_the_editor_reopens(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    _open_dev(qtbot, controller)
    controller.new_visit_note()
    _dialog(qtbot, controller)
    person = controller.record.person_id or ""
    key = drafts.visit_note_key(person)
    with qtbot.waitSignal(controller.ops.changed, timeout=10_000):  # the debounced save
        qtbot.keyClicks(_narrative(controller), "Saved while typing")
    saved = _read(qtbot, controller, lambda ws: drafts.load_draft(ws, key=key))
    assert saved is not None
    assert saved.values["narrative"] == "Saved while typing"

    # Esc closes the editor; what was typed after the last save is kept too.
    qtbot.keyClicks(_narrative(controller), ", and more")
    dialog = controller.record.dialog
    assert dialog is not None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert controller.record.dialog is None
    controller.new_visit_note()
    _dialog(qtbot, controller)
    assert _narrative(controller).toPlainText() == "Saved while typing, and more"

    # "Discard unsaved changes" empties the editor and forgets the draft.
    reopened = controller.record.dialog
    assert reopened is not None
    qtbot.mouseClick(reopened.discard_button, Qt.MouseButton.LeftButton)
    assert _narrative(controller).toPlainText() == ""
    assert not reopened.draft_bar.isVisible()
    qtbot.waitUntil(
        lambda: _read(qtbot, controller, lambda ws: drafts.load_draft(ws, key=key)) is None,
        timeout=10_000,
    )


def test_closing_the_app_keeps_the_draft(qtbot: QtBot, runner: TaskRunner, profile: Path) -> None:
    controller = make_controller(qtbot, runner, profile)
    unlock(qtbot, controller)
    _open_dev(qtbot, controller)
    controller.new_visit_note()
    _dialog(qtbot, controller)
    qtbot.keyClicks(_narrative(controller), "Typed just before the battery died")
    person = controller.record.person_id or ""
    controller.shutdown()  # what quitting does: lock, keep the draft, close the store

    again = make_controller(qtbot, TaskRunner(), profile)
    try:
        unlock(qtbot, again)
        _open_dev(qtbot, again)
        again.new_visit_note()
        _dialog(qtbot, again)
        assert _narrative(again).toPlainText() == "Typed just before the battery died"
        assert again.record.person_id == person
    finally:
        again.shutdown()


def test_print_from_the_plan_and_lock_closes_the_print_dialog(
    qtbot: QtBot, controller: AppController
) -> None:
    from ui.record.print_dialog import PrintDialog

    unlock(qtbot, controller)
    _open_dev(qtbot, controller)
    page = controller.main_window.record
    page.show_section(Section.PLAN)
    qtbot.keyClick(page.sections, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(controller.main_window.findChildren(PrintDialog)))
    dialog = controller.main_window.findChildren(PrintDialog)[0]
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=15_000)
    assert "Dev Kumar" in dialog.windowTitle()

    qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # from the dialog
    assert not controller.unlocked
    assert not isValid(dialog) or not dialog.isVisible()
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [
        controller.unlock_window
    ]


def test_a_lock_straight_after_saving_does_not_bring_the_note_back(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    _open_dev(qtbot, controller)
    controller.new_visit_note()
    dialog = _dialog(qtbot, controller)
    qtbot.keyClicks(_narrative(controller), "Saved, then locked at once")
    person = controller.record.person_id or ""
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not controller.unlocked

    unlock(qtbot, controller)
    qtbot.waitUntil(lambda: controller.record.record is not None, timeout=10_000)
    assert controller.record.dialog is None
    assert controller.timeline.total == 4  # the note was saved
    key = drafts.visit_note_key(person)
    assert _read(qtbot, controller, lambda ws: drafts.load_draft(ws, key=key)) is None
