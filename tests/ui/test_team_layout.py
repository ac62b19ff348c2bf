"""The Team view at a 1366 x 768 laptop window: every column reachable, the important
ones on screen, long names elided with the whole name in the tooltip, columns hidden
from the header's menu and remembered (in the encrypted store, by key only), and the
filters, sort, tab and scroll position back after a lock (the rows read afresh)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.services.caseload import view_settings
from app.services.record.people import NewPerson, register
from app.values.nhs_number import check_digit
from app.values.vocab import Role
from app.workspace import create
from app.workspace import unlock as unlock_workspace
from tests.ui.helpers import FAST_KDF, PASSPHRASE, make_controller, unlock
from ui.app_controller import AppController
from ui.kit.tasks import TaskRunner
from ui.team.team_columns import KEYS
from ui.team.team_model import Column

pytestmark = pytest.mark.gui

PEOPLE = 60
SCROLLED = 5  # the first row on screen before the lock
LONG_NAME = "Featherstonehaugh-Cholmondeley"  # longer than the Name column
IMPORTANT = (
    Column.NHS_NUMBER,
    Column.NAME,
    Column.LEVEL_OF_NEED,
    Column.LEAD_PROFESSIONAL,
    Column.RISK,
    Column.NEXT_VISIT,
    Column.PLAN_REVIEW,
)


def _numbers(count: int) -> Iterator[str]:
    serial = 500
    while count:
        if (check := check_digit(f"999{serial:06d}")) != 10:
            yield f"999{serial:06d}{check}"
            count -= 1
        serial += 1


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("team-layout") / "p"
    ws = create(path, PASSPHRASE, user_name="Cleo Marsh", role=Role.COORDINATOR, kdf=FAST_KDF)
    try:
        for n, number in enumerate(_numbers(PEOPLE)):
            family = LONG_NAME if n == 0 else f"Family{n:03d}"
            level = ("universal", "targeted", "specialist")[n % 3]
            register(
                ws, NewPerson(number, "Test", family, "1950-01-01", "DL8 3AB", level_of_need=level)
            )
    finally:
        ws.close()
    return path


@pytest.fixture
def profile(_template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(_template, tmp_path / "Team"))


def _open(qtbot: QtBot, runner: TaskRunner, profile: Path) -> AppController:
    controller = make_controller(qtbot, runner, profile)
    controller.main_window.resize(1366, 768)
    unlock(qtbot, controller)
    _show_team(qtbot, controller)
    return controller


def _show_team(qtbot: QtBot, controller: AppController) -> None:
    team = controller.team
    controller.main_window.home.setCurrentIndex(team.tab)
    qtbot.waitUntil(lambda: team.model.rowCount() > 0 and not team.model.busy, timeout=10_000)
    QApplication.processEvents()


@pytest.fixture
def coordinator(qtbot: QtBot, runner: TaskRunner, profile: Path) -> Iterator[AppController]:
    controller = _open(qtbot, runner, profile)
    yield controller
    controller.shutdown()


def test_every_column_is_reachable_at_1366_px(qtbot: QtBot, coordinator: AppController) -> None:
    window = coordinator.main_window
    assert window.width() == 1366
    table = coordinator.team.panel.table
    header = table.horizontalHeader()
    viewport = table.viewport().width()
    scroll = table.horizontalScrollBar()
    # All columns together fit the viewport plus what the scroll bar can reach.
    assert header.length() <= viewport + scroll.maximum() + 1
    for column in Column:
        assert header.sectionSize(column) > 0
        right = header.sectionPosition(column) + header.sectionSize(column)
        assert right <= viewport + scroll.maximum() + 1, column.name
    # The important ones are whole on screen without scrolling.
    assert scroll.value() == 0
    for column in IMPORTANT:
        right = header.sectionPosition(column) + header.sectionSize(column)
        assert right <= viewport, column.name
    # Each header's text fits its column, and the user may still resize them.
    for column in Column:
        text = header.model().headerData(column, Qt.Orientation.Horizontal)
        assert header.fontMetrics().horizontalAdvance(text) < header.sectionSize(column)
        assert header.sectionResizeMode(column) == header.ResizeMode.Interactive


def test_a_long_name_is_elided_with_the_whole_name_in_its_tooltip(
    coordinator: AppController,
) -> None:
    model = coordinator.team.model
    table = coordinator.team.panel.table
    rows = [r for r in range(model.rowCount()) if LONG_NAME in model.index(r, Column.NAME).data()]
    assert len(rows) == 1
    index = model.index(rows[0], Column.NAME)
    assert index.data(Qt.ItemDataRole.ToolTipRole) == f"{LONG_NAME}, Test"
    width = table.fontMetrics().horizontalAdvance(index.data())
    assert width > table.horizontalHeader().sectionSize(Column.NAME)  # so it is elided
    assert table.textElideMode() == Qt.TextElideMode.ElideRight


def test_a_column_hidden_from_the_header_menu_is_remembered(
    qtbot: QtBot, runner: TaskRunner, profile: Path
) -> None:
    controller = _open(qtbot, runner, profile)
    panel = controller.team.panel
    table = panel.table
    # The menu opens from the header and from the table (Shift+F10, the menu key).
    assert table.horizontalHeader().contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    assert table.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    menu = panel.columns.build_menu()
    assert menu.accessibleName() == "Show or hide columns"
    name = menu.findChild(type(menu.actions()[1]), "showColumn_name")
    assert name is not None and not name.isEnabled()  # a row must still say who it is
    consent = menu.findChild(type(menu.actions()[1]), f"showColumn_{KEYS[Column.CONSENT_REVIEW]}")
    assert consent is not None and consent.isChecked()
    consent.trigger()
    assert table.isColumnHidden(Column.CONSENT_REVIEW)
    # Locked and unlocked: still hidden.
    controller.lock("Locked.")
    unlock(qtbot, controller)
    _show_team(qtbot, controller)
    qtbot.waitUntil(lambda: table.isColumnHidden(Column.CONSENT_REVIEW), timeout=5_000)
    controller.shutdown()
    _assert_stored(profile, {KEYS[Column.CONSENT_REVIEW]})

    # A new start of the app reads it from the store.
    again = _open(qtbot, runner_again := TaskRunner(), profile)
    try:
        hidden = again.team.panel.table
        qtbot.waitUntil(lambda: hidden.isColumnHidden(Column.CONSENT_REVIEW), timeout=5_000)
        assert not hidden.isColumnHidden(Column.PLAN_REVIEW)
        again.team.panel.columns.show_all()
        assert not hidden.isColumnHidden(Column.CONSENT_REVIEW)
    finally:
        again.shutdown()
        runner_again.shutdown()
    _assert_stored(profile, set())


def _assert_stored(profile: Path, keys: set[str]) -> None:
    ws = unlock_workspace(profile, PASSPHRASE)
    try:
        assert view_settings.load_team_hidden_columns(ws) == keys
    finally:
        ws.close()


def test_filters_sort_tab_and_scroll_come_back_after_a_lock(
    qtbot: QtBot, coordinator: AppController
) -> None:
    team = coordinator.team
    panel, model = team.panel, team.model
    panel.level.setCurrentIndex(panel.level.findData("specialist"))
    qtbot.waitUntil(lambda: model.total == PEOPLE // 3 and not model.busy, timeout=10_000)
    table = panel.table
    with qtbot.waitSignal(model.first_page_loaded, timeout=10_000):
        table.horizontalHeader().setSortIndicator(Column.NHS_NUMBER, Qt.SortOrder.DescendingOrder)
    qtbot.keyClicks(panel.search, "Family")  # typed: it may be a name, so it is not kept
    qtbot.waitUntil(lambda: model.query.search == "Family" and not model.busy, timeout=10_000)
    assert model.rowCount() == PEOPLE // 3  # every specialist here is a Family
    table.scrollTo(model.index(SCROLLED, 0), table.ScrollHint.PositionAtTop)
    QApplication.processEvents()
    assert table.rowAt(0) == SCROLLED
    shown = [model.index(r, Column.NHS_NUMBER).data() for r in range(model.rowCount())]

    coordinator.lock("Locked.")
    # While locked: no rows, no search text, the filter choices back at their defaults.
    assert model.rowCount() == 0
    assert model.query.search == "" and model.query.level_of_need is None
    assert panel.level.currentData() is None and panel.search.text() == ""
    assert panel.lead.count() == 1  # "Any lead professional": no staff names either

    unlock(qtbot, coordinator)
    _show_team(qtbot, coordinator)
    qtbot.waitUntil(lambda: model.rowCount() == PEOPLE // 3, timeout=10_000)
    assert panel.level.currentData() == "specialist"
    assert model.query.level_of_need == "specialist"
    assert model.query.sort == "nhs_number" and model.query.descending
    assert table.horizontalHeader().sortIndicatorSection() == Column.NHS_NUMBER
    assert [model.index(r, Column.NHS_NUMBER).data() for r in range(model.rowCount())] == shown
    qtbot.waitUntil(lambda: table.rowAt(0) == SCROLLED, timeout=5_000)
    assert panel.search.text() == ""


def test_a_show_filter_and_a_lead_come_back_after_a_lock(
    qtbot: QtBot, coordinator: AppController
) -> None:
    panel, model = coordinator.team.panel, coordinator.team.model
    panel.show_filter.setCurrentIndex(panel.show_filter.findData("unallocated"))
    qtbot.waitUntil(lambda: model.query.unallocated and not model.busy, timeout=10_000)
    assert panel.cards["unallocated"].isChecked()
    panel.tabs.setCurrentIndex(1)  # Practitioners

    coordinator.lock("Locked.")
    assert not panel.cards["unallocated"].isChecked()
    unlock(qtbot, coordinator)
    coordinator.main_window.home.setCurrentIndex(coordinator.team.tab)
    qtbot.waitUntil(lambda: not model.busy and model.rowCount() > 0, timeout=10_000)
    assert panel.show_filter.currentData() == "unallocated"
    assert panel.cards["unallocated"].isChecked()
    assert model.query.unallocated
    assert panel.tabs.currentIndex() == 1


def test_the_columns_menu_opens_from_the_keyboard(qtbot: QtBot, coordinator: AppController) -> None:
    panel = coordinator.team.panel
    table = panel.table
    window = coordinator.main_window
    window.activateWindow()
    table.setFocus()
    qtbot.waitUntil(table.hasFocus, timeout=5_000)
    # What the menu key or Shift+F10 sends the focused table (the platform makes it).
    at = table.rect().center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, at, table.mapToGlobal(at))
    QApplication.sendEvent(table, event)
    menu = panel.columns.menu
    assert menu is not None
    qtbot.waitUntil(menu.isVisible, timeout=5_000)
    shown = [a.text() for a in menu.actions() if a.isCheckable() and a.isChecked()]
    assert len(shown) == len(Column)
    menu.close()
