"""Reablement and outcomes from the record, with real widgets and keys: an episode
started through its dialog reads "day 1 of 42"; a longer one with no reason is
refused in one plain line and nothing is written; ending it; the 91-day check's
button only when day 91 has come; a goal reviewed from the plan (its score only on
a scale); a hospital event recorded and marked in error after a question; the
experience statements; the 91-day check on Today and in the Team view; every
dialog inside a 1366×768 screen.

Dates are counted back from the clock's today, so these hold on any date (CI reruns
the UI suite as of 29 Feb 2028 and 31 Dec 2030)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QListWidget, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.services import clock
from app.services.outcomes import episodes
from app.values import reablement
from app.workspace import Workspace
from app.workspace import unlock as open_profile
from storage.tables import Goal, HospitalEvent, ReablementEpisode
from tests.ui.helpers import DEV, DEV_GOAL, PASSPHRASE, person_id_of, unlock
from tests.ui.test_record import _dialog, _open_dev, _save
from tests.ui.test_screen_and_input import _fits_the_smallest_screen, _inside_the_screen
from ui.app_controller import AppController
from ui.kit.formatting import british_date
from ui.kit.forms import FormDialog
from ui.record.outcomes_section import OutcomesSection
from ui.record.record_page import Section

pytestmark = pytest.mark.gui


def _days_ago(n: int) -> date:
    return clock.today() - timedelta(days=n)


def _prepare(profile: Path, setup: Callable[[Workspace, str], Any]) -> None:
    """Write to Dev Kumar's record before the app unlocks (nothing else holds the file)."""
    ws = open_profile(profile, PASSPHRASE)
    try:
        setup(ws, person_id_of(ws, DEV))
    finally:
        ws.close()


