"""The coordinator's Team view driven through real widgets on a real encrypted profile:
who sees it, the counts strip, filters, allocation, the import dialog, charts, export."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services.team.team_counts import team_counts
from app.values.vocab import Role
from storage.tables import Person
from tests.app.team_data import DEV
from tests.ui.helpers import make_controller, make_team_profile, unlock
from ui.app_controller import AppController
from ui.kit.tasks import TaskRunner
from ui.team.team_model import Column, TeamModel
from ui.team.team_view import TeamPanel


@pytest.fixture(scope="module")
def _coordinator_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_team_profile(tmp_path_factory.mktemp("coordinator") / "p", Role.COORDINATOR)


@pytest.fixture
def coordinator(
    qtbot: QtBot, runner: TaskRunner, _coordinator_template: Path, tmp_path: Path
) -> Iterator[AppController]:
    profile = Path(shutil.copytree(_coordinator_template, tmp_path / "Team"))
    controller = make_controller(qtbot, runner, profile)
    unlock(qtbot, controller)
    team = controller.team
    controller.main_window.home.setCurrentIndex(team.tab)
    qtbot.waitUntil(lambda: team.model.rowCount() == 4 and not team.model.busy, timeout=10_000)
    qtbot.waitUntil(lambda: team.panel.practitioners.model.rowCount() > 0, timeout=10_000)
    yield controller
    controller.shutdown()


def _names(controller: AppController) -> list[str]:
    model = controller.team.model
    return [model.index(r, Column.NAME).data() for r in range(model.rowCount())]


def _wait_names(qtbot: QtBot, controller: AppController, expected: list[str]) -> None:
    qtbot.waitUntil(lambda: _names(controller) == expected, timeout=10_000)


def test_only_coordinators_see_the_team_tab(qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)  # Sam Taylor, a community nurse
    home = controller.main_window.home
    assert not home.isTabVisible(controller.team.tab)
    # Nor is the view made for them: it was a third of the main window's widgets.
    assert not home.findChildren(TeamPanel)


def test_the_team_view_is_made_at_sign_in_in_its_place_among_the_tabs(
    qtbot: QtBot, coordinator_team: tuple[AppController, Path]
) -> None:
    """Made when a coordinator signs in, after the window was built: between Caseload
    and Priorities, as it was, with its shortcut and tooltip, and the tab that was open
    still open, with no tab change announced."""
    controller, _profile = coordinator_team
    home = controller.main_window.home
    assert not home.findChildren(TeamPanel)
    changes: list[int] = []
    home.currentChanged.connect(changes.append)
    unlock(qtbot, controller)
    panel = controller.team.panel
    assert home.findChildren(TeamPanel) == [panel]
    titles = [home.tabText(i) for i in range(home.count())]
    assert titles == ["&Today", "&Caseload", "Tea&m", "Prio&rities"]
    assert home.indexOf(panel) == controller.team.tab == 2
    assert home.isTabVisible(controller.team.tab)
    assert "(Alt+M)" in home.tabToolTip(controller.team.tab)
    assert home.currentWidget() is home.today
    assert changes == []
    controller.lock("Locked.")
    unlock(qtbot, controller)
    assert home.findChildren(TeamPanel) == [panel]  # made once


def test_counts_strip_and_table(
    qtbot: QtBot, coordinator: AppController, qtmodeltester: ModelTester
) -> None:
    panel = coordinator.team.panel
    cards = panel.cards
    assert cards["unallocated"].text().startswith("1\n")
    assert cards["at_risk"].text().startswith("2\n")
    assert cards["conflicts"].text().startswith("1\n")
    assert cards["unallocated"].accessibleName() == "No lead professional: 1"
    # The rest depend on today's date: the strip says what the service says.
    ws = coordinator.ops.workspace
    assert ws is not None
    expected = coordinator.runner.run(lambda: team_counts(ws)).result()
    assert cards["overdue_visits"].text().startswith(f"{expected.overdue_visits}\n")
    assert cards["overdue_plan_reviews"].text().startswith(f"{expected.overdue_plan_reviews}\n")
    # Visible without scrolling: the strip sits above the tabs, at the top of the window.
    assert all(card.isVisible() for card in cards.values())
    assert panel.count.text() == "4 people"
    assert _names(coordinator) == [
        "Ashworth, Ada",
        "Ashworth, Cerys",
        "Kumar, Dev",
        "Pritchard, Bryn",
    ]
    loads = panel.practitioners.model
    assert loads.index(0, 0).data() == "Ceri Jones" and loads.index(0, 6).data() == "5"
    qtmodeltester.check(coordinator.team.model)


def test_filters_and_cards(qtbot: QtBot, coordinator: AppController) -> None:
    panel = coordinator.team.panel
    qtbot.mouseClick(panel.cards["unallocated"], Qt.MouseButton.LeftButton)
    _wait_names(qtbot, coordinator, ["Kumar, Dev"])
    assert panel.show_filter.currentData() == "unallocated"
    panel.show_filter.setCurrentIndex(panel.show_filter.findData("conflicts"))
    _wait_names(qtbot, coordinator, ["Ashworth, Ada"])
    assert panel.cards["conflicts"].isChecked() and not panel.cards["unallocated"].isChecked()
    panel.show_filter.setCurrentIndex(0)
    panel.level.setCurrentIndex(panel.level.findData("targeted"))
    _wait_names(qtbot, coordinator, ["Kumar, Dev", "Pritchard, Bryn"])
    panel.level.setCurrentIndex(0)
    panel.lead.setCurrentIndex(panel.lead.findText("Ola Nowak"))
    _wait_names(qtbot, coordinator, ["Ashworth, Cerys"])
    panel.lead.setCurrentIndex(0)
    qtbot.keyClicks(panel.search, "kum")
    _wait_names(qtbot, coordinator, ["Kumar, Dev"])


def test_sorting_by_a_header_is_a_new_query(qtbot: QtBot, coordinator: AppController) -> None:
    coordinator.team.panel.table.sortByColumn(Column.RISK, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(
        lambda: _names(coordinator)[:2] == ["Ashworth, Ada", "Kumar, Dev"], timeout=10_000
    )
    assert coordinator.team.model.query.sort == "risk"


def test_change_lead_professional_for_a_selection(qtbot: QtBot, coordinator: AppController) -> None:
    team = coordinator.team
    panel = team.panel
    rows = [
        r for r, name in enumerate(_names(coordinator)) if name in ("Kumar, Dev", "Ashworth, Ada")
    ]
    selection = panel.table.selectionModel()
    for row in rows:
        selection.select(
            team.model.index(row, 0),
            selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
        )
    panel.allocate.click()
    qtbot.waitUntil(lambda: team.dialog is not None and team.dialog.isVisible(), timeout=10_000)
    dialog = team.dialog
    assert dialog is not None
    names = [dialog.staff.itemText(i) for i in range(dialog.staff.count())]
    assert any(n.startswith("Ola Nowak") for n in names) and not any(
        "Lee Former" in n for n in names
    )
    dialog.staff.setCurrentIndex(next(i for i, n in enumerate(names) if n.startswith("Ola Nowak")))
    with qtbot.waitSignal(coordinator.ops.changed, timeout=10_000):
        dialog.accept()
    qtbot.waitUntil(lambda: panel.cards["unallocated"].text().startswith("0\n"), timeout=10_000)
    column = Column.LEAD_PROFESSIONAL
    qtbot.waitUntil(
        lambda: {team.model.index(r, column).data() for r in rows} == {"Ola Nowak"}, timeout=10_000
    )
    ws = coordinator.ops.workspace
    assert ws is not None

    def lead_of_dev() -> str | None:
        with ws.store.read() as s:
            return s.execute(
                select(Person.lead_professional_id).where(Person.nhs_number == DEV)
            ).scalar_one()

    assert coordinator.runner.run(lead_of_dev).result() is not None


def test_nothing_selected_says_so(coordinator: AppController) -> None:
    coordinator.team.panel.allocate.click()
    assert "Select one or more people" in coordinator.team.panel.message.text()


def test_import_dialog_lists_bad_rows_then_imports(
    qtbot: QtBot, coordinator: AppController, tmp_path: Path
) -> None:
    imports = coordinator.team.imports
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "NHS number,Forename,Surname,DOB,Level\n"
        "9990000069,Fay,Hughes,1944-03-03,targeted\n"
        "9990000077,Gwen,Hughes,31/02/1950,targeted\n"
        "9990000085,Huw,Hughes,1950-01-01,critical\n",
        encoding="utf-8",
    )
    imports.ask_open_path = lambda _parent: str(bad)
    coordinator.team.panel.import_button.click()
    qtbot.waitUntil(
        lambda: imports.dialog is not None and imports.dialog.isVisible(), timeout=10_000
    )
    dialog = imports.dialog
    assert dialog is not None
    assert dialog.mapping() == {
        "NHS number": "nhs_number",
        "Forename": "given_name",
        "Surname": "family_name",
        "DOB": "date_of_birth",
        "Level": "level_of_need",
    }
    dialog.check.click()
    qtbot.waitUntil(lambda: dialog.bad_rows.count() == 2, timeout=10_000)
    lines = [dialog.bad_rows.item(i).text() for i in range(2)]
    assert lines[0].startswith("Line 3: '31/02/1950' is not a date of birth")
    assert lines[1].startswith("Line 4: level of need: 'critical'")
    assert not dialog.run.isEnabled() and "2 rows cannot be imported" in dialog.summary.text()
    dialog.reject()

    good = tmp_path / "good.csv"
    good.write_text(
        bad.read_text().replace("31/02/1950", "28/02/1950").replace("critical", "specialist")
    )
    imports.ask_open_path = lambda _parent: str(good)
    coordinator.team.panel.import_button.click()
    qtbot.waitUntil(
        lambda: imports.dialog is not None and imports.dialog is not dialog, timeout=10_000
    )
    fresh = imports.dialog
    assert fresh is not None
    fresh.check.click()
    qtbot.waitUntil(lambda: fresh.run.isEnabled(), timeout=10_000)
    assert "Ready to import 3 new people from 3 rows" in fresh.summary.text()
    with qtbot.waitSignal(imports.finished, timeout=20_000):
        fresh.run.click()
    assert fresh.progress.value() == fresh.progress.maximum() == 3
    assert "Imported 3 new people" in fresh.summary.text()
    qtbot.waitUntil(lambda: coordinator.team.model.total == 7, timeout=10_000)


def test_charts_tab_shows_the_three_charts(qtbot: QtBot, coordinator: AppController) -> None:
    charts = coordinator.team.panel.charts
    coordinator.team.panel.tabs.setCurrentWidget(charts)
    qtbot.waitUntil(
        lambda: all(
            label.pixmap() is not None and not label.pixmap().isNull() for label in charts.images
        ),
        timeout=20_000,
    )
    assert charts.images[0].pixmap().width() == 640
    assert charts.images[0].accessibleDescription().startswith("Caseload per practitioner")
    assert charts.save.isEnabled()


def test_export_the_view_as_csv(qtbot: QtBot, coordinator: AppController, tmp_path: Path) -> None:
    out = tmp_path / "view.csv"
    team = coordinator.team
    team.panel.show_filter.setCurrentIndex(team.panel.show_filter.findData("unallocated"))
    _wait_names(qtbot, coordinator, ["Kumar, Dev"])
    team.ask_save_path = lambda _p, _t, _s: str(out)
    team.panel.export_button.click()
    qtbot.waitUntil(out.exists, timeout=10_000)
    assert "Kumar" in out.read_text(encoding="utf-8-sig") and "Ashworth" not in out.read_text(
        encoding="utf-8-sig"
    )


def test_lock_empties_the_team_view(qtbot: QtBot, coordinator: AppController) -> None:
    coordinator.lock("Locked.")
    qtbot.waitUntil(lambda: coordinator.team.model.rowCount() == 0, timeout=10_000)
    assert not coordinator.main_window.home.isTabVisible(coordinator.team.tab)
    assert coordinator.team.panel.practitioners.model.rowCount() == 0


def test_the_ig_lead_sees_the_team_read_only(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    profile = make_team_profile(tmp_path / "ig", Role.IG_LEAD)
    controller = make_controller(qtbot, runner, profile)
    try:
        unlock(qtbot, controller)
        team = controller.team
        assert controller.main_window.home.isTabVisible(team.tab)
        controller.main_window.home.setCurrentIndex(team.tab)
        qtbot.waitUntil(lambda: team.model.rowCount() == 4, timeout=10_000)
        assert not team.panel.allocate.isVisible() and not team.panel.import_button.isVisible()
        assert team.panel.export_button.isVisible()
    finally:
        controller.shutdown()


def test_a_lead_professional_filter_comes_back_after_a_lock(
    qtbot: QtBot, coordinator: AppController
) -> None:
    panel = coordinator.team.panel
    panel.lead.setCurrentIndex(panel.lead.findText("Ola Nowak"))
    _wait_names(qtbot, coordinator, ["Ashworth, Cerys"])
    coordinator.lock("Locked.")
    assert panel.lead.count() == 1  # no practitioners' names while locked
    unlock(qtbot, coordinator)
    coordinator.main_window.home.setCurrentIndex(coordinator.team.tab)
    # The leads arrive with the counts; the one chosen before the lock is chosen again,
    # and the first query after unlocking already asks for that lead's people only.
    _wait_names(qtbot, coordinator, ["Ashworth, Cerys"])
    qtbot.waitUntil(lambda: panel.lead.currentText() == "Ola Nowak", timeout=10_000)
    _wait_names(qtbot, coordinator, ["Ashworth, Cerys"])


def test_a_count_in_focus_shows_the_yellow_focus_state(qtbot: QtBot, runner: TaskRunner) -> None:
    panel = TeamPanel(TeamModel(runner))
    qtbot.addWidget(panel)
    panel.resize(1300, 700)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    first, second = list(panel.cards.values())[:2]
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)

    def fill(card: QPushButton) -> str:
        # Inside the card, right of its text and clear of its borders.
        image = card.grab().toImage()
        return image.pixelColor(card.width() - 8, card.height() // 2).name().upper()

    assert fill(first) == "#FFEB3B"  # the NHS focus state, as on every other button
    assert fill(second) == "#FFFFFF"
