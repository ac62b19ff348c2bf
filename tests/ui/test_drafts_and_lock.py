"""Auto-lock with a dialog open hides everything; unlocking returns to the same
record, section and dialog, with what was typed restored from the encrypted draft."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from app.services.record import drafts
from tests.ui.helpers import DEV_GOAL, KEY_SAFE_CODE, make_controller, unlock
from tests.ui.test_lock import _visible_text
from tests.ui.test_record import _dialog, _open_dev, _read, _save
from ui.app_controller import AppController
from ui.kit.forms import FormDialog
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


def _ask_discard(qtbot: QtBot, dialog: FormDialog) -> QMessageBox:
    """Click "Discard unsaved changes": the question it asks first."""
    qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.discard_question is not None, timeout=5_000)
    question = dialog.discard_question
    assert question is not None
    qtbot.waitExposed(question)
    return question


def _draft_saved(qtbot: QtBot, controller: AppController, key: str, text: str) -> None:
    qtbot.waitUntil(
        lambda: (
            (saved := _read(qtbot, controller, lambda ws: drafts.load_draft(ws, key=key)))
            is not None
            and saved.values.get("narrative") == text
        ),
        timeout=10_000,
    )


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

    # "Discard unsaved changes", once confirmed, empties the editor and forgets the draft.
    reopened = controller.record.dialog
    assert reopened is not None
    question = _ask_discard(qtbot, reopened)
    qtbot.mouseClick(question.findChild(QPushButton, "discardConfirm"), Qt.MouseButton.LeftButton)
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


def test_a_restored_draft_puts_the_cursor_at_the_end_of_the_field_typed_in(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    _open_dev(qtbot, controller)
    controller.new_visit_note()
    dialog = _dialog(qtbot, controller)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is _narrative(controller), timeout=5_000)
    qtbot.keyClicks(_narrative(controller), "Washed and dressed.")
    purpose = dialog.field("next_visit_purpose")
    assert isinstance(purpose, QLineEdit)
    purpose.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(purpose.hasFocus, timeout=5_000)
    qtbot.keyClicks(purpose, "Check the dress")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # closed: kept as a draft
    assert controller.record.dialog is None

    controller.new_visit_note()
    restored = _dialog(qtbot, controller)
    assert restored.draft_bar.isVisible()
    again = restored.field("next_visit_purpose")
    assert isinstance(again, QLineEdit)
    qtbot.waitUntil(again.hasFocus, timeout=5_000)  # the field last typed in
    assert again.cursorPosition() == len("Check the dress")
    qtbot.keyClicks(QApplication.focusWidget(), "ing")  # wherever the cursor is
    assert again.text() == "Check the dressing"

    # Tabbing back to the main text field, restored, also types after the old text.
    narrative = _narrative(controller)
    narrative.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(narrative, " Ate well.")
    qtbot.keyClick(restored, Qt.Key.Key_Escape)
    controller.new_visit_note()
    _dialog(qtbot, controller)
    qtbot.waitUntil(lambda: _narrative(controller).hasFocus(), timeout=5_000)
    qtbot.keyClicks(_narrative(controller), " Slept badly.")
    assert _narrative(controller).toPlainText() == "Washed and dressed. Ate well. Slept badly."


def test_discarding_asks_first_and_keep_keeps_the_draft(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    _open_dev(qtbot, controller)
    controller.new_visit_note()
    _dialog(qtbot, controller)
    key = drafts.visit_note_key(controller.record.person_id or "")
    qtbot.keyClicks(_narrative(controller), "Worth keeping")
    dialog = controller.record.dialog
    assert dialog is not None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    _draft_saved(qtbot, controller, key, "Worth keeping")
    controller.new_visit_note()
    restored = _dialog(qtbot, controller)

    question = _ask_discard(qtbot, restored)
    assert question.text() == "Discard what you typed? This cannot be undone."
    keep = question.findChild(QPushButton, "discardKeep")
    assert question.defaultButton() is keep and question.escapeButton() is keep
    qtbot.keyClick(question, Qt.Key.Key_Return)  # Enter: the default, Keep
    qtbot.waitUntil(lambda: restored.discard_question is None, timeout=5_000)
    assert _narrative(controller).toPlainText() == "Worth keeping"
    assert restored.draft_bar.isVisible()
    qtbot.wait(100)
    _draft_saved(qtbot, controller, key, "Worth keeping")

    question = _ask_discard(qtbot, restored)
    qtbot.keyClick(question, Qt.Key.Key_Escape)  # Esc keeps too
    qtbot.waitUntil(lambda: restored.discard_question is None, timeout=5_000)
    assert _narrative(controller).toPlainText() == "Worth keeping"


def test_after_a_crash_the_waiting_draft_is_named_and_opens_restored(
    qtbot: QtBot, runner: TaskRunner, profile: Path
) -> None:
    first = make_controller(qtbot, runner, profile)
    unlock(qtbot, first)
    _open_dev(qtbot, first)
    first.new_visit_note()
    _dialog(qtbot, first)
    key = drafts.visit_note_key(first.record.person_id or "")
    qtbot.keyClicks(_narrative(first), "Typed before the battery died")
    _draft_saved(qtbot, first, key, "Typed before the battery died")  # the debounced save
    # The crash: no lock, no quit, no draft kept on the way out. The worker stops
    # and the windows vanish; the store is never closed (as when the process dies).
    first.idle.stop()
    runner.shutdown()
    for window in (first.main_window, first.unlock_window, first.first_run_window):
        window.hide()

    again = make_controller(qtbot, TaskRunner(), profile)
    try:
        unlock(qtbot, again)
        notice = again.main_window.home.today.drafts
        qtbot.waitUntil(notice.isVisible, timeout=10_000)
        assert notice.text.text().startswith("You have an unsaved draft.")
        (button,) = notice.buttons
        assert button.text().startswith("Visit note for Dev Kumar (typed ")
        status = again.main_window.statusBar().currentMessage()
        assert status.startswith("You have an unsaved draft: Visit note for Dev Kumar")
        assert not again.main_window.showing_record  # nothing opened behind the user's back

        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        restored = _dialog(qtbot, again)
        assert again.main_window.showing_record
        assert again.main_window.record.header.name.text() == "Dev Kumar"
        assert restored.draft_bar.isVisible()
        qtbot.waitUntil(lambda: _narrative(again).hasFocus(), timeout=5_000)
        qtbot.keyClicks(_narrative(again), ", and what came after.")
        assert _narrative(again).toPlainText() == (
            "Typed before the battery died, and what came after."
        )
        _save(qtbot, again, restored)
        qtbot.waitUntil(lambda: notice.buttons == [], timeout=10_000)  # nothing waits now
        assert notice.isHidden()
    finally:
        again.shutdown()
