"""DESIGN.md's field targets, driven through the real widgets on the reference laptop's
screen (1366×768, tests/screens) and counted as a user does them (tests/ui/
helpers.Actions: a key chord, a click, a box ticked, a choice picked or typing
one field is one action). A flow over its budget fails.

- From the lock screen to typing a new visit note: 4 actions.
- A routine revisit (the plan and the next visit carried forward): 8 or fewer.
- Print the plan for the home folder: 3 actions, every button on screen.
- The coordinator's unallocated, overdue and at-risk counts on one screen, no scrolling.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QListWidget, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.workspace import unlock as open_profile
from storage.tables import ContactNote, PlannedVisit
from tests.ui.helpers import DEV, PASSPHRASE, Actions, person_id_of, unlock
from ui.app_controller import AppController
from ui.kit.forms import FormDialog
from ui.record.record_page import Section

pytestmark = pytest.mark.gui


def on_screen(widget: QWidget) -> bool:
    """Wholly inside the screen and inside every scroll area around it (no scrolling)."""
    screen = widget.screen().availableGeometry()
    top_left = widget.mapToGlobal(QPoint(0, 0))
    if not screen.contains(top_left) or not screen.contains(
        widget.mapToGlobal(QPoint(widget.width() - 1, widget.height() - 1))
    ):
        return False
    parent = widget.parentWidget()
    while parent is not None:
        if parent.objectName() == "qt_scrollarea_viewport":
            shown = parent.rect()
            corner = widget.mapTo(parent, QPoint(0, 0))
            far = widget.mapTo(parent, QPoint(widget.width() - 1, widget.height() - 1))
            if not (shown.contains(corner) and shown.contains(far)):
                return False
        parent = parent.parentWidget()
    return True


def _dialog(qtbot: QtBot, controller: AppController) -> FormDialog:
    qtbot.waitUntil(lambda: controller.record.dialog is not None, timeout=10_000)
    dialog = controller.record.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_from_the_lock_screen_to_typing_a_visit_note_in_4_actions(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    controller.lock("Locked.")
    do = Actions(qtbot)
    window = controller.unlock_window
    do.type_into(window.passphrase, PASSPHRASE)
    with qtbot.waitSignal(controller.model.first_page_loaded, timeout=10_000):
        do.chord(window.passphrase, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
    # Today's list has the focus and its first visit selected: Ctrl+N writes it up.
    today = controller.main_window.home.today
    qtbot.waitUntil(lambda: today.selected_person() is not None, timeout=10_000)
    focused = controller.main_window.focusWidget()
    assert focused is today.table, focused
    do.chord(focused, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = _dialog(qtbot, controller)
    narrative = dialog.field("narrative")
    assert narrative.hasFocus()  # typing goes straight into the note
    do.count += 1  # typing the note is the fourth action
    qtbot.keyClicks(narrative, "Dressing changed; healing well.")
    assert isinstance(narrative, QPlainTextEdit)
    assert narrative.toPlainText() == "Dressing changed; healing well."
    assert do.count <= 4, do.count


def test_a_routine_revisit_in_8_actions_carries_the_next_visit_forward(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    unlock(qtbot, controller)
    do = Actions(qtbot)
    caseload = controller.main_window.caseload
    controller.main_window.home.setCurrentIndex(1)  # the caseload tab
    do.type_into(caseload.search, "Kumar")
    with qtbot.waitSignal(controller.model.first_page_loaded, timeout=10_000):
        do.chord(caseload.search, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
    qtbot.waitUntil(lambda: caseload.selected_person() is not None, timeout=5_000)
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        do.chord(caseload.table, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
    do.chord(controller.main_window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = _dialog(qtbot, controller)
    narrative = dialog.field("narrative")
    goals = dialog.field("goals")
    next_visit = dialog.field("next_visit_at")
    purpose = dialog.field("next_visit_purpose")
    # What a revisit repeats is carried forward, and in view without scrolling.
    for widget in (narrative, goals, next_visit, purpose):
        assert on_screen(widget), (
            widget.objectName(),
            dialog.geometry(),
            widget.mapTo(dialog, QPoint(0, 0)),
            widget.size(),
        )
    values = dialog.values()
    assert values["next_visit_purpose"] == "Wound review"
    assert values["next_visit_at"] is not None
    do.type_into(narrative, "Wound smaller, no sign of infection. Walked to the gate.")
    assert isinstance(goals, QListWidget)
    goals.setFocus(Qt.FocusReason.TabFocusReason)
    goals.setCurrentRow(0)
    do.chord(goals, Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier)  # tick the goal
    with qtbot.waitSignal(controller.record.saved, timeout=10_000):
        do.chord(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert do.count <= 8, do.count

    controller.shutdown()
    ws = open_profile(profile, PASSPHRASE)
    try:
        dev = person_id_of(ws, DEV)
        with ws.store.read() as session:
            visits = session.execute(
                select(PlannedVisit)
                .where(PlannedVisit.person_id == dev)
                .order_by(PlannedVisit.due_at)
            ).scalars()
            (today, following) = list(visits)
            note = session.execute(
                select(ContactNote).where(ContactNote.narrative.startswith("Wound smaller"))
            ).scalar_one()
        assert today.status == "done"
        assert following.status == "planned"
        assert following.purpose == "Wound review"
        # A week on (the usual interval with no earlier visit), at the same time of day.
        assert following.due_at - today.due_at == timedelta(days=7)
        assert note.linked_goal_ids != "[]"  # the goal ticked
    finally:
        ws.close()


def test_print_the_plan_in_3_actions_with_every_button_on_screen(
    qtbot: QtBot, controller: AppController, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.record import print_dialog

    do = Actions(qtbot)

    def save_dialog(_parent: QWidget, suggested: str) -> str:
        do.count += 1  # the system's Save dialog, its suggested name taken with Enter
        return str(tmp_path / suggested)

    monkeypatch.setattr(print_dialog, "_ask_for_pdf_path", save_dialog)
    monkeypatch.setattr(print_dialog, "printers_available", lambda: False)
    unlock(qtbot, controller)
    today = controller.main_window.home.today
    qtbot.waitUntil(lambda: today.model.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(today.table, Qt.Key.Key_Return)
    page = controller.main_window.record
    page.show_section(Section.PLAN)
    do.chord(page.sections, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(controller.main_window.findChildren(print_dialog.PrintDialog)))
    dialog = controller.main_window.findChildren(print_dialog.PrintDialog)[0]
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=15_000)
    for button in (dialog.save_button, dialog.print_button, dialog.close_button):
        assert on_screen(button), button.text()
    focused = dialog.focusWidget()
    assert focused is dialog.save_button  # no printer here: Enter saves a PDF
    do.chord(focused, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=15_000)
    assert do.count <= 3, do.count
    saved = list(tmp_path.glob("*.pdf"))
    assert len(saved) == 1 and saved[0].read_bytes().startswith(b"%PDF")
    assert "Saved to" in dialog.message.text()
    assert on_screen(dialog.message)


def test_the_coordinators_counts_are_on_one_screen_without_scrolling(
    qtbot: QtBot, coordinator_team: tuple[AppController, Path]
) -> None:
    controller, _profile = coordinator_team
    unlock(qtbot, controller)
    home = controller.main_window.home
    team = controller.team.panel
    home.setCurrentWidget(team)
    qtbot.waitUntil(lambda: not team.cards["unallocated"].text().startswith("–"), timeout=10_000)
    for key in ("unallocated", "overdue_visits", "overdue_plan_reviews", "at_risk"):
        card = team.cards[key]
        assert card.isVisible() and on_screen(card), key
    assert not controller.main_window.page_scroll.verticalScrollBar().isVisible()


def test_the_visit_note_says_how_long_ago_its_time_is(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    today = controller.main_window.home.today
    qtbot.waitUntil(lambda: today.model.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(today.table, Qt.Key.Key_Return)
    controller.new_visit_note()
    dialog = _dialog(qtbot, controller)
    when = dialog.findChild(QWidget, "whenFromToday")
    assert when is not None and when.text() == "Today"  # type: ignore[attr-defined]
    picker = dialog.field("occurred_at")
    picker.setFocus(Qt.FocusReason.TabFocusReason)
    for _ in range(3):  # the day part first: Down goes back a day at a time
        qtbot.keyClick(picker, Qt.Key.Key_Down)
    assert when.text() == "3 days ago"  # type: ignore[attr-defined]
    assert when.property("warning") is True
