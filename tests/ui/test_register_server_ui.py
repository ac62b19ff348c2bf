"""New person… on an enrolled laptop, against a real server on loopback: someone a
teammate registered (synced to the server, not yet to this laptop) is named in the
offer as on the team server, with no "Open their record" (not here yet), and
someone with another team is named by team only, never by name or birth date."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from app.services.record import people
from sync.server import directory
from tests.conftest import ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync
from tests.ui.helpers import make_controller, unlock
from ui.kit.tasks import TaskRunner

pytestmark = pytest.mark.gui
on_sqlite = pytest.mark.parametrize("server", ["sqlite"], indirect=True)
OTHER = "Wharfedale Locality"


def _registered(laptop: Laptop, user: str, nhs: str, family: str) -> None:
    ws = reopen(laptop(user))
    sync(ws)
    ws = reopen(ws)
    people.register(ws, people.NewPerson(nhs, "Zoë", family, "1938-04-12", "DL8 3AB"))
    sync(ws)
    ws.close()


@on_sqlite
def test_the_form_offers_who_the_team_server_holds(
    qtbot: QtBot, runner: TaskRunner, server: RunningServer, laptop: Laptop
) -> None:
    directory.add_team(server.store, OTHER)
    directory.add_user(server.store, "Nell Wharfe", "community_nurse", OTHER)
    sam = laptop("Sam Taylor")
    path = sam.store.path
    sam.close()
    app = make_controller(qtbot, runner, path)
    try:
        with qtbot.waitSignal(app.sync.synced, timeout=10_000):
            unlock(qtbot, app)
        qtbot.waitUntil(lambda: not app.sync.running, timeout=5_000)
        # After Sam's laptop synced: Ceri (Sam's team) and Nell (another) register.
        _registered(laptop, "Ceri Jones", ZOE, "O'Neill")
        _registered(laptop, "Nell Wharfe", "9990000026", "Wiśniewska")
        app.register.open(app.main_window)
        dialog = app.register.dialog
        assert dialog is not None
        qtbot.waitExposed(dialog)
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5_000)
        for name, text in {
            "given_name": "Zoe",
            "family_name": "o neill",
            "date_of_birth": "12/04/1938",
            "postcode": "dl83ab",
        }.items():
            widget = dialog.field(name)
            assert isinstance(widget, QLineEdit)
            widget.setFocus()
            qtbot.keyClicks(widget, text)
        qtbot.keyClick(dialog.field("postcode"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        offer = app.register.offer
        assert offer is not None
        qtbot.waitUntil(offer.isVisible, timeout=10_000)
        text = offer.text.text()
        assert "Zoë O'Neill, born 12 April 1938, DL8 3AB" in text and "team server" in text
        assert offer.open_existing.isHidden()  # the record is not on this laptop yet
        assert offer.different.isVisible()
        # Nell's Zoë (a different family name) is no match; now Nell's by NHS number.
        dialog.field("nhs_number").setFocus()
        qtbot.keyClicks(dialog.field("nhs_number"), "999 000 0026")
        qtbot.keyClick(dialog.field("postcode"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: OTHER in offer.text.text(), timeout=10_000)
        assert "Wiśniewska" not in offer.text.text()
        assert offer.different.isHidden() and offer.open_existing.isHidden()
    finally:
        app.shutdown()


@on_sqlite
def test_registered_offline_says_only_this_laptop_was_checked(
    qtbot: QtBot, runner: TaskRunner, server: RunningServer, laptop: Laptop
) -> None:
    sam = laptop("Sam Taylor")
    path = sam.store.path
    sam.close()
    server.stop()  # no signal at the door
    app = make_controller(qtbot, runner, path)
    try:
        unlock(qtbot, app)
        app.register.open(app.main_window)
        dialog = app.register.dialog
        assert dialog is not None
        qtbot.waitExposed(dialog)
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5_000)
        for name, text in {
            "given_name": "Edith",
            "family_name": "Kowalczyk",
            "date_of_birth": "3/2/1941",
            "postcode": "DL8 4QQ",
        }.items():
            widget = dialog.field(name)
            assert isinstance(widget, QLineEdit)
            widget.setFocus()
            qtbot.keyClicks(widget, text)
        with qtbot.waitSignal(app.record.loaded, timeout=20_000):
            qtbot.keyClick(
                dialog.field("postcode"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
            )
        note = app.main_window.statusBar().currentMessage()
        assert note.startswith("Registered: their record is open.")
        assert "Team server not reached: checked this laptop only." in note
    finally:
        app.shutdown()
