"""The access report, for coordinators and the IG lead. Layout only: filters (dates,
kind, member of staff, NHS number), a table of events newest first with break-glass
and failed unlocks in red and bold, and a count. `AccessReportController` does the
work on the task runner."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.access_report import ALL_KINDS, AccessRow
from ui.formatting import british_date_time
from ui.i18n import tr
from ui.rows_model import ColumnSpec, RowsModel
from ui.widgets import button, heading, size_columns, table

logger = logging.getLogger(__name__)

KIND_LABELS = {
    "view": "Record opened",
    "break_glass": "Break-glass",
    "failed_unlock": "Failed unlock",
    "print": "Plan printed",
    "export": "Record exported",
    "unlock": "Unlocked",
    "lock": "Locked",
    "sync": "Synced",
    "change": "Record changed",
}


def _kind(row: AccessRow) -> str:
    return tr(KIND_LABELS.get(row.kind, row.kind))


def _detail(row: AccessRow) -> str:
    if row.kind == "failed_unlock" and "attempted_at" in row.detail:
        return tr("attempted {when}").format(when=row.detail["attempted_at"])
    if row.kind == "break_glass" and "expires_at" in row.detail:
        return tr("until {when}").format(when=row.detail["expires_at"])
    return ", ".join(f"{k}: {v}" for k, v in sorted(row.detail.items()))


COLUMNS: tuple[ColumnSpec[AccessRow], ...] = (
    ColumnSpec("When", lambda r: british_date_time(r.at)),
    ColumnSpec(
        "What",
        _kind,
        spoken=lambda r: (tr("Attention: ") if r.highlighted else "") + _kind(r),
        warn=lambda r: r.highlighted,
        bold=lambda r: r.highlighted,
    ),
    ColumnSpec("Staff", lambda r: r.staff, bold=lambda r: r.highlighted),
    ColumnSpec("Role", lambda r: r.role.replace("_", " ")),
    ColumnSpec("Person", lambda r: r.person),
    ColumnSpec("Reason", lambda r: r.reason, warn=lambda r: r.highlighted),
    ColumnSpec("Detail", _detail, tooltip=_detail),
)


@dataclass(frozen=True)
class ReportFilters:
    """What the user chose, as plain values (the controller builds the query)."""

    start: date
    end: date
    kind: str | None
    staff: str | None
    nhs: str | None


class AccessReportDialog(QDialog):
    filters_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accessReportDialog")
        self.setWindowTitle(tr("Access report"))
        self.resize(1100, 640)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Who looked at whom"))
        note = QLabel(
            tr(
                "Break-glass and failed unlocks are shown in red. This laptop's events "
                "only: the team's report is on the server."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)

        filters = QFormLayout()
        self.start = self._date("accessReportFrom", "From")
        self.end = self._date("accessReportTo", "To")
        dates = QHBoxLayout()
        dates.addWidget(self.start)
        dates.addWidget(QLabel(tr("to")))
        dates.addWidget(self.end)
        filters.addRow(tr("Dates"), dates)
        self.kind = QComboBox()
        self.kind.setObjectName("accessReportKind")
        self.kind.setAccessibleName(tr("Kind of access"))
        self.kind.addItem(tr("Everything"), "")
        for kind in ALL_KINDS:
            self.kind.addItem(tr(KIND_LABELS[kind]), kind)
        filters.addRow(tr("Kind"), self.kind)
        self.staff = QLineEdit()
        self.staff.setObjectName("accessReportStaff")
        self.staff.setAccessibleName(tr("Member of staff"))
        self.staff.setPlaceholderText(tr("Part of a name"))
        filters.addRow(tr("Staff"), self.staff)
        self.nhs = QLineEdit()
        self.nhs.setObjectName("accessReportNhs")
        self.nhs.setAccessibleName(tr("NHS number"))
        self.nhs.setPlaceholderText(tr("Only this person"))
        filters.addRow(tr("NHS number"), self.nhs)
        layout.addLayout(filters)
        self.show_button = button("Show", name="accessReportShow", primary=True)
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.filters_changed)
        layout.addWidget(self.show_button)

        self.model: RowsModel[AccessRow] = RowsModel(COLUMNS, self)
        self.table = table("accessReportTable", "Access report")
        self.table.setModel(self.model)
        size_columns(self.table, stretch=6)
        layout.addWidget(self.table, 1)
        self.count = QLabel()
        self.count.setObjectName("accessReportCount")
        layout.addWidget(self.count)
        self.error = QLabel()
        self.error.setObjectName("accessReportError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)

    def _date(self, name: str, spoken: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(tr(spoken))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setDate(QDate.currentDate())
        return edit

    def set_dates(self, start: date, end: date) -> None:
        self.start.setDate(QDate(start.year, start.month, start.day))
        self.end.setDate(QDate(end.year, end.month, end.day))

    def filters(self) -> ReportFilters:
        start: date = self.start.date().toPython()  # type: ignore[assignment]
        end: date = self.end.date().toPython()  # type: ignore[assignment]
        return ReportFilters(
            start=start,
            end=end,
            kind=self.kind.currentData() or None,
            staff=self.staff.text().strip() or None,
            nhs=self.nhs.text().strip() or None,
        )

    def set_rows(self, rows: list[AccessRow], total: int) -> None:
        self.error.hide()
        self.model.set_rows(rows)
        if total > len(rows):
            self.count.setText(
                tr("Newest {shown} of {total} events").format(
                    shown=f"{len(rows):,}", total=f"{total:,}"
                )
            )
        else:
            self.count.setText(tr("{total} events").format(total=f"{total:,}"))

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def clear(self) -> None:
        self.model.clear()
        self.count.clear()
