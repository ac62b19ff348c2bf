"""Reallocation from the coordinator's Team view, through the real widgets at 1366×768,
counted as the user does it (issue 18): with the person's row selected, Ctrl+Shift+L,
the first letters of the new lead, Enter: 3 actions (the target is 3 or fewer).

Nothing is chosen for the coordinator: Enter straight after opening moves no one,
the dialog names who is moving and who leads them now, and picking the current
lead again is refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from storage.tables import Person
from tests.app.team_data import ADA, BRYN, DEV
from tests.ui.helpers import Actions, unlock
from ui.app_controller import AppController
from ui.team.allocate_dialog import AllocateDialog
from ui.team.team_model import Column

pytestmark = pytest.mark.gui
SCREEN = (1366, 768)
OPEN = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _team_view(qtbot: QtBot, controller: AppController) -> None:
    controller.main_window.resize(*SCREEN)
    unlock(qtbot, controller)
    team = controller.team
    controller.main_window.home.setCurrentIndex(team.tab)
    qtbot.waitUntil(lambda: team.model.rowCount() == 4 and not team.model.busy, timeout=10_000)


def _row_of(controller: AppController, name: str) -> int:
    model = controller.team.model
    return next(r for r in range(model.rowCount()) if model.index(r, Column.NAME).data() == name)


def _click_row(qtbot: QtBot, controller: AppController, name: str, *, add: bool = False) -> None:
    """Click the person's name in the table (Ctrl+click adds to the selection)."""
    table = controller.team.panel.table
    rect = table.visualRect(controller.team.model.index(_row_of(controller, name), Column.NAME))
    modifier = Qt.KeyboardModifier.ControlModifier if add else Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def _open_dialog(qtbot: QtBot, controller: AppController, do: Actions) -> AllocateDialog:
    do.chord(controller.team.panel.table, Qt.Key.Key_L, OPEN)
    team = controller.team
    qtbot.waitUntil(lambda: team.dialog is not None and team.dialog.isVisible(), timeout=10_000)
    dialog = team.dialog
    assert dialog is not None
    return dialog


def _lead_of(controller: AppController, nhs: str) -> str | None:
    ws = controller.ops.workspace
    assert ws is not None

    def read() -> str | None:
        with ws.store.read() as s:
            return s.execute(
                select(Person.lead_professional_id).where(Person.nhs_number == nhs)
            ).scalar_one()

    return controller.runner.run(read).result()


def _staff_id(dialog: AllocateDialog, name: str) -> str:
    index = next(
        i for i in range(dialog.staff.count()) if dialog.staff.itemText(i).startswith(name)
    )
    return str(dialog.staff.itemData(index))


def test_reallocating_a_person_from_the_team_view_in_3_actions(
    qtbot: QtBot, coordinator_team: tuple[AppController, Path]
) -> None:
    controller, _profile = coordinator_team
    _team_view(qtbot, controller)
    _click_row(qtbot, controller, "Ashworth, Ada")  # finding the person: the row selected
    do = Actions(qtbot)
    dialog = _open_dialog(qtbot, controller, do)
    assert dialog.width() <= SCREEN[0] and dialog.height() <= SCREEN[1]
    assert dialog.people.text() == "Ada Ashworth's lead professional is currently Ceri Jones."
    do.pick(dialog.staff, "Ola")
    ola = _staff_id(dialog, "Ola Nowak")
    assert dialog.chosen() == ola
    with qtbot.waitSignal(controller.ops.changed, timeout=10_000):
        do.chord(dialog.staff, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
    assert do.count <= 3, do.count
    assert _lead_of(controller, ADA) == ola
    status = controller.main_window.statusBar().currentMessage()
    assert status == "Ada Ashworth's lead professional is now Ola Nowak."


def test_enter_straight_after_opening_moves_no_one(
    qtbot: QtBot, coordinator_team: tuple[AppController, Path]
) -> None:
    controller, _profile = coordinator_team
    _team_view(qtbot, controller)
    _click_row(qtbot, controller, "Kumar, Dev")
    dialog = _open_dialog(qtbot, controller, Actions(qtbot))
    assert dialog.people.text() == "Dev Kumar has no lead professional yet."
    assert dialog.staff.currentIndex() == -1 and dialog.chosen() is None
    assert not dialog.ok.isEnabled()
    changes: list[object] = []
    controller.ops.changed.connect(changes.append)
    for target in (dialog.staff, dialog):
        qtbot.keyClick(target, Qt.Key.Key_Return)
        qtbot.keyClick(target, Qt.Key.Key_Enter)
    qtbot.wait(200)  # any write would have been queued by now
    assert dialog.isVisible() and controller.team.dialog is dialog
    assert changes == []
    assert _lead_of(controller, DEV) is None


def test_the_current_lead_again_is_refused_in_one_line(
    qtbot: QtBot, coordinator_team: tuple[AppController, Path]
) -> None:
    controller, _profile = coordinator_team
    _team_view(qtbot, controller)
    _click_row(qtbot, controller, "Pritchard, Bryn")
    dialog = _open_dialog(qtbot, controller, Actions(qtbot))
    ceri = _staff_id(dialog, "Ceri Jones")
    qtbot.keyClicks(dialog.staff, "Ceri")
    assert dialog.chosen() == ceri
    assert dialog.error.isVisible()
    assert dialog.error.text() == "Ceri Jones already leads Bryn Pritchard: choose someone else."
    assert not dialog.ok.isEnabled()
    qtbot.keyClick(dialog.staff, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert _lead_of(controller, BRYN) == ceri


def test_several_people_are_named_with_each_ones_lead(
    qtbot: QtBot, coordinator_team: tuple[AppController, Path]
) -> None:
    controller, _profile = coordinator_team
    _team_view(qtbot, controller)
    _click_row(qtbot, controller, "Ashworth, Ada")
    _click_row(qtbot, controller, "Pritchard, Bryn", add=True)
    _click_row(qtbot, controller, "Kumar, Dev", add=True)
    do = Actions(qtbot)
    dialog = _open_dialog(qtbot, controller, do)
    lines = dialog.people.text().splitlines()
    assert lines[0] == "3 people: Ada Ashworth, Dev Kumar and Bryn Pritchard."  # table order
    assert "Currently led by Ceri Jones: Ada Ashworth and Bryn Pritchard." in lines
    assert "No lead professional yet: Dev Kumar." in lines
    # Ceri leads two of the three: Dev still moves, and the note says who stays.
    do.pick(dialog.staff, "Ceri")
    assert not dialog.error.isVisible() and dialog.ok.isEnabled()
    assert "Already led by Ceri Jones, so left as they are" in dialog.note.text()
    with qtbot.waitSignal(controller.ops.changed, timeout=10_000):
        do.chord(dialog.staff, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
    assert do.count <= 3, do.count
    ceri = _lead_of(controller, ADA)
    assert ceri is not None and _lead_of(controller, DEV) == ceri
