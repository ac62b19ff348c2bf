"""The coordinator's Outcomes tab with real widgets on a real encrypted demo profile:
counted when first opened (the last 12 months), every figure on screen exactly the
published report's, the reablement chart with its spoken description, the usual
periods and typed dates, a 'to' before 'from' refused in one line, saved as PDF and
CSV (audited), emptied on lock, counted again when records change, and inside a
1366×768 window.

The demo caseload is made as of the clock's today and the expected figures come
from the same report service the screen calls, so these hold on any date."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QTableWidget, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.reports.outcomes.draft import OutcomeReport
from app.reports.outcomes.laptop_report import outcome_report
from app.reports.outcomes.periods import periods
from app.services import clock
from app.services.outcomes.hospital_events import record_hospital_event
from app.services.profile.demo_profile import create_demo_profile
from app.values.vocab import Role
from app.workspace import Workspace
from storage.tables import AuditEvent, Person
from tests.ui.helpers import FAST_KDF, PASSPHRASE, make_controller, unlock
from ui.app_controller import AppController
from ui.kit.tasks import TaskRunner
from ui.team.outcomes_page import CHOSEN, OutcomesPage

pytestmark = pytest.mark.gui

PEOPLE = 80


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("outcomes-ui") / "demo"
    workspace, _ = create_demo_profile(
        path, PASSPHRASE, people=PEOPLE, seed=19, kdf=FAST_KDF, role=Role.COORDINATOR
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


def _workspace(controller: AppController) -> Workspace:
    workspace = controller.ops.workspace
    assert workspace is not None
    return workspace


def _expected(controller: AppController, start: object, end: object) -> OutcomeReport:
    ws = _workspace(controller)
    return controller.runner.run(lambda: outcome_report(ws, start, end)).result()  # type: ignore[arg-type]


def _open_outcomes(qtbot: QtBot, controller: AppController) -> OutcomesPage:
    page = controller.team.panel.outcomes
    controller.team.panel.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.pdf_button.isEnabled(), timeout=60_000)
    return page


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _cells(view: QTableWidget) -> list[list[str]]:
    return [
        [view.item(r, c).text() for c in range(view.columnCount())] for r in range(view.rowCount())
    ]


def _on_screen(page: OutcomesPage) -> dict[str, list[list[str]]]:
    return {view.accessibleName(): _cells(view) for view in page.tables()}


def _published(report: OutcomeReport) -> dict[str, list[list[str]]]:
    return {
        s.title: [[li.label, *(f.text for f in li.figures)] for li in s.lines]
        for s in report.sections
    }


def test_opening_the_tab_counts_the_last_12_months_as_published(
    qtbot: QtBot, coordinator: AppController
) -> None:
    page = _open_outcomes(qtbot, coordinator)
    last_12 = periods(clock.today())[0]
    assert page.chosen_key() == last_12.key
    assert page.dates() == (last_12.start, last_12.end)
    expected = _expected(coordinator, last_12.start, last_12.end)
    # Every section, every line, every figure: exactly what the PDF and CSV print.
    assert _on_screen(page) == _published(expected)
    assert expected.scope in page.status.text()
    assert coordinator.team.outcomes.report == expected
    # The reablement chart beside its table, with words for a screen reader.
    chart = page.content.findChild(QWidget, "outcomesChart_reablement")
    assert chart is not None and not chart.pixmap().isNull()
    assert chart.accessibleDescription().startswith("Reablement episodes.")
    marks = page.content.findChild(QWidget, "outcomesMarks")
    assert "<5" in marks.text() and "cannot be worked out" in marks.text()


def test_a_usual_period_or_typed_dates_count_again(
    qtbot: QtBot, coordinator: AppController
) -> None:
    page = _open_outcomes(qtbot, coordinator)
    last_year = next(p for p in periods(clock.today()) if p.key == "last-financial-year")
    page.period.setCurrentIndex(page.period.findData(last_year.key))
    page.period.activated.emit(page.period.currentIndex())  # as a user's choice does
    assert page.dates() == (last_year.start, last_year.end)
    page.show_button.click()
    qtbot.waitUntil(
        lambda: (r := coordinator.team.outcomes.report) is not None and r.start == last_year.start,
        timeout=60_000,
    )
    assert _on_screen(page) == _published(_expected(coordinator, last_year.start, last_year.end))
    # A typed date is no longer the named period.
    start = clock.today() - timedelta(days=30)
    page.end.setDate(_qdate(clock.today()))
    assert page.chosen_key() == CHOSEN
    page.start.setDate(_qdate(start))
    page.show_button.click()
    qtbot.waitUntil(
        lambda: (r := coordinator.team.outcomes.report) is not None and r.start == start,
        timeout=60_000,
    )
    assert coordinator.team.outcomes.report.end == clock.today()


def test_to_before_from_is_one_plain_line_and_nothing_to_save(
    qtbot: QtBot, coordinator: AppController
) -> None:
    page = _open_outcomes(qtbot, coordinator)
    page.start.setDate(_qdate(clock.today()))
    page.end.setDate(_qdate(clock.today() - timedelta(days=1)))
    page.show_button.click()
    qtbot.waitUntil(lambda: page.error.isVisible(), timeout=10_000)
    assert page.error.text() == "The 'to' date is before the 'from' date."
    assert not page.pdf_button.isEnabled() and not page.csv_button.isEnabled()
    assert page.show_button.isEnabled()


def _saved_events(controller: AppController) -> list[dict[str, str]]:
    ws = _workspace(controller)

    def read() -> list[dict[str, str]]:
        with ws.store.read() as session:
            rows = session.execute(
                select(AuditEvent.detail).where(AuditEvent.action == "outcome_report_saved")
            ).scalars()
            return [json.loads(r) if isinstance(r, str) else r for r in rows]

    return controller.runner.run(read).result()


def test_save_as_pdf_and_csv(qtbot: QtBot, coordinator: AppController, tmp_path: Path) -> None:
    page = _open_outcomes(qtbot, coordinator)
    report = coordinator.team.outcomes.report
    assert report is not None
    asked: list[str] = []

    def choose(_parent: object, title: str, suggested: str) -> str:
        asked.append(title)
        return str(tmp_path / suggested)

    coordinator.team.ask_save_path = choose
    with qtbot.waitSignal(coordinator.team.status, timeout=30_000) as saved:
        page.pdf_button.click()
    assert saved.args == [f"Saved the outcome report to {tmp_path / 'outcomes.pdf'}."]
    assert (tmp_path / "outcomes.pdf").read_bytes().startswith(b"%PDF")
    with qtbot.waitSignal(coordinator.team.status, timeout=30_000):
        page.csv_button.click()
    text = (tmp_path / "outcomes.csv").read_text(encoding="utf-8")
    first = report.sections[0]
    assert first.title in text and first.lines[0].label in text
    assert asked == ["Save the outcome report as PDF", "Save the outcome report as CSV"]
    events = _saved_events(coordinator)
    assert [e["format"] for e in events] == ["pdf", "csv"]
    assert events[0]["from"] == report.start.isoformat()


def test_lock_empties_it_and_unlocking_counts_again(
    qtbot: QtBot, coordinator: AppController
) -> None:
    page = _open_outcomes(qtbot, coordinator)
    assert page.tables()
    coordinator.lock("test")
    assert page.tables() == []
    assert coordinator.team.outcomes.report is None
    assert not page.pdf_button.isEnabled()
    unlock(qtbot, coordinator)
    coordinator.main_window.home.setCurrentIndex(coordinator.team.tab)
    assert coordinator.team.panel.tabs.currentWidget() is page  # where the user was
    qtbot.waitUntil(lambda: page.pdf_button.isEnabled(), timeout=60_000)
    assert _on_screen(page) == _published(coordinator.team.outcomes.report)  # type: ignore[arg-type]


def test_a_change_to_the_records_counts_again(qtbot: QtBot, coordinator: AppController) -> None:
    page = _open_outcomes(qtbot, coordinator)
    report = coordinator.team.outcomes.report
    assert report is not None
    before = report.section("admissions")
    ws = _workspace(coordinator)

    def someone_open() -> str:  # on the caseload since before today: the admission counts
        with ws.store.read() as session:
            return session.execute(
                select(Person.id).where(Person.status == "open").order_by(Person.id).limit(1)
            ).scalar_one()

    person_id = coordinator.runner.run(someone_open).result()
    coordinator.ops.write(
        lambda w: record_hospital_event(
            w, person_id=person_id, kind="unplanned_admission", occurred_on=clock.today()
        ),
        on_done=lambda _c: None,
    )
    qtbot.waitUntil(
        lambda: (r := coordinator.team.outcomes.report) is not None and r is not report,
        timeout=60_000,
    )
    after = coordinator.team.outcomes.report
    assert after is not None and after.section("admissions") != before
    assert _on_screen(page) == _published(after)


def test_it_fits_a_1366_by_768_window(qtbot: QtBot, coordinator: AppController) -> None:
    page = _open_outcomes(qtbot, coordinator)
    window = coordinator.main_window
    for widget in (page.period, page.start, page.end, page.show_button, page.pdf_button):
        corner = widget.mapTo(window, widget.rect().bottomRight())
        assert window.rect().contains(corner), widget.objectName()
    room = page.report_area.viewport().width()
    for view in page.tables():
        assert view.width() <= room, view.objectName()
    assert page.report_area.horizontalScrollBar().maximum() == 0
