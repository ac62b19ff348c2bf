"""Today's visits: the signed-in user's planned visits for today, by time. Layout only."""

from __future__ import annotations

import logging
from datetime import date, datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.services.caseload.today import TodayVisit
from app.values import overdue
from ui.caseload.carer_strain_notice import CarerStrainNotice
from ui.caseload.drafts_notice import DraftsNotice
from ui.caseload.follow_ups_notice import FollowUpsNotice
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.rows_model import ROW_ROLE, ColumnSpec, RowsModel
from ui.kit.widgets import button, table

logger = logging.getLogger(__name__)

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def today_columns(now: datetime | None = None) -> list[ColumnSpec[TodayVisit]]:
    def late(v: TodayVisit) -> bool:
        return now is not None and overdue.visit_overdue(v.status, v.due_at, now)

    def status(v: TodayVisit) -> str:
        if v.status == "done":
            return tr("Done")
        return tr("Late") if late(v) else tr("Planned")

    return [
        ColumnSpec(
            "Time", lambda v: formatting.time_of_day(v.due_at), bold=lambda v: v.status != "done"
        ),
        ColumnSpec("Name", lambda v: v.display_name, quiet=lambda v: v.status == "done"),
        ColumnSpec("NHS number", lambda v: v.nhs_number_formatted or tr("Not yet known")),
        ColumnSpec("Visit for", lambda v: v.purpose),
        ColumnSpec(
            "Alerts",
            lambda v: formatting.alert_short_labels(v.alert_kinds),
            spoken=lambda v: formatting.alert_labels(v.alert_kinds) or tr("No alerts"),
            tooltip=lambda v: formatting.alert_labels(v.alert_kinds) or None,
            bold=lambda v: bool(v.alert_kinds),
        ),
        ColumnSpec("Status", status, warn=late, quiet=lambda v: v.status == "done"),
        ColumnSpec("Address", lambda v: v.address, tooltip=lambda v: v.address),
    ]


class TodayPanel(QWidget):
    open_requested = Signal(str)  # person id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("todayPanel")
        self.heading = QLabel(tr("Today"))
        self.heading.setObjectName("pageHeading")
        self.summary = QLabel()
        self.summary.setObjectName("caseloadCount")
        self.summary.setAccessibleName(tr("Today's visits"))
        self.message = QLabel()
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.model: RowsModel[TodayVisit] = RowsModel(today_columns(), parent=self)
        self.table = table("todayTable", "Today's visits, by time")
        self.table.setModel(self.model)
        self.table.verticalHeader().setDefaultSectionSize(40)
        for column, width in enumerate((80, 230, 140, 300, 190, 100)):
            self.table.setColumnWidth(column, width)
        self.empty = QLabel(
            tr("No visits are planned for you today. Your caseload is in the next tab.")
        )
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)
        self.empty.hide()
        self.open_button = button(
            "Open record",
            name="openTodayButton",
            primary=True,
            tip="Open the selected person's record (Enter)",
        )

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addSpacing(16)
        top.addWidget(self.summary)
        top.addStretch(1)
        top.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(12)
        layout.addLayout(top)
        self.drafts = DraftsNotice()  # drafts waiting since a crash or a lock
        layout.addWidget(self.drafts)
        self.follow_ups = FollowUpsNotice()  # reablement's 91-day checks waiting
        layout.addWidget(self.follow_ups)
        self.carer_strain = CarerStrainNotice()  # carers whose strain is high or rising
        layout.addWidget(self.carer_strain)
        layout.addWidget(self.message)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)

        self.table.activated.connect(lambda index: self._open(index.row()))
        self.open_button.clicked.connect(lambda: self._open(self.table.currentIndex().row()))

    def _open(self, row: int) -> None:
        visit = self.model.row_at(row)
        if visit is not None:
            self.open_requested.emit(visit.person_id)

    def selected_person(self) -> str | None:
        index = self.table.currentIndex()
        visit = index.data(ROW_ROLE) if index.isValid() else None
        return visit.person_id if isinstance(visit, TodayVisit) else None

    def show_visits(self, visits: list[TodayVisit], today: date, now: datetime) -> None:
        keep = self.selected_person()
        self.model = self._replace_model(now)
        self.model.set_rows(visits)
        weekday = tr(_WEEKDAYS[today.weekday()])
        self.heading.setText(
            tr("Today, {day} {date}").format(day=weekday, date=formatting.british_date(today))
        )
        done = sum(1 for v in visits if v.status == "done")
        if visits:
            text = tr("{done} of {count} visits done").format(done=done, count=len(visits))
        else:
            text = ""
        self.summary.setText(text)
        self.empty.setVisible(not visits)
        self.table.setVisible(bool(visits))
        self.open_button.setEnabled(bool(visits))
        self.message.hide()
        if visits:
            rows = [i for i, v in enumerate(visits) if v.person_id == keep]
            first_planned = next((i for i, v in enumerate(visits) if v.status == "planned"), 0)
            self.table.selectRow(rows[0] if rows else first_planned)

    def _replace_model(self, now: datetime) -> RowsModel[TodayVisit]:
        # The columns know "now" (to say Late); a new model per refresh keeps them pure.
        model: RowsModel[TodayVisit] = RowsModel(today_columns(now), parent=self)
        old = self.table.model()
        self.table.setModel(model)
        if old is not None and old is not model:
            old.deleteLater()
        return model

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def clear(self) -> None:
        self.model.clear()
        self.follow_ups.clear()
        self.carer_strain.clear()
        self.summary.clear()
        self.heading.setText(tr("Today"))
        self.message.hide()
