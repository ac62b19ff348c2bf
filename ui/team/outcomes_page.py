"""The Team view's Outcomes tab: the team's outcome report on screen. Layout only.

A period chooser (the usual periods, or any two dates), then each section of the
report as a table of exactly the figures the PDF and CSV print ("<5", "*" and "–"
explained beside them), its chart beside it as the PNG `outcome_charts` drew on the
task runner, and Save as PDF / CSV. `OutcomesController` does the work.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.reports.outcomes.draft import OutcomeReport, Section
from app.reports.outcomes.periods import Period
from app.reports.outcomes.published import period as period_text
from app.reports.outcomes.small_numbers import HIDDEN, NOTHING, SMALL
from ui.i18n import tr
from ui.kit.flow_layout import FlowLayout
from ui.kit.widgets import button, date_edit, heading, labelled

logger = logging.getLogger(__name__)

CHOSEN = "chosen"
CHART_WIDTH_PX = 560  # beside its table on a 1366 px laptop
LABEL_WIDTH = 440
ROW_HEIGHT = 30
MARKS = {
    SMALL: "A number from 1 to 4, not shown to protect people's privacy.",
    HIDDEN: "Not shown (it may be any number), so that a number under 5 cannot be worked out.",
    NOTHING: "Nothing to measure in the period.",
}


class OutcomesPage(QWidget):
    show_requested = Signal()
    save_requested = Signal(str)  # "pdf" or "csv"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcomesPage")
        self.period = QComboBox()
        self.period.setObjectName("outcomesPeriod")
        self.period.setAccessibleName(tr("Period"))
        self.start = self._date("outcomesFrom", "From")
        self.end = self._date("outcomesTo", "To")
        self.show_button = button("Show", name="outcomesShow", primary=True)
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.show_requested)
        self.pdf_button = button("Save as PDF…", name="outcomesSavePdf")
        self.csv_button = button("Save as CSV…", name="outcomesSaveCsv")
        self.pdf_button.clicked.connect(lambda: self.save_requested.emit("pdf"))
        self.csv_button.clicked.connect(lambda: self.save_requested.emit("csv"))
        chooser = FlowLayout(spacing=8)
        chooser.addWidget(labelled(QLabel(tr("Period")), self.period))
        chooser.addWidget(labelled(QLabel(tr("From")), self.start))
        chooser.addWidget(labelled(QLabel(tr("to")), self.end))
        for widget in (self.show_button, self.pdf_button, self.csv_button):
            chooser.addWidget(widget)
        self.period.activated.connect(lambda _i: self._period_chosen())
        for edit in (self.start, self.end):
            edit.dateChanged.connect(lambda _d: self._dates_edited())

        self.status = QLabel(tr("The report counts when you open this tab."))
        self.status.setObjectName("outcomesStatus")
        self.status.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("errorMessage")
        self.error.setWordWrap(True)
        self.error.hide()

        self.content = QWidget()
        self.content.setObjectName("outcomesContent")
        self.sections = QVBoxLayout(self.content)
        self.sections.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.report_area = QScrollArea()
        self.report_area.setObjectName("outcomesScroll")
        self.report_area.setWidgetResizable(True)
        self.report_area.setWidget(self.content)
        layout = QVBoxLayout(self)
        layout.addLayout(chooser)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(self.report_area, 1)
        self._periods: dict[str, Period] = {}
        self._setting_dates = False
        self.set_saving_enabled(False)

    def _date(self, name: str, spoken: str) -> QDateEdit:
        edit = date_edit(name, spoken)
        return edit

    # -- the period ---------------------------------------------------------------------

    def set_periods(self, periods: tuple[Period, ...], chosen: str) -> None:
        """The usual periods as of today; `chosen` is selected and its dates shown."""
        self._periods = {p.key: p for p in periods}
        self.period.clear()
        for p in periods:
            self.period.addItem(tr(p.label), p.key)
        self.period.addItem(tr("Chosen dates"), CHOSEN)
        self.period.setCurrentIndex(max(0, self.period.findData(chosen)))
        self._period_chosen()

    def set_dates(self, start: date, end: date) -> None:
        self._setting_dates = True
        try:
            self.start.setDate(QDate(start.year, start.month, start.day))
            self.end.setDate(QDate(end.year, end.month, end.day))
        finally:
            self._setting_dates = False

    def dates(self) -> tuple[date, date]:
        start: date = self.start.date().toPython()  # type: ignore[assignment]
        end: date = self.end.date().toPython()  # type: ignore[assignment]
        return start, end

    def chosen_key(self) -> str:
        return str(self.period.currentData() or CHOSEN)

    def _period_chosen(self) -> None:
        period = self._periods.get(self.chosen_key())
        if period is not None:
            self.set_dates(period.start, period.end)

    def _dates_edited(self) -> None:
        if not self._setting_dates:  # typed dates are no longer the named period
            self.period.setCurrentIndex(self.period.findData(CHOSEN))

    # -- the report -------------------------------------------------------------------

    def counting(self) -> None:
        self.error.hide()
        self.status.setText(tr("Counting the team's records…"))
        self.show_button.setEnabled(False)

    def _empty(self) -> None:
        for block in self.content.findChildren(
            QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
        ):
            block.hide()
            block.setParent(None)  # gone from findChildren now, deleted when Qt next can
            block.deleteLater()

    def show_report(self, report: OutcomeReport, charts: dict[str, tuple[bytes, str]]) -> None:
        """Every section with its chart (by section key: PNG and its description)."""
        self._empty()
        self.status.setText(
            tr("{scope}: {period}. Drawn from this laptop's copy of the team's records.").format(
                scope=report.scope, period=period_text(report)
            )
        )
        for section in report.sections:
            self.sections.addWidget(_section_block(section, charts.get(section.key)))
        marks = QLabel("\n".join(f"{mark}  {tr(text)}" for mark, text in MARKS.items()))
        marks.setObjectName("outcomesMarks")
        marks.setWordWrap(True)
        self.sections.addWidget(marks)
        self.show_button.setEnabled(True)
        self.set_saving_enabled(True)

    def set_saving_enabled(self, enabled: bool) -> None:
        self.pdf_button.setEnabled(enabled)
        self.csv_button.setEnabled(enabled)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.show_button.setEnabled(True)

    def clear(self) -> None:
        self._empty()
        self.error.hide()
        self.show_button.setEnabled(True)
        self.set_saving_enabled(False)
        self.status.setText(tr("The report counts when you open this tab."))

    def tables(self) -> list[QTableWidget]:
        return self.content.findChildren(QTableWidget)


def _section_block(section: Section, chart: tuple[bytes, str] | None) -> QWidget:
    block = QWidget()
    block.setObjectName(f"outcomes_{section.key}")
    layout = QVBoxLayout(block)
    layout.setContentsMargins(0, 8, 0, 8)
    layout.addWidget(heading(section.title, level=3))
    row = QHBoxLayout()
    row.addWidget(_section_table(section), 0, Qt.AlignmentFlag.AlignTop)
    if chart is not None:
        row.addWidget(_chart(section, *chart), 0, Qt.AlignmentFlag.AlignTop)
    row.addStretch(1)
    layout.addLayout(row)
    for note in section.notes:
        label = QLabel(note)
        label.setObjectName("outcomesNote")
        label.setWordWrap(True)
        layout.addWidget(label)
    return block


def _section_table(section: Section) -> QTableWidget:
    view = QTableWidget(len(section.lines), len(section.columns) + 1)
    view.setObjectName(f"outcomesTable_{section.key}")
    view.setAccessibleName(section.title)
    view.setHorizontalHeaderLabels(["", *section.columns])
    view.verticalHeader().hide()
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
    view.setWordWrap(True)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for r, line in enumerate(section.lines):
        view.setItem(r, 0, QTableWidgetItem(line.label))
        for c, figure in enumerate(line.figures, start=1):
            item = QTableWidgetItem(figure.text)
            item.setTextAlignment(right)
            if figure.text in MARKS:
                item.setToolTip(tr(MARKS[figure.text]))
            view.setItem(r, c, item)
    header = view.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    view.resizeColumnsToContents()
    # Labels wrap past LABEL_WIDTH (the experience statements are sentences), so the
    # figures stay near their labels and the chart fits beside the table.
    view.setColumnWidth(0, min(view.columnWidth(0), LABEL_WIDTH))
    view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    for r, line in enumerate(section.lines):
        if view.fontMetrics().horizontalAdvance(line.label) > LABEL_WIDTH - 16:
            view.resizeRowToContents(r)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    width = sum(view.columnWidth(c) for c in range(view.columnCount()))
    view.setFixedWidth(width + 2 * view.frameWidth() + 2)
    # As tall as its rows: the tab scrolls as one page, never a table inside it.
    height = header.sizeHint().height() + 2 * view.frameWidth() + 2
    height += sum(view.rowHeight(r) for r in range(view.rowCount()))
    view.setFixedHeight(height)
    return view


def _chart(section: Section, png: bytes, description: str) -> QLabel:
    label = QLabel()
    label.setObjectName(f"outcomesChart_{section.key}")
    pixmap = QPixmap()
    pixmap.loadFromData(png, "PNG")
    label.setPixmap(pixmap)
    label.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # so a screen reader reaches it
    label.setAccessibleName(section.title)
    label.setAccessibleDescription(description)
    label.setToolTip(description)
    return label
