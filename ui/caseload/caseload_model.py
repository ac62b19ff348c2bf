"""The caseload as a Qt table model: pages of rows fetched on the task runner.

Searching, sorting and paging all happen in SQL (`app.services.caseload.caseload`); the
model only holds the rows fetched so far and asks for the next page as the view
scrolls; the paging, the generation counter that drops stale answers and the
reset on lock are `ui.kit.paged_model`'s. This module adds the caseload's columns,
its sort (a new SQL query, never a sort in memory) and how each cell reads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.services import clock
from app.services.caseload.caseload import CaseloadQuery, CaseloadRow
from app.values import overdue
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.paged_model import AnyIndex, PagedTableModel
from ui.kit.person_cells import cell_text
from ui.kit.tasks import TaskRunner

logger = logging.getLogger(__name__)

# (total matching, the page asked for): `caseload.fetch` bound to an unlocked workspace.
Loader = Callable[[CaseloadQuery], tuple[int, list[CaseloadRow]]]

PAGE_SIZE = 200
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the CaseloadRow behind a cell
OVERDUE = QColor("#D5281B")  # NHS red: 5.6:1 on white


class Column(IntEnum):
    NHS_NUMBER = 0
    NAME = 1
    DATE_OF_BIRTH = 2
    AGE = 3
    LOCALITY = 4
    LEVEL_OF_NEED = 5
    LEAD_PROFESSIONAL = 6
    NEXT_VISIT = 7
    PLAN_REVIEW = 8
    RISK = 9
    ALERTS = 10


HEADERS = {
    Column.NHS_NUMBER: "NHS number",
    Column.NAME: "Name",
    Column.DATE_OF_BIRTH: "Date of birth",
    Column.AGE: "Age",
    Column.LOCALITY: "Locality",
    Column.LEVEL_OF_NEED: "Level of need",
    Column.LEAD_PROFESSIONAL: "Lead professional",
    Column.NEXT_VISIT: "Next visit",
    Column.PLAN_REVIEW: "Plan review due",
    Column.RISK: "Highest risk",
    Column.ALERTS: "Alerts",
}

# Long headings break onto two lines on screen, so the table fits a 1366 px laptop
# with the Alerts column still in view; screen readers get the one-line heading.
_HEADER_LINES = {
    Column.DATE_OF_BIRTH: "Date of\nbirth",
    Column.LEVEL_OF_NEED: "Level of\nneed",
    Column.LEAD_PROFESSIONAL: "Lead\nprofessional",
    Column.NEXT_VISIT: "Next\nvisit",
    Column.PLAN_REVIEW: "Plan review\ndue",
    Column.RISK: "Highest\nrisk",
}

# Column -> (key of caseload.SORTS, reversed). Age runs opposite to date of birth.
# Columns missing here cannot be sorted.
SORT_KEYS: dict[Column, tuple[str, bool]] = {
    Column.NHS_NUMBER: ("nhs_number", False),
    Column.NAME: ("name", False),
    Column.DATE_OF_BIRTH: ("date_of_birth", False),
    Column.AGE: ("date_of_birth", True),
    Column.LOCALITY: ("locality", False),
    Column.LEVEL_OF_NEED: ("level_of_need", False),
    Column.LEAD_PROFESSIONAL: ("lead_professional", False),
    Column.NEXT_VISIT: ("next_visit_due", False),
    Column.PLAN_REVIEW: ("plan_review_due", False),
    Column.RISK: ("risk", False),
}


# The date columns an overdue flag can reach: what each shows.
_DATES: dict[Column, Callable[[CaseloadRow], Any]] = {
    Column.NEXT_VISIT: lambda r: r.next_visit_due,
    Column.PLAN_REVIEW: lambda r: r.plan_review_due,
}


class CaseloadModel(PagedTableModel[CaseloadQuery, CaseloadRow]):
    columns = Column

    def __init__(
        self,
        runner: TaskRunner,
        *,
        page_size: int = PAGE_SIZE,
        today: Callable[[], date] = clock.today,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(runner, CaseloadQuery(sort="name"), page_size=page_size, parent=parent)
        self._today = today
        self._sort_column = Column.NAME
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._as_of = today()

    # -- what the controller drives -----------------------------------------------------

    @property
    def sort_state(self) -> tuple[Column, Qt.SortOrder]:
        return self._sort_column, self._sort_order

    def set_search(self, text: str) -> None:
        if text.strip() != self._query.search.strip():
            self.set_query(search=text)

    def set_filters(self, **filters: Any) -> None:
        """Change CaseloadQuery filters (lead_professional_id, locality, min_risk...) and
        fetch again if that changed the query."""
        self.set_query(**filters)

    def configure(self, *, search: str, column: int, order: Qt.SortOrder, **filters: Any) -> None:
        """Set search, sort and filters together without fetching (the caller reloads once)."""
        self._query = replace(self._query, search=search, **filters)
        self._set_sort(column, order)

    def clear(self) -> None:
        self._query = replace(self._query, search="")  # the caller keeps it if it must
        super().clear()

    def _page_replaced(self) -> None:
        self._as_of = self._today()  # ages count from the day the page was fetched

    # -- QAbstractTableModel ------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is a new SQL query, never a sort of the rows in memory."""
        if self._set_sort(column, order):
            self.reload()

    def _set_sort(self, column: int, order: Qt.SortOrder) -> bool:
        """Point the query at a column's SQL sort; True if that changed the query."""
        try:
            key, reverse = SORT_KEYS[Column(column)]
        except (KeyError, ValueError):
            return False  # not sortable: the view puts the indicator back
        descending = (order == Qt.SortOrder.DescendingOrder) != reverse
        self._sort_column, self._sort_order = Column(column), order
        if (key, descending) == (self._query.sort, self._query.descending):
            return False
        self._query = replace(self._query, sort=key, descending=descending)
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(_HEADER_LINES.get(column, HEADERS[column]))
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return tr(HEADERS[column])
        if role == Qt.ItemDataRole.InitialSortOrderRole and column in SORT_KEYS:
            # A first click on a new column sorts it A-Z (not in the previous direction);
            # risk starts with the highest.
            if column == Column.RISK:
                return Qt.SortOrder.DescendingOrder
            return Qt.SortOrder.AscendingOrder
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (cell := self._cell(index)) is None:
            return None
        row, column = cell[0], Column(cell[1])
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._spoken(row, column)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and self._overdue(row, column):
            return QBrush(OVERDUE)
        if role == Qt.ItemDataRole.FontRole:
            return self._font(row, column)
        return None

    # -- presentation of one cell -------------------------------------------------------

    def _text(self, row: CaseloadRow, column: Column) -> str:
        if row.limited:
            return self._limited_text(row, column)
        if self._overdue(row, column) and column in _DATES:
            # Said in words, not only red: a missed visit is never shown as the next.
            return formatting.overdue_on(_DATES[column](row), self._as_of)
        if (shared := cell_text(row, column.name)) is not None:
            return shared
        match column:
            case Column.DATE_OF_BIRTH:
                return formatting.british_date(row.date_of_birth)
            case Column.AGE:
                return str(formatting.age_on(row.date_of_birth, self._as_of))
            case Column.LOCALITY:
                return row.locality or ""
            case Column.ALERTS:
                return formatting.alert_short_labels(row.alert_kinds)
        return ""

    def _limited_text(self, row: CaseloadRow, column: Column) -> str:
        # Outside the user's relationship (need-to-know): name, year of birth and
        # locality only; opening the record asks for a break-glass reason.
        match column:
            case Column.NAME:
                return row.display_name
            case Column.DATE_OF_BIRTH:
                return str(row.year_of_birth)
            case Column.LOCALITY:
                return row.locality or ""
            case Column.LEAD_PROFESSIONAL:
                return tr("Not on your caseload")
        return ""

    def _spoken(self, row: CaseloadRow, column: Column) -> str:
        # What a screen reader says: full alert names, and "overdue" that colour shows.
        if column == Column.ALERTS:
            return formatting.alert_labels(row.alert_kinds) or tr("No alerts")
        text = self._text(row, column)
        if column == Column.RISK:
            return text or tr("No active risks")
        return text  # an overdue date says so in its own text

    def _tooltip(self, row: CaseloadRow, column: Column) -> str | None:
        if column == Column.NEXT_VISIT and row.next_visit_due is not None:
            when = formatting.british_date_time(row.next_visit_due)
            return (
                tr("Overdue: was due {when}").format(when=when)
                if self._overdue(row, column)
                else when
            )
        if column == Column.PLAN_REVIEW and self._overdue(row, column):
            return tr("Review overdue")
        if column == Column.ALERTS and row.alert_kinds:
            return formatting.alert_labels(row.alert_kinds)
        if row.limited:
            return tr("Not on your or your team's caseload: opening needs a reason (break-glass).")
        return None

    def _overdue(self, row: CaseloadRow, column: Column) -> bool:
        """Overdue by the one rule (`app.values.overdue`); high risk shares the red."""
        if row.limited:
            return False
        if column == Column.NEXT_VISIT:
            # next_visit_due is the soonest visit still planned.
            return overdue.visit_overdue("planned", row.next_visit_due, clock.now())
        if column == Column.PLAN_REVIEW:
            return overdue.plan_review_overdue(row.plan_review_due, self._as_of)
        if column == Column.RISK and row.highest_risk is not None:
            return row.highest_risk >= 15
        return False

    def _font(self, row: CaseloadRow, column: Column) -> QFont | None:
        if column == Column.LEAD_PROFESSIONAL and (row.limited or row.lead_professional is None):
            font = QFont()
            font.setItalic(True)
            return font
        if column == Column.ALERTS and row.alert_kinds:
            font = QFont()
            font.setBold(True)
            return font
        return None
