"""The Team view's Outcomes tab at work: the report counted and its charts drawn on
the task runner (`laptop_report.outcome_report`, `outcome_charts`), saved as PDF or
CSV where the user chooses (audited by `save_report`), counted again when records
change while the tab is open, and emptied on lock.

Counted when the tab is first opened, not with the Team view: on a 5,000-person
caseload it takes seconds (`bench/outcomes.py`), and most visits to the Team view
are for the people list.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.reports.outcomes import outcome_charts
from app.reports.outcomes.draft import OutcomeReport
from app.reports.outcomes.laptop_report import CSV_NAME, PDF_NAME, outcome_report, save_report
from app.reports.outcomes.periods import periods
from app.services import clock
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit.operations import Operations
from ui.team.outcomes_page import CHART_WIDTH_PX, OutcomesPage

logger = logging.getLogger(__name__)

DEFAULT_PERIOD = "last-12-months"
AskPath = Callable[[QWidget, str, str], str | None]
Counted = tuple[OutcomeReport, dict[str, tuple[bytes, str]]]


def count(workspace: Workspace, start: date, end: date) -> Counted:
    """The report and each chart as PNG with its spoken description (runner thread)."""
    report = outcome_report(workspace, start, end)
    charts = {
        chart.key: (
            outcome_charts.render_png(chart, width_px=CHART_WIDTH_PX),
            outcome_charts.describe(chart),
        )
        for chart in outcome_charts.report_charts(report)
    }
    return report, charts


class OutcomesController(QObject):
    status = Signal(str)  # a plain sentence for the status bar

    def __init__(
        self,
        ops: Operations,
        page: OutcomesPage,
        ask_save_path: AskPath,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.page = page
        self.ask_save_path = ask_save_path
        self.report: OutcomeReport | None = None
        self._loaded = False
        self._asked = 0  # each count's number: an older answer arriving late is dropped
        page.show_requested.connect(self.count)
        page.save_requested.connect(self.save)

    def opened(self) -> None:
        """The tab came into view: count it the first time (the last 12 months)."""
        if self._loaded:
            return
        self._loaded = True
        # The usual periods as of today (the laptop may have been locked overnight),
        # keeping the one chosen before.
        chosen = self.page.chosen_key() if self.page.period.count() else DEFAULT_PERIOD
        self.page.set_periods(periods(clock.today()), chosen)
        self.count()

    def count(self) -> None:
        start, end = self.page.dates()
        self._asked += 1
        asked = self._asked
        self.page.counting()
        started = self.ops.read(
            lambda ws: count(ws, start, end),
            on_done=lambda counted: self._show(asked, counted),
            on_error=self._failed,
        )
        if not started:
            self.page.clear()

    def _show(self, asked: int, counted: Counted) -> None:
        if asked != self._asked:
            return
        self.report = counted[0]
        self.page.show_report(*counted)

    def _failed(self, message: str) -> None:
        self.report = None
        self.page.set_saving_enabled(False)
        self.page.show_error(message)

    def changed(self, visible: bool) -> None:
        """Records changed: count again now if the tab is in view, else when it next is."""
        if not self._loaded:
            return
        if visible:
            self.count()
        else:
            self._loaded = False

    def save(self, kind: str) -> None:
        report = self.report
        if report is None:
            return
        title = (
            tr("Save the outcome report as PDF")
            if kind == "pdf"
            else tr("Save the outcome report as CSV")
        )
        path = self.ask_save_path(self.page, title, PDF_NAME if kind == "pdf" else CSV_NAME)
        if not path:
            return
        saved = tr("Saved the outcome report to {path}.").format(path=path)
        self.ops.read(
            lambda ws: save_report(ws, report, Path(path), "pdf" if kind == "pdf" else "csv"),
            on_done=lambda _r: self.status.emit(saved),
            on_error=self.page.show_error,
        )

    def close(self) -> None:
        """On lock: the figures go; the period chosen stays (it names no one)."""
        self._asked += 1
        self.report = None
        self._loaded = False
        self.page.clear()
