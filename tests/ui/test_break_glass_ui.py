"""Need-to-know in the desktop: someone outside the user's team shows minimal detail
in the caseload; opening them asks for a break-glass reason (audited), then the
record opens under a banner; restricted content says whom to ask."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services import clock
from app.services.care.risks import add_alert
from app.services.record.people import find, register
from app.workspace import create
from app.workspace import unlock as unlock_profile
from storage import settings
from storage.tables import AuditEvent, ContactNote, Person, StaffMember, Team
from tests.ui.helpers import FAST_KDF, PASSPHRASE, PEOPLE, STAFF, make_controller, unlock
from ui.app_controller import AppController
from ui.caseload.caseload_model import Column
from ui.kit.tasks import TaskRunner
from ui.record.break_glass_dialog import BreakGlassDialog
from ui.record.record_page import Section

pytestmark = pytest.mark.gui

ADA, BRYN = PEOPLE[0].nhs_number, PEOPLE[1].nhs_number
SAFEGUARDING = "Section 42 enquiry: grandson takes her pension"
SECRET_NOTE = "Disclosed a history of domestic abuse, in confidence"
REASON = "Called by 111: Bryn has fallen and his own team is not answering"


def _profile(path: Path) -> Path:
    """Sam Taylor (nurse) in the North team; Bryn is the South team's; Ada's lead is
    Sol, a social worker, who wrote a sensitive note and a safeguarding detail."""
    ws = create(path, PASSPHRASE, user_name=STAFF, kdf=FAST_KDF)
    try:
        for person in PEOPLE:
            register(ws, person)
        with ws.store.write(ws.actor) as s:
            north, south = Team(name="North Dales"), Team(name="South Dales")
            s.add_all([north, south])
            s.flush()
            sol = StaffMember(display_name="Sol Social", role="social_worker", team_id=north.id)
            s.add(sol)
            s.flush()
            me = s.get(StaffMember, ws.actor.user_id)
            assert me is not None
            me.team_id = north.id
            settings.put(s, settings.HOME_TEAM, north.id)
            for held in s.execute(select(Person)).scalars():
                held.team_id = north.id
            find(s, BRYN).team_id = south.id
            ada = find(s, ADA)
            ada.lead_professional_id = sol.id
            s.add(
                ContactNote(
                    person_id=ada.id,
                    contact_type="home_visit",
                    narrative=SECRET_NOTE,
                    occurred_at=clock.now() - timedelta(days=1),
                    author_id=sol.id,
                    author_role="social_worker",
                    sensitive=True,
                )
            )
            ada_id = ada.id
        add_alert(
            ws,
            person_id=ada_id,
            kind="safeguarding",
            summary="Safeguarding concern",
            restricted_detail=SAFEGUARDING,
        )
    finally:
        ws.close()
    return path


@pytest.fixture
def app(qtbot: QtBot, runner: TaskRunner, tmp_path: Path) -> Iterator[AppController]:
    controller = make_controller(qtbot, runner, _profile(tmp_path / "profile"))
    unlock(qtbot, controller)
    box = controller.main_window.caseload.whole_team
    with qtbot.waitSignal(controller.model.first_page_loaded, timeout=10_000):
        box.setChecked(True)
    yield controller
    controller.shutdown()


def _row(controller: AppController, family: str) -> int:
    model = controller.model
    for r in range(model.rowCount()):
        row = model.row_at(r)
        if row is not None and row.family_name == family:
            return r
    raise AssertionError(f"{family} not in the caseload")


def test_outside_the_team_shows_minimal_detail_and_opens_only_by_break_glass(
    qtbot: QtBot, app: AppController, tmp_path: Path
) -> None:
    model, view = app.model, app.main_window.caseload.table
    r = _row(app, "Pritchard")
    text = [model.index(r, c).data() for c in range(model.columnCount())]
    assert model.index(r, Column.NHS_NUMBER).data() == ""
    assert model.index(r, Column.DATE_OF_BIRTH).data() == "1951"
    assert model.index(r, Column.LEAD_PROFESSIONAL).data() == "Not on your caseload"
    assert "30 Oct 1951" not in " ".join(str(t) for t in text)

    asked: list[BreakGlassDialog] = []
    app.record.break_glass.asked.connect(asked.append)
    view.setCurrentIndex(model.index(r, Column.NAME))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(asked), timeout=10_000)
    dialog = asked[0]
    qtbot.waitExposed(dialog)
    heading = dialog.findChild(QLabel, "dialogHeading")
    assert heading is not None and "Bryn Pritchard (born 1951)" in heading.text()
    warning = dialog.warning.text()
    assert "audit log" in warning and "coordinator" in warning and "2 hours" in warning
    assert dialog.open_button.minimumHeight() >= 44
    assert dialog.reason.accessibleName()
    # Nothing of the record is on screen while the question is asked.
    assert app.record.record is None

    qtbot.keyClicks(dialog.reason, "urgent")
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible() and "Say why" in dialog.error.text()
    dialog.reason.clear()
    qtbot.keyClicks(dialog.reason, REASON)
    with qtbot.waitSignal(app.record.loaded, timeout=10_000):
        qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    header = app.main_window.record.header
    assert header.name.text() == "Bryn Pritchard"
    assert header.break_glass.isVisible()
    record = app.record.record
    assert record is not None and record.break_glass_until is not None
    until = f"{clock.local(record.break_glass_until):%H:%M}"
    assert header.break_glass.text().startswith(f"Break-glass access until {until}")
    app.main_window.grab().save(str(tmp_path / "bg.png"))

    app.shutdown()
    ws = unlock_profile(tmp_path / "profile", PASSPHRASE)
    try:
        with ws.store.read() as s:
            event = s.execute(
                select(AuditEvent).where(AuditEvent.action == "break_glass")
            ).scalar_one()
            assert event.reason == REASON
    finally:
        ws.close()


def test_restricted_content_says_whom_to_ask(qtbot: QtBot, app: AppController) -> None:
    model, view = app.model, app.main_window.caseload.table
    r = next(
        i
        for i in range(model.rowCount())
        if (row := model.row_at(i)) is not None and row.given_name == "Ada"
    )
    view.setCurrentIndex(model.index(r, Column.NAME))
    with qtbot.waitSignal(app.record.loaded, timeout=10_000):
        qtbot.keyClick(view, Qt.Key.Key_Return)
    header = app.main_window.record.header
    assert not header.break_glass.isVisible()
    callouts = " ".join(label.text() for label in header.alerts.findChildren(QLabel))
    assert "Restricted — ask Sol Social" in callouts
    assert SAFEGUARDING not in callouts
    app.main_window.record.show_section(Section.TIMELINE)
    timeline = app.timeline
    qtbot.waitUntil(lambda: timeline.rowCount() == 1, timeout=10_000)
    entry = timeline.entry_at(0)
    assert entry is not None and entry.ask == "Restricted — ask Sol Social"
    shown = " ".join(w.text() for w in app.main_window.findChildren(QLabel))
    assert SECRET_NOTE not in shown and SECRET_NOTE not in repr(entry)


def test_a_visit_note_can_be_marked_sensitive_in_the_dialog(
    qtbot: QtBot, app: AppController
) -> None:
    model, view = app.model, app.main_window.caseload.table
    r = next(
        i
        for i in range(model.rowCount())
        if (row := model.row_at(i)) is not None and row.given_name == "Cerys"
    )
    view.setCurrentIndex(model.index(r, Column.NAME))
    with qtbot.waitSignal(app.record.loaded, timeout=10_000):
        qtbot.keyClick(view, Qt.Key.Key_Return)
    app.record.new_visit_note()
    qtbot.waitUntil(lambda: app.record.dialog is not None, timeout=10_000)
    dialog = app.record.dialog
    assert dialog is not None
    narrative = dialog.field("narrative")
    assert isinstance(narrative, QPlainTextEdit)
    narrative.setPlainText("Disclosed in confidence; kept to need-to-know.")
    mark = dialog.field("sensitive")
    assert isinstance(mark, QComboBox)
    mark.setCurrentIndex(mark.findData("yes"))
    with qtbot.waitSignal(app.record.loaded, timeout=10_000):
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    app.main_window.record.show_section(Section.TIMELINE)
    qtbot.waitUntil(lambda: app.timeline.rowCount() == 1, timeout=10_000)
    entry = app.timeline.entry_at(0)
    # Sam wrote it, so Sam reads it; the mark travels with the note.
    assert entry is not None and entry.sensitive and entry.ask is None
