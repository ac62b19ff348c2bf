"""Edit details… on the record: a person's address, phone and language corrected
from the app with real keys, saved all or nothing, shown in the header at once,
journalled (it syncs) and audited; a bad postcode is one plain line and nothing
is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services.care import care_plan
from app.workspace import unlock as open_profile
from storage.tables import AboutMe, AuditEvent, Person, PersonalContact
from tests.conftest import PASSPHRASE
from tests.ui.helpers import DEV, unlock
from ui.app_controller import AppController
from ui.kit.forms import FormDialog

pytestmark = pytest.mark.gui


def _dev(profile: Path) -> tuple[Person, list[str]]:
    ws = open_profile(profile, PASSPHRASE)
    try:
        with ws.store.read() as session:
            person = session.execute(select(Person).where(Person.nhs_number == DEV)).scalar_one()
            events = session.execute(
                select(AuditEvent.detail).where(
                    AuditEvent.action == "record_edited", AuditEvent.person_id == person.id
                )
            ).scalars()
            return person, [e or "" for e in events]
    finally:
        ws.close()


def _open_details(qtbot: QtBot, controller: AppController) -> FormDialog:
    today = controller.main_window.home.today
    qtbot.waitUntil(lambda: today.model.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(today.table, Qt.Key.Key_Return)
    header = controller.main_window.record.header
    qtbot.mouseClick(header.edit_details, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.record.dialog is not None, timeout=10_000)
    dialog = controller.record.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def _retype(qtbot: QtBot, dialog: FormDialog, name: str, text: str) -> None:
    widget = dialog.field(name)
    assert isinstance(widget, QLineEdit)
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)


def test_details_corrected_from_the_record_show_at_once_and_are_kept(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    unlock(qtbot, controller)
    dialog = _open_details(qtbot, controller)
    postcode = dialog.field("postcode")
    assert isinstance(postcode, QLineEdit) and postcode.text() == "LA2 8PQ"  # as recorded
    _retype(qtbot, dialog, "phone", "01524 000777")
    _retype(qtbot, dialog, "town", "Caton")
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(dialog.field("town"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert controller.record.dialog is None
    details = controller.main_window.record.header
    shown = " ".join(w.text() for w in (details.identity, details.details))
    assert "01524 000777" in shown and "Caton" in shown
    controller.shutdown()
    person, events = _dev(profile)
    assert (person.phone, person.town, person.postcode) == ("01524 000777", "Caton", "LA2 8PQ")
    assert any('"phone"' in e and '"town"' in e for e in events)


def test_a_bad_postcode_is_one_plain_line_and_nothing_is_written(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    unlock(qtbot, controller)
    dialog = _open_details(qtbot, controller)
    _retype(qtbot, dialog, "phone", "01524 000888")
    _retype(qtbot, dialog, "postcode", "not a postcode")
    qtbot.keyClick(dialog.field("postcode"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(dialog.error.isVisible, timeout=5_000)
    assert "not a UK postcode" in dialog.error.text() and "\n" not in dialog.error.text()
    controller.shutdown()
    person, events = _dev(profile)
    assert person.phone != "01524 000888" and person.postcode == "LA2 8PQ"
    assert not any('"phone"' in e for e in events)  # only the fixture's own edit


def test_about_me_is_written_with_the_person_and_shown(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    unlock(qtbot, controller)
    today = controller.main_window.home.today
    qtbot.waitUntil(lambda: today.model.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(today.table, Qt.Key.Key_Return)
    section = controller.main_window.record.about_me
    qtbot.waitUntil(section.edit.isVisible, timeout=5_000)
    qtbot.mouseClick(section.edit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.record.dialog is not None, timeout=10_000)
    dialog = controller.record.dialog
    assert dialog is not None
    words = dialog.field("most_important")
    assert isinstance(words, QPlainTextEdit)
    words.setFocus()
    qtbot.keyClicks(words, "Getting to the allotment on Sundays")
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(words, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "Getting to the allotment on Sundays" in section.text.toPlainText()
    controller.shutdown()
    ws = open_profile(profile, PASSPHRASE)
    try:
        with ws.store.read() as session:
            person = session.execute(select(Person).where(Person.nhs_number == DEV)).scalar_one()
            about = session.execute(
                select(AboutMe).where(AboutMe.person_id == person.id)
            ).scalar_one()
            assert about.most_important == "Getting to the allotment on Sundays"
            assert about.last_updated is not None
            saved = session.execute(
                select(AuditEvent.detail).where(AuditEvent.action == "about_me_saved")
            ).scalar_one()
            assert '"most_important"' in (saved or "")
    finally:
        ws.close()


def test_a_carer_is_added_then_corrected_from_the_contacts_section(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    unlock(qtbot, controller)
    today = controller.main_window.home.today
    qtbot.waitUntil(lambda: today.model.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(today.table, Qt.Key.Key_Return)
    page = controller.main_window.record
    qtbot.keyClick(page, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)  # Contacts
    section = page.contacts
    qtbot.waitUntil(section.add_button.isVisible, timeout=5_000)
    qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.record.dialog is not None, timeout=10_000)
    dialog = controller.record.dialog
    assert dialog is not None
    _retype(qtbot, dialog, "name", "Priya Kumar")
    _retype(qtbot, dialog, "relationship", "Daughter")
    _retype(qtbot, dialog, "phone", "07700 900123")
    dialog.set_values({"is_main_carer": "yes", "carers_assessment": "offered"})
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(dialog.field("phone"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    rows = [section.model.row_at(r) for r in range(section.model.rowCount())]
    priya = next(r for r in rows if r is not None and r.name == "Priya Kumar")
    assert priya.is_main_carer and priya.carers_assessment == "offered"

    # Corrected: select her row, Enter, change the phone.
    section.carers.selectRow(rows.index(priya))
    qtbot.keyClick(section.carers, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.record.dialog is not None, timeout=10_000)
    dialog = controller.record.dialog
    assert dialog is not None
    name = dialog.field("name")
    assert isinstance(name, QLineEdit) and name.text() == "Priya Kumar"
    _retype(qtbot, dialog, "phone", "07700 900456")
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(dialog.field("phone"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    controller.shutdown()
    ws = open_profile(profile, PASSPHRASE)
    try:
        with ws.store.read() as session:
            kept = session.execute(
                select(PersonalContact).where(PersonalContact.name == "Priya Kumar")
            ).scalar_one()
            assert (kept.phone, kept.relationship, kept.is_main_carer) == (
                "07700 900456",
                "Daughter",
                True,
            )
    finally:
        ws.close()


def test_a_note_is_corrected_beside_itself_from_the_timeline(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    unlock(qtbot, controller)
    today = controller.main_window.home.today
    qtbot.waitUntil(lambda: today.model.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(today.table, Qt.Key.Key_Return)
    page = controller.main_window.record
    qtbot.keyClick(page, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)  # Timeline
    timeline = page.timeline
    qtbot.waitUntil(lambda: controller.timeline.rowCount() > 0, timeout=10_000)
    qtbot.waitUntil(timeline.correct.isEnabled, timeout=5_000)
    first = controller.timeline.entry_at(0)
    assert first is not None
    qtbot.mouseClick(timeline.correct, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.record.dialog is not None, timeout=10_000)
    dialog = controller.record.dialog
    assert dialog is not None
    words = dialog.field("narrative")
    assert isinstance(words, QPlainTextEdit) and words.toPlainText() == first.narrative
    words.setFocus()
    qtbot.keyClick(words, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(words, " Corrected: seen with her daughter.")
    _retype(qtbot, dialog, "reason", "Left out who was there")
    with qtbot.waitSignal(controller.timeline.first_page_loaded, timeout=10_000):
        qtbot.keyClick(dialog.field("reason"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    entries = [controller.timeline.entry_at(r) for r in range(controller.timeline.rowCount())]
    correction = next(e for e in entries if e is not None and e.amends_id == first.id)
    original = next(e for e in entries if e is not None and e.id == first.id)
    assert correction.amendment_reason == "Left out who was there"
    assert correction.narrative.endswith("Corrected: seen with her daughter.")
    assert original.corrected and original.narrative == first.narrative
    shown = [
        str(controller.timeline.index(r, 4).data()) for r in range(controller.timeline.rowCount())
    ]
    assert any(text.startswith("Correction: ") for text in shown)
    assert any(text.startswith("[Corrected] ") for text in shown)
    controller.shutdown()


def test_a_case_is_closed_with_its_reason_and_reopened_from_the_record(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    ws = open_profile(profile, PASSPHRASE)  # a colleague holds an action in Dev's plan
    try:
        with ws.store.read() as session:
            dev = session.execute(select(Person.id).where(Person.nhs_number == DEV)).scalar_one()
        goal = care_plan.add_goal(ws, person_id=dev, statement="I want to bathe safely")
        assert goal.entity_id
        care_plan.add_action(ws, goal_id=goal.entity_id, what="Fit a bath lift", who_name="Ceri")
    finally:
        ws.close()
    unlock(qtbot, controller)
    today = controller.main_window.home.today
    qtbot.waitUntil(lambda: today.model.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(today.table, Qt.Key.Key_Return)
    header = controller.main_window.record.header
    assert header.close_case.isVisible() and not header.reopen_case.isVisible()
    qtbot.mouseClick(header.close_case, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.record.dialog is not None, timeout=10_000)
    dialog = controller.record.dialog
    assert dialog is not None
    dialog.set_values({"reason": "discharged"})
    qtbot.keyClick(dialog.field("closed_on"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    # Dev's plan has actions others hold: they are named, and nothing is closed yet.
    qtbot.waitUntil(dialog.error.isVisible, timeout=5_000)
    assert dialog.error.text().startswith("Others still hold actions in this plan:")
    assert controller.record.dialog is dialog
    qtbot.mouseClick(dialog.field("others_told"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(dialog.field("closed_on"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert header.closed.isVisible()
    assert "Discharged from the team" in header.closed.text()
    assert header.reopen_case.isVisible() and not header.close_case.isVisible()

    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.mouseClick(header.reopen_case, Qt.MouseButton.LeftButton)
    assert not header.closed.isVisible() and header.close_case.isVisible()
    controller.shutdown()
    person, _events = _dev(profile)
    assert (person.status, person.closed_reason) == ("open", None)


def test_a_professional_is_added_as_key_worker_from_the_contacts_section(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    unlock(qtbot, controller)
    today = controller.main_window.home.today
    qtbot.waitUntil(lambda: today.model.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(today.table, Qt.Key.Key_Return)
    page = controller.main_window.record
    qtbot.keyClick(page, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    section = page.contacts
    qtbot.waitUntil(section.add_pro_button.isVisible, timeout=5_000)
    qtbot.mouseClick(section.add_pro_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.record.dialog is not None, timeout=10_000)
    dialog = controller.record.dialog
    assert dialog is not None
    _retype(qtbot, dialog, "name", "Tomos Bell")
    _retype(qtbot, dialog, "role", "Occupational therapist")
    dialog.set_values({"is_key_worker": "yes"})
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(dialog.field("role"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    rows = [section.pros_model.row_at(r) for r in range(section.pros_model.rowCount())]
    keys = [r.name for r in rows if r is not None and r.is_key_worker]
    assert keys == ["Tomos Bell"]  # the only key worker now
    controller.shutdown()


def test_a_capacity_assessment_is_recorded_from_the_assessments_section(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    unlock(qtbot, controller)
    today = controller.main_window.home.today
    qtbot.waitUntil(lambda: today.model.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(today.table, Qt.Key.Key_Return)
    page = controller.main_window.record
    qtbot.keyClick(page, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)  # Assessments
    section = page.assessments
    qtbot.waitUntil(section.add_capacity_button.isVisible, timeout=5_000)
    qtbot.mouseClick(section.add_capacity_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.record.dialog is not None, timeout=10_000)
    dialog = controller.record.dialog
    assert dialog is not None
    _retype(qtbot, dialog, "decision", "Where to live after discharge")
    dialog.set_values({"outcome": "lacks_capacity"})
    qtbot.keyClick(dialog.field("decision"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(dialog.error.isVisible, timeout=5_000)  # the reasons are required
    assert dialog.error.text().startswith("Say how the test was applied")
    notes = dialog.field("notes")
    assert isinstance(notes, QPlainTextEdit)
    notes.setFocus()
    qtbot.keyClicks(notes, "Could not retain the options long enough to weigh them.")
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(notes, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    shown = section.text.toPlainText()
    assert "Where to live after discharge" in shown and "Assessed by" in shown
    controller.shutdown()


def test_lives_alone_is_not_recorded_until_someone_asks_then_shown_in_the_header(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    unlock(qtbot, controller)
    dialog = _open_details(qtbot, controller)
    choice = dialog.field("lives_alone")
    assert isinstance(choice, QComboBox) and choice.currentText() == "Not recorded"
    details = controller.main_window.record.header.details
    assert "Lives alone" not in details.text()
    choice.setFocus()
    qtbot.keyClick(choice, Qt.Key.Key_Down)
    assert choice.currentText() == "Yes"
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(choice, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert controller.record.dialog is None
    assert "<b>Lives alone</b> yes" in details.text()
    controller.shutdown()
    person, events = _dev(profile)
    assert person.lives_alone is True
    assert any('"lives_alone"' in e for e in events)
