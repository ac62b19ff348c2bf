"""The coordinator's Meeting tab with real widgets on a real encrypted demo profile:
set up the meeting through its form; the suggestions are the service's; a suggestion
added goes on the list; the decision recorded through its form becomes owned, dated
actions in that person's plan (shown in the record's plan); the briefs saved as a PDF;
emptied on lock; the record's "Flag for the team meeting…" puts a colleague's why in
the suggestions; everything inside a 1366×768 window."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services import clock
from app.services.mdt.agenda import offered
from app.services.mdt.meetings import next_meeting
from app.services.profile.demo_profile import create_demo_profile
from app.services.record.record import open_record
from app.values.vocab import Role
from app.workspace import Workspace
from storage.tables import Person, StaffMember
from tests.ui.helpers import FAST_KDF, PASSPHRASE, make_controller, unlock
from ui.app_controller import AppController
from ui.kit.forms import FormDialog, to_qdatetime
from ui.kit.tasks import TaskRunner
from ui.team.meeting_page import MeetingPage

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("meeting-ui") / "demo"
    workspace, _ = create_demo_profile(
        path, PASSPHRASE, people=40, seed=29, kdf=FAST_KDF, role=Role.COORDINATOR
    )
    workspace.close()
    return path


@pytest.fixture
def coordinator(
    qtbot: QtBot, runner: TaskRunner, _template: Path, tmp_path: Path
) -> Iterator[AppController]:
    profile = Path(shutil.copytree(_template, tmp_path / "Demo"))
    controller = make_controller(qtbot, runner, profile)
    controller.main_window.resize(1366, 768)
    unlock(qtbot, controller)
    controller.main_window.home.setCurrentIndex(controller.team.tab)
    yield controller
    controller.shutdown()


def _ws(controller: AppController) -> Workspace:
    workspace = controller.ops.workspace
    assert workspace is not None
    return workspace


def _team_people(ws: Workspace) -> list[str]:
    """The coordinator's team's open cases, by NHS number."""
    with ws.store.read() as session:
        me = session.get(StaffMember, ws.actor.user_id)
        assert me is not None
        return list(
            session.execute(
                select(Person.id)
                .where(Person.team_id == me.team_id, Person.status == "open")
                .order_by(Person.nhs_number)
            ).scalars()
        )


def _open(qtbot: QtBot, controller: AppController) -> MeetingPage:
    page = controller.team.panel.meeting
    controller.team.panel.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.board is not None, timeout=60_000)
    return page


def _dialog(controller: AppController) -> FormDialog:
    dialog = controller.team.meeting.dialog
    assert dialog is not None
    return dialog


def _set_up(qtbot: QtBot, controller: AppController, page: MeetingPage) -> None:
    page.set_up_button.click()
    dialog = _dialog(controller)
    when = clock.at_local(clock.today() + timedelta(days=3), 10)
    dialog.widgets["meets_at"].setDateTime(to_qdatetime(when))  # type: ignore[attr-defined]
    dialog.set_values({"place": "Skipton health centre"})
    dialog.submitted.emit(dialog.values())
    qtbot.waitUntil(
        lambda: page.board is not None and page.board.meeting is not None, timeout=60_000
    )


def test_set_up_list_and_decide_into_the_plan(
    qtbot: QtBot, coordinator: AppController, tmp_path: Path
) -> None:
    page = _open(qtbot, coordinator)
    assert page.board is not None and page.board.meeting is None
    assert "No team meeting is set up yet." in page.status.text()
    _set_up(qtbot, coordinator, page)
    assert "Skipton health centre" in page.status.text()
    ws = _ws(coordinator)
    meeting = coordinator.runner.run(lambda: next_meeting(ws)).result()
    assert meeting is not None
    expected = coordinator.runner.run(lambda: offered(ws, meeting.id)).result()
    shown = [page.offered_model.row_at(r) for r in range(page.offered_model.rowCount())]
    assert [(r.person_id, r.why) for r in shown if r] == [(o.person_id, o.why) for o in expected]
    assert expected, "the demo suggests someone"

    first = expected[0]
    page.offered.selectRow(0)
    page.add_button.click()
    qtbot.waitUntil(lambda: page.listed_model.rowCount() == 1, timeout=60_000)
    listed = page.listed_model.row_at(0)
    assert listed is not None and listed.person_id == first.person_id

    page.listed.selectRow(0)
    page.decide_button.click()
    dialog = _dialog(coordinator)
    due = clock.today() + timedelta(days=10)
    dialog.set_values(
        {
            "decision": "Falls clinic and a carer's assessment",
            "present": "Claire Harker, coordinator\nDr Shah, GP",
            "what1": "Refer to the falls clinic",
            "who1": "Dr Shah",
            "role1": "GP",
            "due1": due.strftime("%-d %b %Y"),
        }
    )
    dialog.submitted.emit(dialog.values())
    qtbot.waitUntil(
        lambda: (row := page.listed_model.row_at(0)) is not None and row.decision is not None,
        timeout=60_000,
    )
    record = coordinator.runner.run(lambda: open_record(ws, first.person_id)).result()
    assert [(a.what, a.who_name, a.due_on) for a in record.plan.agreed_at_meetings] == [
        ("Refer to the falls clinic", "Dr Shah", due)
    ]
    # The next decision's form remembers who was in the room (this sitting only).
    assert "Dr Shah, GP" in coordinator.team.meeting._present

    out = tmp_path / "briefs.pdf"
    coordinator.team.ask_save_path = lambda *_a: str(out)
    page.pack_button.click()
    qtbot.waitUntil(out.exists, timeout=60_000)
    assert out.read_bytes().startswith(b"%PDF")

    window = coordinator.main_window
    for widget in (page.status, page.listed, page.decide_button, page.offered, page.add_button):
        corner = widget.mapTo(window, widget.rect().bottomRight())
        assert window.rect().contains(corner), widget.objectName()

    coordinator.lock("test")
    assert page.listed_model.rowCount() == 0 and page.offered_model.rowCount() == 0
    assert coordinator.team.meeting._present == ""


def test_a_flag_from_the_record_reaches_the_suggestions_with_why(
    qtbot: QtBot, coordinator: AppController
) -> None:
    page = _open(qtbot, coordinator)
    _set_up(qtbot, coordinator, page)
    ws = _ws(coordinator)
    meeting = coordinator.runner.run(lambda: next_meeting(ws)).result()
    assert meeting is not None
    quiet = [r for r in page.board.offered] if page.board else []
    person = next(
        p
        for p in coordinator.runner.run(lambda: _team_people(ws)).result()
        if p not in {r.person_id for r in quiet}
    )
    with qtbot.waitSignal(coordinator.record.loaded, timeout=30_000):
        coordinator.open_record(person)
    button = coordinator.main_window.findChild(QPushButton, "flagForMeetingButton")
    assert button is not None
    button.click()
    qtbot.waitUntil(lambda: coordinator.record.dialog is not None, timeout=10_000)
    dialog = coordinator.record.dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.field("why"), "Son worried about money going missing")
    with qtbot.waitSignal(coordinator.record.loaded, timeout=10_000):
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    found = coordinator.runner.run(lambda: offered(ws, meeting.id)).result()
    mine = next(o for o in found if o.person_id == person)
    assert mine.why == "Son worried about money going missing"
    assert mine.flagged_by is not None


def test_the_meeting_moved_and_cancelled_from_the_tab(
    qtbot: QtBot, coordinator: AppController
) -> None:
    page = _open(qtbot, coordinator)
    _set_up(qtbot, coordinator, page)
    assert page.move_button.isVisible() and not page.set_up_button.isVisible()
    page.move_button.click()
    dialog = _dialog(coordinator)
    later = clock.at_local(clock.today() + timedelta(days=6), 14)
    dialog.widgets["meets_at"].setDateTime(to_qdatetime(later))  # type: ignore[attr-defined]
    dialog.submitted.emit(dialog.values())
    qtbot.waitUntil(
        lambda: (
            page.board is not None
            and page.board.meeting is not None
            and page.board.meeting.meets_at == later
        ),
        timeout=60_000,
    )
    page.cancel_button.click()
    dialog = _dialog(coordinator)
    dialog.submitted.emit(dialog.values())  # the box not ticked: nothing happens
    assert page.board is not None and page.board.meeting is not None
    dialog.set_values({"sure": True})
    dialog.submitted.emit(dialog.values())
    qtbot.waitUntil(lambda: page.board is not None and page.board.meeting is None, timeout=60_000)
    assert page.set_up_button.isVisible()
