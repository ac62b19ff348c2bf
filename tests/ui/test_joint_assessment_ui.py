"""The initial assessment from the record, with real widgets: a part written and
saved with the keyboard shows at once, signed, with its Care Act outcomes and
whether it is printed; what is still to do and that consent has not been asked are
said; a half-written part survives closing the form (its draft)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QListWidget, QPlainTextEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.errors import InvalidInputError
from app.services.care.joint_assessment import initial_parts, record_part
from app.services.record.record import open_record
from app.workspace import Workspace
from app.workspace import unlock as open_profile
from storage.tables import Assessment
from tests.app.access_data import build_scene, sign_in
from tests.conftest import PASSPHRASE
from tests.ui.helpers import unlock
from ui.app_controller import AppController
from ui.kit.forms import FormDialog
from ui.record.assessment_editors import assessment_part_change

pytestmark = pytest.mark.gui


def _open_part(qtbot: QtBot, controller: AppController) -> FormDialog:
    section = controller.main_window.record.assessments
    qtbot.mouseClick(section.add_part_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.record.dialog is not None, timeout=10_000)
    dialog = controller.record.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_a_part_is_saved_signed_and_shown_and_its_draft_survives(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    unlock(qtbot, controller)
    today = controller.main_window.home.today
    qtbot.waitUntil(lambda: today.model.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(today.table, Qt.Key.Key_Return)
    section = controller.main_window.record.assessments

    dialog = _open_part(qtbot, controller)
    part = dialog.field("part")
    assert isinstance(part, QComboBox)
    assert part.currentData() == "own_account"  # the first part still to do
    part.setCurrentIndex(part.findData("daily_living"))
    # The chosen part's own prompt shows under it, and only that one.
    hints = [h.text() for h in dialog.findChildren(QLabel, "hint") if h.isVisible()]
    assert any(h.startswith("Tick the outcomes they cannot achieve") for h in hints)
    assert not any(h.startswith("Conditions, medicines") for h in hints)
    findings = dialog.field("findings")
    assert isinstance(findings, QPlainTextEdit)
    findings.setFocus()
    qtbot.keyClicks(findings, "Cannot get in or out of the bath")
    # Closed before saving: the draft keeps what was typed.
    qtbot.keyClick(findings, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: controller.record.dialog is None, timeout=5_000)
    dialog = _open_part(qtbot, controller)
    findings = dialog.field("findings")
    assert isinstance(findings, QPlainTextEdit)
    qtbot.waitUntil(
        lambda: findings.toPlainText() == "Cannot get in or out of the bath", timeout=5_000
    )
    part = dialog.field("part")
    assert isinstance(part, QComboBox) and part.currentData() == "daily_living"

    outcomes = dialog.field("needs_help_with")
    assert isinstance(outcomes, QListWidget)
    for row in range(outcomes.count()):
        item = outcomes.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == "personal_hygiene":
            item.setCheckState(Qt.CheckState.Checked)
    agreed = dialog.field("shown_in_plan")
    assert isinstance(agreed, QCheckBox)
    qtbot.mouseClick(agreed, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(findings, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert controller.record.dialog is None

    shown = section.text.toPlainText()
    assert "Daily living (Care Act outcomes)" in shown
    assert "shown in the printed plan" in shown
    assert "Needs help with: Maintaining personal hygiene" in shown
    assert "Signed by" in shown
    assert "Still to do: The person's own account, Health" in shown
    # "Change…" beside the part: its signer rewords it.
    change = re.search(r'href="(part:[^"]+)"', section.text.toHtml())
    assert change is not None
    section.text.anchorClicked.emit(QUrl(change.group(1)))
    qtbot.waitUntil(lambda: controller.record.dialog is not None, timeout=10_000)
    dialog = controller.record.dialog
    assert dialog is not None
    words = dialog.field("findings")
    assert isinstance(words, QPlainTextEdit)
    assert words.toPlainText() == "Cannot get in or out of the bath"
    words.setFocus()
    words.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(words, "; bath board fitted")
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(words, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    shown = section.text.toPlainText()
    assert "Cannot get in or out of the bath; bath board fitted" in shown
    assert "shown in the printed plan" in shown  # the revision kept the person's say
    # "Add these to the plan's needs" beside the outcomes: the plan's needs follow.
    link = re.search(r'href="(needs:[^"]+)"', section.text.toHtml())
    assert link is not None
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        section.text.anchorClicked.emit(QUrl(link.group(1)))
    plan = controller.main_window.record.plan
    assert "Maintaining personal hygiene" in plan.strengths.text()
    controller.shutdown()

    ws = open_profile(profile, PASSPHRASE)
    try:
        with ws.store.read() as session:
            (row,) = session.execute(
                select(Assessment).where(Assessment.part.is_not(None))
            ).scalars()
            assert (row.part, row.needs_help_with, row.shown_in_plan) == (
                "daily_living",
                "personal_hygiene",
                True,
            )
            assert row.performed_by_id == ws.actor.user_id
    finally:
        ws.close()


def test_someone_elses_part_takes_only_the_persons_say_on_printing(
    populated: Workspace,
) -> None:
    """The form for a colleague's part: changing what it found is one plain line and
    nothing written; the person's say on printing it is recorded."""
    scene = build_scene(populated)
    ot, nurse = sign_in(populated, scene, "otto"), sign_in(populated, scene, "nia")
    record_part(ot, person_id=scene.zoe, part="carers", findings="Daughter copes.")
    (part,) = initial_parts(open_record(nurse, scene.zoe).assessments)
    editor = assessment_part_change(open_record(nurse, scene.zoe), part)
    with pytest.raises(InvalidInputError, match="Only who signed this part"):
        editor.save(nurse, {"findings": "Daughter not coping.", "shown_in_plan": True}, None)
    (part,) = initial_parts(open_record(nurse, scene.zoe).assessments)
    assert part.summary == "Daughter copes." and not part.shown_in_plan
    editor.save(nurse, {"findings": "Daughter copes.", "shown_in_plan": True}, None)
    (part,) = initial_parts(open_record(nurse, scene.zoe).assessments)
    assert part.summary == "Daughter copes." and part.shown_in_plan


def test_a_new_referral_for_someone_registered_shows_in_the_section(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    unlock(qtbot, controller)
    today = controller.main_window.home.today
    qtbot.waitUntil(lambda: today.model.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(today.table, Qt.Key.Key_Return)
    section = controller.main_window.record.assessments
    qtbot.mouseClick(section.add_referral_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.record.dialog is not None, timeout=10_000)
    dialog = controller.record.dialog
    assert dialog is not None
    source = dialog.field("source")
    assert isinstance(source, QComboBox)
    source.setCurrentIndex(source.findData("nhs_111"))
    reason = dialog.field("reason")
    assert isinstance(reason, QPlainTextEdit)
    reason.setFocus()
    qtbot.keyClicks(reason, "Called 111 at night, breathless")
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(reason, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    shown = section.text.toPlainText()
    assert "Referred by NHS 111" in shown and "Called 111 at night, breathless" in shown
