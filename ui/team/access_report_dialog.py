"""The access report, for coordinators and the IG lead. Layout only: filters (dates,
kind, member of staff, NHS number), a table of events newest first with break-glass
and failed unlocks in red and bold, and a count. `AccessReportController` does the
work on the task runner."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.need_to_know.access_report import ALL_KINDS, AccessRow
from ui.i18n import tr
from ui.kit.flow_layout import FlowLayout
from ui.kit.formatting import british_date_time
from ui.kit.rows_model import ColumnSpec, RowsModel
from ui.kit.widgets import button, date_edit, heading, labelled, size_columns, table

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


def _staff(row: AccessRow) -> str:
    role = row.role.replace("_", " ")
    return f"{row.staff} ({role})" if role else row.staff


def _when(text: object) -> str:
    try:
        return british_date_time(datetime.fromisoformat(str(text)))
    except ValueError:
        return str(text)


def _detail(row: AccessRow) -> str:
    if row.kind == "failed_unlock" and "attempted_at" in row.detail:
        return tr("typed {when}").format(when=_when(row.detail["attempted_at"]))
    if row.kind == "break_glass" and "expires_at" in row.detail:
        return tr("until {when}").format(when=_when(row.detail["expires_at"]))
    if row.kind == "view" and row.detail.get("break_glass"):
        return tr("under break-glass")
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
    ColumnSpec("Staff", _staff, tooltip=_staff, bold=lambda r: r.highlighted),
    ColumnSpec("Person", lambda r: r.person, tooltip=lambda r: r.person or None),
    ColumnSpec(
        "Reason",
        lambda r: r.reason,
        tooltip=lambda r: r.reason or None,
        warn=lambda r: r.highlighted,
    ),
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
        self.resize(1280, 680)
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

        # One row of filters, so the table gets the height (two on a narrow screen).
        filters = FlowLayout(spacing=12)
        self.start = self._date("accessReportFrom", "From")
        self.end = self._date("accessReportTo", "To")
        self.kind = QComboBox()
        self.kind.setObjectName("accessReportKind")
        self.kind.setAccessibleName(tr("Kind of access"))
        self.kind.addItem(tr("Everything"), "")
        for kind in ALL_KINDS:
            self.kind.addItem(tr(KIND_LABELS[kind]), kind)
        self.staff = QLineEdit()
        self.staff.setObjectName("accessReportStaff")
        self.staff.setAccessibleName(tr("Member of staff"))
        self.staff.setPlaceholderText(tr("Part of a name"))
        self.nhs = QLineEdit()
        self.nhs.setObjectName("accessReportNhs")
        self.nhs.setAccessibleName(tr("NHS number"))
        self.nhs.setPlaceholderText(tr("Only this person"))
        for text, widget in (
            ("From", self.start),
            ("to", self.end),
            ("Kind", self.kind),
            ("Staff", self.staff),
            ("NHS number", self.nhs),
        ):
            if isinstance(widget, QLineEdit):
                widget.setFixedWidth(160)
            filters.addWidget(labelled(QLabel(tr(text)), widget))
        self.show_button = button("Show", name="accessReportShow", primary=True)
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.filters_changed)
        filters.addWidget(self.show_button)
        layout.addLayout(filters)

        self.model: RowsModel[AccessRow] = RowsModel(COLUMNS, self)
        self.table = table("accessReportTable", "Access report")
        self.table.setModel(self.model)
        size_columns(self.table, stretch=4, fixed={2: 230, 3: 260, 5: 190})
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
        edit = date_edit(name, spoken)
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
