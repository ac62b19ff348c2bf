"""The person's record: opened from today's list in a few keys, alerts first with
restricted detail withheld, and every edit through a dialog that saves an app
operation and refreshes the page."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.workspace import Workspace
from storage.tables import (
    AuditEvent,
    CarePlan,
    CarePlanVersion,
    ConsentToShare,
    PlannedVisit,
    Strength,
)
from tests.ui.helpers import DEV_GOAL, DEV_NOTES, KEY_SAFE_CODE, unlock
from ui.app_controller import AppController
from ui.kit.forms import FormDialog
from ui.kit.tasks import TaskRunner
from ui.record.record_page import SECTION_LIST_WIDTH, RecordPage, Section
from ui.record.timeline_model import TimelineModel

pytestmark = pytest.mark.gui

NOTE = "Dressing changed; wound healing well. Walked to the gate with a frame."


def _read(qtbot: QtBot, controller: AppController, fn: Callable[[Workspace], Any]) -> Any:
    """Ask the database (on the worker, like the app) and wait for the answer."""
    answers: list[Any] = []
    controller.ops.read(fn, on_done=answers.append)
    qtbot.waitUntil(lambda: bool(answers), timeout=10_000)
    return answers[0]


def _restricted_events(ws: Workspace) -> list[str]:
    with ws.store.read() as s:
        return [
            e.detail or ""
            for e in s.execute(
                select(AuditEvent).where(AuditEvent.action == "restricted_viewed")
            ).scalars()
        ]


def _open_dev(qtbot: QtBot, controller: AppController) -> None:
    """From the unlocked home page: Enter on today's first visit (Dev Kumar's)."""
    today = controller.main_window.home.today
    qtbot.waitUntil(lambda: today.model.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(today.table, Qt.Key.Key_Return)


def _dialog(qtbot: QtBot, controller: AppController) -> FormDialog:
    qtbot.waitUntil(lambda: controller.record.dialog is not None, timeout=10_000)
    dialog = controller.record.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def _save(qtbot: QtBot, controller: AppController, dialog: FormDialog) -> None:
    """Ctrl+S, then wait for the dialog to close and the page to refresh."""
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert controller.record.dialog is None


def _text(widget: Any) -> QPlainTextEdit:
    assert isinstance(widget, QPlainTextEdit)
    return widget


@pytest.fixture
def unlocked(qtbot: QtBot, controller: AppController) -> AppController:
    unlock(qtbot, controller)
    return controller


def test_from_the_lock_screen_to_typing_a_note_in_four_actions(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)  # 1: the passphrase and Enter
    today = controller.main_window.home.today
    qtbot.waitUntil(lambda: today.model.rowCount() == 1, timeout=10_000)
    assert today.table.currentIndex().row() == 0  # the first visit still to do, selected
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(today.table, Qt.Key.Key_Return)  # 2: open it
    page = controller.main_window.record
    qtbot.keyClick(page.sections, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # 3
    dialog = _dialog(qtbot, controller)
    narrative = _text(dialog.field("narrative"))
    qtbot.waitUntil(narrative.hasFocus)
    qtbot.keyClicks(narrative, "Seen at home.")  # 4: typing the note
    assert narrative.toPlainText() == "Seen at home."
    assert "Today's planned visit at 12:00 (Wound review) will be marked as done." in (
        dialog.intro.text()
    )


def test_the_header_shows_alerts_first_and_withholds_restricted_detail(
    qtbot: QtBot, unlocked: AppController
) -> None:
    _open_dev(qtbot, unlocked)
    header = unlocked.main_window.record.header
    assert header.name.text() == "Dev Kumar"
    assert "999 000 0042" in header.identity.text()
    assert "Born</b> 5 Mar 1962" in header.identity.text()
    assert "Sam Taylor" in header.details.text()
    callouts = [label.text() for label in header.alerts.findChildren(QLabel)]
    assert "Access to the home" in callouts[0]  # access before allergies
    assert "Allergy" in callouts[1]
    assert "not shown here" in callouts[0]
    shown = " ".join(w.text() for w in unlocked.main_window.findChildren(QLabel))
    assert KEY_SAFE_CODE not in shown
    # Sam, a nurse who visits, may see the key safe code (access policy): it stays
    # off the screen until she presses Show.
    reveal = header.alerts.findChild(QPushButton, "revealRestricted")
    assert reveal is not None
    qtbot.mouseClick(reveal, Qt.MouseButton.LeftButton)

    def revealed() -> bool:
        shown = " ".join(w.text() for w in unlocked.main_window.findChildren(QLabel))
        return f"Restricted detail: {KEY_SAFE_CODE}" in shown

    qtbot.waitUntil(revealed, timeout=5000)
    # Pressing Show is an access to restricted content: audited, without the content.
    events = _read(
        qtbot,
        unlocked,
        lambda ws: _restricted_events(ws),
    )
    assert len(events) == 1
    assert json.loads(events[0])["category"] == "key_safe"
    assert KEY_SAFE_CODE not in events[0]
    assert header.alerts.findChildren(QLabel)[0].accessibleName().startswith("Alert: ")
    timeline = unlocked.timeline
    assert timeline.total == DEV_NOTES
    narratives = [timeline.entry_at(r).narrative for r in range(timeline.rowCount())]  # type: ignore[union-attr]
    assert narratives == [
        "Earlier visit 3: all well.",
        "Earlier visit 2: all well.",
        "Earlier visit 1: all well.",
    ]


def test_a_visit_note_is_saved_shown_in_the_timeline_and_ticks_off_today(
    qtbot: QtBot, unlocked: AppController
) -> None:
    _open_dev(qtbot, unlocked)
    page = unlocked.main_window.record
    page.show_section(Section.TIMELINE)
    qtbot.keyClick(page.sections, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = _dialog(qtbot, unlocked)
    qtbot.keyClicks(dialog.field("narrative"), NOTE)
    goals = dialog.field("goals")
    goals.item(0).setCheckState(Qt.CheckState.Checked)  # type: ignore[attr-defined]
    with qtbot.waitSignal(unlocked.timeline.first_page_loaded, timeout=10_000):
        _save(qtbot, unlocked, dialog)

    assert unlocked.timeline.total == DEV_NOTES + 1
    newest = unlocked.timeline.entry_at(0)
    assert newest is not None
    assert newest.narrative == NOTE
    assert len(newest.goal_ids) == 1
    assert newest.author == "Sam Taylor"
    assert unlocked.main_window.statusBar().currentMessage() == "Visit note saved."
    today = unlocked.main_window.home.today
    qtbot.waitUntil(lambda: today.model.index(0, 5).data() == "Done", timeout=10_000)
    done = _read(
        qtbot,
        unlocked,
        # Today's visit (the earliest): the note also planned the next one, carried forward.
        lambda ws: _scalar(
            ws,
            select(PlannedVisit.status, PlannedVisit.done_note_id)
            .order_by(PlannedVisit.due_at)
            .limit(1),
        ),
    )
    assert done == ("done", newest.id)


def test_an_empty_note_is_refused_in_a_plain_sentence(
    qtbot: QtBot, unlocked: AppController
) -> None:
    _open_dev(qtbot, unlocked)
    unlocked.new_visit_note()
    dialog = _dialog(qtbot, unlocked)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(dialog.error.isVisible, timeout=10_000)
    assert dialog.error.text() == "A note needs some text."
    assert unlocked.record.dialog is dialog  # still open, nothing lost
    assert dialog.save_button.isEnabled()


def test_editing_a_goal_validates_then_saves(qtbot: QtBot, unlocked: AppController) -> None:
    _open_dev(qtbot, unlocked)
    page = unlocked.main_window.record
    page.show_section(Section.PLAN)
    plan = page.plan
    assert plan.goals_model.index(0, 0).data() == DEV_GOAL
    qtbot.mouseClick(plan.edit_goal_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, unlocked)
    status = dialog.field("status")
    status.setCurrentIndex(status.findData("achieved"))  # type: ignore[attr-defined]
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(dialog.error.isVisible, timeout=10_000)
    assert dialog.error.text() == "Say what the outcome was when a goal is finished or stopped."

    qtbot.keyClicks(dialog.field("outcome"), "Walked there and back on Tuesday")
    _save(qtbot, unlocked, dialog)
    assert plan.goals_model.index(0, 2).data() == "Achieved"
    assert plan.goals_model.index(0, 4).data() == "Walked there and back on Tuesday"
    assert plan.status.text().startswith("Draft")


def test_marking_the_plan_agreed_saves_a_new_version(qtbot: QtBot, unlocked: AppController) -> None:
    _open_dev(qtbot, unlocked)
    page = unlocked.main_window.record
    page.show_section(Section.PLAN)
    plan = page.plan
    assert plan.status.text().startswith("Draft: not yet agreed")
    qtbot.mouseClick(plan.agree_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, unlocked)
    assert dialog.values()["agreed_with_name"] == "Dev Kumar"
    assert "version 1" in dialog.intro.text()
    _save(qtbot, unlocked, dialog)

    assert plan.status.text().startswith("Agreed: version 1, agreed with Dev Kumar (the person)")
    version, status = _read(
        qtbot, unlocked, lambda ws: _scalar(ws, select(CarePlan.version, CarePlan.status))
    )
    assert (version, status) == (1, "agreed")
    snapshot = _read(qtbot, unlocked, lambda ws: _scalar(ws, select(CarePlanVersion.snapshot)))
    frozen = json.loads(snapshot[0])
    assert frozen["version"] == 1
    assert [g["statement"] for g in frozen["goals"]] == [DEV_GOAL]

    # Any later edit to the plan makes it a draft again.
    qtbot.mouseClick(plan.add_strength_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, unlocked)
    qtbot.keyClicks(dialog.field("description"), "Knows everyone in the village")
    _save(qtbot, unlocked, dialog)
    assert plan.status.text().startswith("Draft: changed since version 1")
    assert "Knows everyone in the village" in plan.strengths.text()

    # A need, tied to a Care Act outcome, joins the plan's "What I need help with".
    qtbot.mouseClick(plan.add_need_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, unlocked)
    qtbot.keyClicks(dialog.field("description"), "Getting in and out of the bath")
    dialog.set_values({"care_act_outcome": "personal_hygiene"})
    _save(qtbot, unlocked, dialog)
    assert "Getting in and out of the bath" in plan.strengths.text()

    # "Change or end…" beside a strength: reworded, then ended (out of the plan).
    link = re.search(r'href="(strength:[^"]+)"', plan.strengths.text())
    assert link is not None
    plan.strengths.linkActivated.emit(link.group(1))
    dialog = _dialog(qtbot, unlocked)
    description = dialog.field("description")
    assert description.toPlainText() == "Knows everyone in the village"  # type: ignore[attr-defined]
    description.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(description, "Knows everyone in the dale")
    _save(qtbot, unlocked, dialog)
    assert "Knows everyone in the dale" in plan.strengths.text()
    plan.strengths.linkActivated.emit(link.group(1))
    dialog = _dialog(qtbot, unlocked)
    qtbot.mouseClick(dialog.field("ended"), Qt.MouseButton.LeftButton)
    _save(qtbot, unlocked, dialog)
    assert "Knows everyone" not in plan.strengths.text()
    ended = _read(qtbot, unlocked, lambda ws: _scalar(ws, select(Strength.ended_on)))
    assert ended[0] is not None


def test_consent_refused_needs_a_reason(qtbot: QtBot, unlocked: AppController) -> None:
    _open_dev(qtbot, unlocked)
    page = unlocked.main_window.record
    page.show_section(Section.CONSENT)
    qtbot.mouseClick(page.consent.record_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, unlocked)
    decision = dialog.field("decision")
    decision.setCurrentIndex(decision.findData("refused"))  # type: ignore[attr-defined]
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(dialog.error.isVisible, timeout=10_000)
    assert dialog.error.text() == "Say why consent was refused."

    qtbot.keyClicks(dialog.field("reason_refused"), "Does not want the council told")
    _save(qtbot, unlocked, dialog)
    model = page.consent.model
    assert model.rowCount() == 1
    assert model.index(0, 2).data() == "Refused"
    assert "Reason: Does not want the council told" in page.consent.detail.text()
    row = _read(
        qtbot,
        unlocked,
        lambda ws: _scalar(ws, select(ConsentToShare.decision, ConsentToShare.reason_refused)),
    )
    assert row == ("refused", "Does not want the council told")


def test_back_returns_to_the_list_and_ctrl_f_searches(
    qtbot: QtBot, unlocked: AppController
) -> None:
    _open_dev(qtbot, unlocked)
    window = unlocked.main_window
    assert window.showing_record
    qtbot.keyClick(window.record.sections, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert not window.showing_record
    assert window.home.currentWidget() is window.caseload
    assert QApplication.focusWidget() in (window.caseload.search, None)
    assert window.record.header.name.text() == ""  # the record was emptied


def _scalar(ws: Workspace, stmt: Any) -> Any:
    with ws.store.read() as session:
        return tuple(session.execute(stmt).one())


def test_the_section_titles_keep_their_width_when_the_list_scrolls(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    """On a 1366×768 laptop the nine sections need a scroll bar: the list widens by it,
    so "Contacts and carers" is never cut to "Contacts and …"."""
    page = RecordPage(TimelineModel(runner))
    qtbot.addWidget(page)
    sections = page.sections
    bar = sections.verticalScrollBar()
    page.resize(1200, 1200)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: not bar.isVisible())
    room = sections.viewport().width()
    page.resize(1200, 420)  # the list shorter than its nine titles
    qtbot.waitUntil(bar.isVisible)
    qtbot.waitUntil(lambda: sections.viewport().width() == room)
    page.resize(1200, 1200)  # and back to its own width once it fits again
    qtbot.waitUntil(lambda: not bar.isVisible())
    qtbot.waitUntil(lambda: sections.width() == SECTION_LIST_WIDTH)