def _outcomes(qtbot: QtBot, controller: AppController) -> OutcomesSection:
    """Dev's record open at Reablement and outcomes (Ctrl+8)."""
    _open_dev(qtbot, controller)
    page = controller.main_window.record
    qtbot.keyClick(page.sections, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    assert page.section == Section.OUTCOMES
    return page.outcomes


def _press(qtbot: QtBot, button: Any) -> None:
    """A button pressed from the keyboard (Space), as after tabbing to it."""
    assert button.isVisible() and button.isEnabled(), button.objectName()
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(button, Qt.Key.Key_Space)


def _retype(qtbot: QtBot, field: Any, text: str) -> None:
    assert isinstance(field, QLineEdit)
    field.setFocus(Qt.FocusReason.TabFocusReason)
    field.selectAll()
    qtbot.keyClicks(field, text)


def _pick(qtbot: QtBot, combo: Any, typed: str) -> None:
    """Typing the first letters into a choice picks it, as on the keyboard (no spaces:
    Space opens the list)."""
    assert isinstance(combo, QComboBox)
    combo.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(combo, typed)


def _count(qtbot: QtBot, controller: AppController, table: type) -> int:
    """Rows of `table`, read on the database lane."""
    found: list[int] = []
    controller.ops.read(
        lambda ws: _rows(ws, table),
        on_done=found.append,
    )
    qtbot.waitUntil(lambda: bool(found), timeout=10_000)
    return found[0]


def _rows(ws: Workspace, table: type) -> int:
    with ws.store.read() as s:
        return int(s.execute(select(func.count()).select_from(table)).scalar_one())


def test_start_an_episode_with_keys_and_a_longer_one_needs_a_reason(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    section = _outcomes(qtbot, controller)
    assert "No reablement under way" in section.episode.text()
    assert not section.follow_up_button.isVisible()

    _press(qtbot, section.start_button)
    dialog = _dialog(qtbot, controller)
    assert dialog.objectName() == "dialog_start_reablement"
    today = clock.today()
    start, end = dialog.field("started_on"), dialog.field("planned_end_on")
    assert isinstance(start, QLineEdit) and isinstance(end, QLineEdit)
    assert start.text() == british_date(today)
    assert end.text() == british_date(today + timedelta(days=42))
    # The planned end follows a changed start while it is still six weeks on.
    _retype(qtbot, start, british_date(_days_ago(3)))
    assert end.text() == british_date(_days_ago(3) + timedelta(days=42))
    _retype(qtbot, start, british_date(today))
    # Past six weeks with no reason: one plain line, the dialog stays, nothing written.
    _retype(qtbot, end, british_date(today + timedelta(days=50)))
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "say why this one is planned longer" in dialog.error.text()
    assert controller.record.dialog is dialog
    assert _count(qtbot, controller, ReablementEpisode) == 0

    # Six weeks after all, and the plan's goal ticked with the keyboard.
    _retype(qtbot, end, british_date(today + timedelta(days=42)))
    goals = dialog.field("goals")
    assert isinstance(goals, QListWidget)
    goals.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(goals, Qt.Key.Key_Down)
    qtbot.keyClick(goals, Qt.Key.Key_Space)
    assert dialog.values()["goals"]
    _save(qtbot, controller, dialog)
    text = section.episode.text()
    assert "day 1 of 42" in text
    assert f"planned to end {british_date(today + timedelta(days=42))}" in text
    assert DEV_GOAL in text
    assert not section.start_button.isVisible()
    assert section.end_button.isVisible() and section.replan_button.isVisible()
    assert "Reablement started." in controller.main_window.statusBar().currentMessage()

    # End it: the check is due from day 91, and its button is not shown yet.
    _press(qtbot, section.end_button)
    dialog = _dialog(qtbot, controller)
    _pick(qtbot, dialog.field("outcome"), "Ind")
    _save(qtbot, controller, dialog)
    assert "No reablement under way" in section.episode.text()
    due = british_date(today + timedelta(days=reablement.FOLLOW_UP_DAYS))
    assert f"91-day check due from {due}" in section.follow_up.text()
    assert section.follow_up.property("state") != "overdue"
    assert not section.follow_up_button.isVisible()
    assert "Independent" in section.earlier.text()
    assert section.start_button.isVisible()


def test_the_91_day_check_button_shows_only_when_day_91_has_come(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    def setup(ws: Workspace, dev: str) -> None:
        left = _days_ago(100)
        begun = episodes.start_episode(ws, person_id=dev, started_on=left, discharged_on=left)
        episodes.end_episode(
            ws,
            episode_id=str(begun.entity_id),
            outcome="reduced_support",
            ended_on=left + timedelta(days=30),
        )

    _prepare(profile, setup)
    unlock(qtbot, controller)
    # Today lists it, for Dev's lead professional; the button opens the section.
    notice = controller.main_window.home.today.follow_ups
    qtbot.waitUntil(lambda: len(notice.buttons) == 1, timeout=10_000)
    assert "91-day checks due (1)" in notice.title.text()
    assert "Kumar, Dev" in notice.buttons[0].text()
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        _press(qtbot, notice.buttons[0])
    page = controller.main_window.record
    assert page.section == Section.OUTCOMES
    section = page.outcomes
    assert section.follow_up_button.isVisible()
    assert section.follow_up.property("state") == "overdue"  # the one overdue style
    since = british_date(_days_ago(100) + timedelta(days=91))
    assert f"91-day check due since {since}" in section.follow_up.text()

    _press(qtbot, section.follow_up_button)
    dialog = _dialog(qtbot, controller)
    assert dialog.objectName() == "dialog_follow_up"
    _pick(qtbot, dialog.field("result"), "At")
    _save(qtbot, controller, dialog)
    assert not section.follow_up_button.isVisible()
    assert not section.follow_up.isVisible()
    assert "91-day check on" in section.earlier.text() and "At home" in section.earlier.text()
    qtbot.waitUntil(lambda: not notice.isVisibleTo(notice.parentWidget()), timeout=10_000)


def test_no_check_button_before_day_91(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    def setup(ws: Workspace, dev: str) -> None:
        left = _days_ago(reablement.FOLLOW_UP_DAYS - 1)  # day 91 is tomorrow
        begun = episodes.start_episode(ws, person_id=dev, started_on=left, discharged_on=left)
        episodes.end_episode(ws, episode_id=str(begun.entity_id), outcome="independent")

    _prepare(profile, setup)
    unlock(qtbot, controller)
    section = _outcomes(qtbot, controller)
    assert not section.follow_up_button.isVisible()
    assert "91-day check due from" in section.follow_up.text()
    assert not controller.main_window.home.today.follow_ups.buttons


def test_review_a_goal_from_the_plan_with_its_score_only_on_a_scale(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    _open_dev(qtbot, controller)
    page = controller.main_window.record
    qtbot.keyClick(page.sections, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    plan = page.plan
    # No scale yet: the review asks no score.
    _press(qtbot, plan.review_goal_button)
    dialog = _dialog(qtbot, controller)
    assert "gas_score" not in dialog.widgets
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: controller.record.dialog is None)

    # The goal's scale set when editing it.
    _press(qtbot, plan.edit_goal_button)
    dialog = _dialog(qtbot, controller)
    _pick(qtbot, dialog.field("gas_baseline"), "St")  # the first: starts at −1
    _save(qtbot, controller, dialog)
    record = controller.record.record
    assert record is not None and record.plan.goals[0].gas_baseline == -1

    _press(qtbot, plan.review_goal_button)
    dialog = _dialog(qtbot, controller)
    assert dialog.objectName() == "dialog_goal_review"
    _pick(qtbot, dialog.field("result"), "Ach")
    _pick(qtbot, dialog.field("gas_score"), "+1")
    comment = dialog.field("comment")
    comment.setFocus()
    qtbot.keyClicks(comment, "I walked there with my stick on Tuesday")
    _save(qtbot, controller, dialog)
    assert "Goal review saved." in controller.main_window.statusBar().currentMessage()
    goal = plan.selected_goal()
    assert goal is not None and goal.status == "achieved"
    reviews = controller.main_window.record.outcomes.reviews_model
    (row,) = reviews.rows
    assert (row.result, row.gas_score) == ("Achieved", 1)
    assert reviews.index(0, 2).data() == "+1"


def test_a_hospital_event_recorded_then_marked_in_error_after_a_question(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    section = _outcomes(qtbot, controller)
    _press(qtbot, section.hospital_button)
    dialog = _dialog(qtbot, controller)
    # No date: one plain line, nothing written.
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "Enter the date it happened" in dialog.error.text()
    assert _count(qtbot, controller, HospitalEvent) == 0
    _retype(qtbot, dialog.field("occurred_on"), british_date(_days_ago(2)))
    _retype(qtbot, dialog.field("hospital"), "Friarage Hospital")
    _save(qtbot, controller, dialog)
    assert section.hospital_model.rowCount() == 1
    # They joined the caseload today: an admission two days ago counts as the year before.
    assert "1 unplanned admission in the year before" in section.admissions.text()

    # Keep it: nothing changes. Then mark it: kept in the store, gone from the counts.
    _press(qtbot, section.in_error_button)
    box = controller.record.outcomes.question
    assert isinstance(box, QMessageBox)
    qtbot.waitExposed(box)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: controller.record.outcomes.question is None)
    assert section.hospital_model.rowCount() == 1
    _press(qtbot, section.in_error_button)
    box = controller.record.outcomes.question
    assert box is not None
    confirm = box.findChild(type(section.hospital_button), "inErrorConfirm")
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)
    assert section.hospital_model.rowCount() == 0
    assert "0 unplanned admissions in the year before" in section.admissions.text()
    assert _count(qtbot, controller, HospitalEvent) == 1  # never removed


def test_the_experience_statements_all_or_none(qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    section = _outcomes(qtbot, controller)
    assert "Not asked yet" in section.experience.text()
    _press(qtbot, section.experience_button)
    dialog = _dialog(qtbot, controller)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "Answer at least one statement" in dialog.error.text()
    whose = dialog.field("answered_by")
    whose.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(whose, Qt.Key.Key_Down)
    qtbot.keyClick(whose, Qt.Key.Key_Down)  # the person, their carer, both together
    _pick(qtbot, dialog.field("tell_story_once"), "No")
    _pick(qtbot, dialog.field("know_the_plan"), "Y")  # Yes, definitely (Space opens the list)
    _save(qtbot, controller, dialog)
    shown = section.experience.text()
    assert "I tell my story once." in shown and "<b>No</b>" in shown
    assert "answered by the person with their carer" in shown


def test_the_outcomes_dialogs_fit_a_laptop_screen(qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    section = _outcomes(qtbot, controller)
    for button in (section.start_button, section.hospital_button, section.experience_button):
        _press(qtbot, button)
        dialog: FormDialog = _dialog(qtbot, controller)
        _inside_the_screen(dialog)
        assert _fits_the_smallest_screen(dialog), (dialog.objectName(), dialog.minimumSizeHint())
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: controller.record.dialog is None)
        QApplication.processEvents()


def test_the_team_view_counts_and_shows_the_checks_due(
    qtbot: QtBot, coordinator_team: tuple[AppController, Path]
) -> None:
    controller, profile = coordinator_team
    ws = open_profile(profile, PASSPHRASE)
    try:
        people = _team_people(ws)
        left = _days_ago(120)
        for person_id in people[:2]:
            with ws.store.write(ws.actor) as s:
                s.add(
                    ReablementEpisode(
                        person_id=person_id,
                        started_on=left,
                        planned_end_on=left + timedelta(days=42),
                        ended_on=left + timedelta(days=40),
                        outcome="independent",
                    )
                )
    finally:
        ws.close()
    unlock(qtbot, controller)
    home = controller.main_window.home
    panel = controller.team.panel
    home.setCurrentIndex(controller.team.tab)
    card = panel.cards["follow_ups_due"]
    qtbot.waitUntil(lambda: card.text().startswith("2\n"), timeout=10_000)
    assert card.property("alarm") is True
    with qtbot.waitSignal(controller.team.model.first_page_loaded, timeout=10_000):
        qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.team.model.rowCount() == 2, timeout=10_000)


def _team_people(ws: Workspace) -> list[str]:
    from storage.tables import Person

    with ws.store.read() as s:
        return list(
            s.execute(
                select(Person.id).where(Person.status == "open").order_by(Person.family_name)
            ).scalars()
        )


def test_replanning_keeps_its_draft_through_a_lock_and_drops_a_goal(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    def setup(ws: Workspace, dev: str) -> None:
        with ws.store.read() as s:
            goal_id = s.execute(select(Goal.id).where(Goal.statement == DEV_GOAL)).scalar_one()
        episodes.start_episode(ws, person_id=dev, started_on=_days_ago(5), goal_ids=[goal_id])

    _prepare(profile, setup)
    unlock(qtbot, controller)
    section = _outcomes(qtbot, controller)
    assert DEV_GOAL in section.episode.text()
    _press(qtbot, section.replan_button)
    dialog = _dialog(qtbot, controller)
    assert dialog.objectName() == "dialog_replan_reablement"
    goals = dialog.field("goals")
    assert isinstance(goals, QListWidget)
    assert goals.item(0).text() == DEV_GOAL
    assert goals.item(0).checkState() == Qt.CheckState.Checked  # what it works on now
    longer = british_date(_days_ago(5) + timedelta(days=56))
    _retype(qtbot, dialog.field("planned_end_on"), longer)
    reason = dialog.field("longer_reason")
    reason.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(reason, "Stairs need longer")

    # Locked with the dialog open: after unlocking it is back, as typed.
    controller.lock("test")
    unlock(qtbot, controller)
    dialog = _dialog(qtbot, controller)
    assert dialog.objectName() == "dialog_replan_reablement"
    assert dialog.values()["longer_reason"] == "Stairs need longer"
    assert dialog.values()["planned_end_on"] == longer

    # Untick the goal with the keyboard: it stays in the plan, no longer the episode's.
    goals = dialog.field("goals")
    assert isinstance(goals, QListWidget)
    goals.setFocus(Qt.FocusReason.TabFocusReason)
    goals.setCurrentRow(0)
    qtbot.keyClick(goals, Qt.Key.Key_Space)
    assert dialog.values()["goals"] == []
    _save(qtbot, controller, dialog)
    section = controller.main_window.record.outcomes
    assert DEV_GOAL not in section.episode.text()
    assert f"planned to end {longer}" in section.episode.text()

    def linked(ws: Workspace) -> str | None:
        with ws.store.read() as s:
            return s.execute(
                select(Goal.reablement_episode_id).where(Goal.statement == DEV_GOAL)
            ).scalar_one()

    found: list[str | None] = []
    controller.ops.read(linked, on_done=found.append)
    qtbot.waitUntil(lambda: bool(found), timeout=10_000)
    assert found == [None]
