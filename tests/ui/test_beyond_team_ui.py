"""Search beyond my team on the desktop, against a real server on loopback: the
caseload offers it once the laptop has reached its server, the answers show
name, year of birth and locality only, and opening one asks the break-glass
question; the grant goes through the server and the record opens with its banner."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.services.record import people
from sync.server import directory
from tests.conftest import ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync
from tests.ui.helpers import make_controller, unlock
from ui.kit.tasks import TaskRunner
from ui.record.beyond_team_dialog import PERSON_ROLE
from ui.record.break_glass_dialog import BreakGlassDialog

pytestmark = pytest.mark.gui
on_sqlite = pytest.mark.parametrize("server", ["sqlite"], indirect=True)
REASON = "Out-of-hours call: fall at home, her own team unreachable"


@on_sqlite
def test_search_beyond_my_team_then_break_glass_opens_the_record(
    qtbot: QtBot, runner: TaskRunner, server: RunningServer, laptop: Laptop
) -> None:
    directory.add_team(server.store, "Wharfedale Locality")
    directory.add_user(server.store, "Nell Wharfe", "community_nurse", "Wharfedale Locality")
    nell = reopen(laptop("Nell Wharfe"))
    sync(nell)
    nell = reopen(nell)
    people.register(nell, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    sync(nell)
    nell.close()
    sam = laptop("Sam Taylor")
    path = sam.store.path
    sam.close()
    app = make_controller(qtbot, runner, path)
    try:
        panel = app.main_window.caseload
        assert panel.beyond.isHidden()  # not before reaching the server
        with qtbot.waitSignal(app.sync.synced, timeout=10_000):
            unlock(qtbot, app)
        qtbot.waitUntil(lambda: not panel.beyond.isHidden(), timeout=5_000)
        assert panel.beyond.minimumHeight() >= 44 and panel.beyond.accessibleName()
        qtbot.waitUntil(lambda: not app.sync.running, timeout=5_000)
        panel.search.setText("o'neill")
        qtbot.mouseClick(panel.beyond, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: app.beyond.dialog is not None, timeout=5_000)
        dialog = app.beyond.dialog
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.results.count() == 1, timeout=10_000)
        item = dialog.results.item(0)
        assert item.text() == "O'Neill, Zoë · born 1938"  # no NHS number, address or detail
        assert ZOE not in item.text() and "DL8" not in item.text()
        assert item.data(PERSON_ROLE)[1] == "O'Neill, Zoë (born 1938)"
        asked: list[BreakGlassDialog] = []
        app.record.break_glass.asked.connect(asked.append)
        qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(asked), timeout=5_000)
        question = asked[0]
        heading = question.findChild(QLabel, "dialogHeading")
        assert heading is not None and "O'Neill, Zoë (born 1938)" in heading.text()
        qtbot.keyClicks(question.reason, REASON)
        with qtbot.waitSignal(app.record.loaded, timeout=20_000):
            qtbot.mouseClick(question.open_button, Qt.MouseButton.LeftButton)
        header = app.main_window.record.header
        assert header.name.text() == "Zoë O'Neill"
        assert header.break_glass.isVisible()
    finally:
        app.shutdown()
