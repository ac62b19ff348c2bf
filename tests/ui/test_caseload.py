"""My caseload: search, sort and paging in SQL, shown through a checked Qt model."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.services.caseload import caseload
from app.services.caseload.caseload import CaseloadQuery, CaseloadRow
from app.workspace import Workspace
from app.workspace import unlock as unlock_workspace
from tests.ui.helpers import NAMES_BY_NAME, PASSPHRASE, names, show_whole_team, unlock
from ui.app_controller import AppController
from ui.caseload.caseload_model import ROW_ROLE, CaseloadModel, Column, Loader
from ui.kit.tasks import TaskRunner

pytestmark = pytest.mark.gui


@pytest.fixture
def workspace(qtbot: QtBot, runner: TaskRunner, profile: Path) -> Iterator[Workspace]:
    """An unlocked workspace, opened and closed on the database worker like the app does."""
    opened: list[Workspace] = []
    runner.run(lambda: unlock_workspace(profile, PASSPHRASE), on_done=opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    yield opened[0]
    runner.run(opened[0].close)


@pytest.fixture
def model(runner: TaskRunner) -> CaseloadModel:
    return CaseloadModel(runner, page_size=2)


def _load(qtbot: QtBot, model: CaseloadModel, loader: Loader) -> None:
    model.set_loader(loader)
    with qtbot.waitSignal(model.first_page_loaded, timeout=10_000):
        model.reload()


def _click_header(qtbot: QtBot, controller: AppController, column: Column) -> None:
    header = controller.main_window.caseload.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    with qtbot.waitSignal(controller.model.first_page_loaded, timeout=10_000):
        qtbot.mouseClick(
            header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
        )


def _search(qtbot: QtBot, controller: AppController, text: str) -> None:
    search = controller.main_window.caseload.search
    search.selectAll()
    with qtbot.waitSignal(controller.model.first_page_loaded, timeout=10_000):
        qtbot.keyClicks(search, text)  # one query once typing pauses (debounced)


@pytest.fixture
def unlocked(qtbot: QtBot, controller: AppController) -> AppController:
    unlock(qtbot, controller)
    show_whole_team(qtbot, controller)
    return controller


# -- through the real window ------------------------------------------------------------


def test_the_caseload_shows_formatted_columns(unlocked: AppController) -> None:
    model = unlocked.model
    assert names(unlocked) == NAMES_BY_NAME
    ada = [model.index(0, column).data() for column in Column]
    assert ada[Column.NHS_NUMBER] == "999 000 0018"
    assert ada[Column.DATE_OF_BIRTH] == "22 Nov 1940"
    assert int(ada[Column.AGE]) >= 85
    assert ada[Column.LEVEL_OF_NEED] == "Targeted"
    assert ada[Column.LEAD_PROFESSIONAL] == "Unallocated"
    assert model.index(2, Column.LEAD_PROFESSIONAL).data() == "Sam Taylor"  # Kumar, Dev
    assert isinstance(model.index(0, 0).data(ROW_ROLE), CaseloadRow)
    headers = [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.AccessibleTextRole)
        for c in Column
    ]
    assert headers == [
        "NHS number",
        "Name",
        "Date of birth",
        "Age",
        "Locality",
        "Level of need",
        "Lead professional",
        "Next visit",
        "Plan review due",
        "Highest risk",
        "Alerts",
    ]


def test_search_by_name_narrows_the_rows(qtbot: QtBot, unlocked: AppController) -> None:
    _search(qtbot, unlocked, "ashw")
    assert names(unlocked) == ["Ashworth, Ada", "Ashworth, Cerys"]
    assert unlocked.main_window.caseload.count.text() == "2 people match"


def test_search_by_nhs_number_with_spaces(qtbot: QtBot, unlocked: AppController) -> None:
    _search(qtbot, unlocked, "999 000 0034")
    assert names(unlocked) == ["Ashworth, Cerys"]
    assert unlocked.main_window.caseload.count.text() == "1 person matches"


def test_search_by_postcode_and_clearing_it(qtbot: QtBot, unlocked: AppController) -> None:
    _search(qtbot, unlocked, "LA2")
    assert names(unlocked) == ["Kumar, Dev"]
    search = unlocked.main_window.caseload.search
    with qtbot.waitSignal(unlocked.model.first_page_loaded, timeout=10_000):
        search.selectAll()
        qtbot.keyClick(search, Qt.Key.Key_Backspace)
    assert names(unlocked) == NAMES_BY_NAME
    assert unlocked.main_window.caseload.count.text() == "4 people"


def test_no_match_says_so(qtbot: QtBot, unlocked: AppController) -> None:
    _search(qtbot, unlocked, "Zebedee")
    assert unlocked.model.rowCount() == 0
    assert unlocked.main_window.caseload.count.text() == "No one matches"


def test_clicking_headers_sorts_in_sql(qtbot: QtBot, unlocked: AppController) -> None:
    _click_header(qtbot, unlocked, Column.NAME)  # already A-Z by name: now Z-A
    assert names(unlocked) == list(reversed(NAMES_BY_NAME))
    assert unlocked.model.query.sort == "name"
    assert unlocked.model.query.descending

    _click_header(qtbot, unlocked, Column.DATE_OF_BIRTH)  # a new column starts oldest first
    assert names(unlocked) == ["Ashworth, Ada", "Ashworth, Cerys", "Pritchard, Bryn", "Kumar, Dev"]

    _click_header(qtbot, unlocked, Column.AGE)  # youngest first: the reverse of birth order
    assert names(unlocked) == ["Kumar, Dev", "Pritchard, Bryn", "Ashworth, Cerys", "Ashworth, Ada"]
    assert unlocked.model.query.sort == "date_of_birth"
    assert unlocked.model.query.descending


def test_an_unsortable_column_keeps_the_current_sort(qtbot: QtBot, unlocked: AppController) -> None:
    header = unlocked.main_window.caseload.table.horizontalHeader()
    x = header.sectionViewportPosition(Column.ALERTS) + 20
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 10))
    assert header.sortIndicatorSection() == Column.NAME
    assert not unlocked.model.busy
    assert names(unlocked) == NAMES_BY_NAME


# -- the model on its own ---------------------------------------------------------------


def test_pages_are_fetched_as_needed(
    qtbot: QtBot, model: CaseloadModel, workspace: Workspace
) -> None:
    _load(qtbot, model, partial(caseload.fetch, workspace))
    assert model.rowCount() == 2
    assert model.total == 4
    assert model.canFetchMore(QModelIndex())

    model.fetchMore(QModelIndex())
    assert not model.canFetchMore(QModelIndex())  # one page at a time
    qtbot.waitUntil(lambda: model.rowCount() == 4)
    assert not model.canFetchMore(QModelIndex())
    assert [model.index(r, Column.NAME).data() for r in range(4)] == NAMES_BY_NAME


def test_the_model_passes_qt_model_tester(
    qtbot: QtBot, qtmodeltester: ModelTester, model: CaseloadModel, workspace: Workspace
) -> None:
    _load(qtbot, model, partial(caseload.fetch, workspace))
    qtmodeltester.check(model)  # partly fetched
    # The tester stays attached: it also checks the signals of the next page's insert.
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: model.rowCount() == 4)
    qtmodeltester.check(model)


def test_a_superseded_query_never_reaches_the_model(
    qtbot: QtBot, model: CaseloadModel, workspace: Workspace
) -> None:
    asked: list[str] = []
    threads: set[threading.Thread] = set()

    def loader(query: CaseloadQuery) -> tuple[int, list[CaseloadRow]]:
        asked.append(query.search)
        threads.add(threading.current_thread())
        return caseload.fetch(workspace, query)

    model.set_loader(loader)
    arrivals: list[int] = []
    model.first_page_loaded.connect(lambda: arrivals.append(model.rowCount()))
    model.set_search("Ashworth")
    model.set_search("Kumar")  # typed before the first answer came back
    qtbot.waitUntil(lambda: bool(arrivals))
    qtbot.waitUntil(lambda: len(asked) == 2)
    QCoreApplication.processEvents()
    assert arrivals == [1]
    assert [model.index(0, Column.NAME).data()] == ["Kumar, Dev"]
    assert threading.main_thread() not in threads  # SQL never runs on the GUI thread


def test_rows_arriving_after_a_lock_are_dropped(
    qtbot: QtBot, model: CaseloadModel, workspace: Workspace
) -> None:
    release = threading.Event()
    answered: list[bool] = []

    def slow(query: CaseloadQuery) -> tuple[int, list[CaseloadRow]]:
        release.wait(timeout=5)
        answered.append(True)
        return caseload.fetch(workspace, query)

    model.set_loader(slow)
    model.reload()
    model.clear()  # locked while the query was running
    release.set()
    qtbot.waitUntil(lambda: bool(answered))
    QCoreApplication.processEvents()
    assert model.rowCount() == 0
    assert model.total == 0
