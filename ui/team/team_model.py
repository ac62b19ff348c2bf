"""The coordinator's team caseload as a paged Qt table model (`app.services.team.team_caseload`).

Sorting is a new SQL query; an overdue date says so in words ("Overdue: 10 Nov",
by `app.values.overdue`) and in red, as high risk and conflicts are red; an unallocated
row says so in italics.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.services import clock
from app.services.team.team_caseload import AT_RISK_SCORE, TeamQuery, TeamRow
from app.values import overdue
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.paged_model import AnyIndex, PagedTableModel
from ui.kit.person_cells import cell_text
from ui.kit.tasks import TaskRunner

logger = logging.getLogger(__name__)

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE = QColor("#D5281B")  # NHS red: 5.6:1 on white


class Column(IntEnum):
    NHS_NUMBER = 0
    NAME = 1
    LEVEL_OF_NEED = 2
    LEAD_PROFESSIONAL = 3
    RISK = 4
    LAST_CONTACT = 5
    NEXT_VISIT = 6
    PLAN_REVIEW = 7
    CONSENT_REVIEW = 8
    CONFLICTS = 9


HEADERS = {
    Column.NHS_NUMBER: "NHS number",
    Column.NAME: "Name",
    Column.LEVEL_OF_NEED: "Level of need",
    Column.LEAD_PROFESSIONAL: "Lead professional",
    Column.RISK: "Highest risk",
    Column.LAST_CONTACT: "Last contact",
    Column.NEXT_VISIT: "Next visit",
    Column.PLAN_REVIEW: "Plan review due",
    Column.CONSENT_REVIEW: "Consent review due",
    Column.CONFLICTS: "Conflicts",
}
SORT_KEYS = {
    Column.NHS_NUMBER: "nhs_number",
    Column.NAME: "name",
    Column.LEVEL_OF_NEED: "level_of_need",
    Column.LEAD_PROFESSIONAL: "lead_professional",
    Column.RISK: "risk",
    Column.LAST_CONTACT: "last_contact",
    Column.NEXT_VISIT: "next_visit_due",
    Column.PLAN_REVIEW: "plan_review_due",
    Column.CONSENT_REVIEW: "consent_review_due",
    Column.CONFLICTS: "open_conflicts",
}


# The date columns an overdue flag can reach: what each shows.
_DATES: dict[Column, Callable[[TeamRow], Any]] = {
    Column.NEXT_VISIT: lambda r: r.next_visit_due,
    Column.PLAN_REVIEW: lambda r: r.plan_review_due,
    Column.CONSENT_REVIEW: lambda r: r.consent_review_due,
}

# A page is 100 rows (over five screens): each row's last contact and consent review
# are subqueries, so a smaller page paints the team view first within budget.
PAGE_SIZE = 100


class TeamModel(PagedTableModel[TeamQuery, TeamRow]):
    columns = Column

    def __init__(
        self, runner: TaskRunner, *, page_size: int = PAGE_SIZE, parent: QObject | None = None
    ) -> None:
        super().__init__(runner, TeamQuery(), page_size=page_size, parent=parent)
        self._today = clock.today()

    def _page_replaced(self) -> None:
        self._today = clock.today()  # what is overdue counts from the day the page was fetched

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(Column):
            descending = order == Qt.SortOrder.DescendingOrder
            self.set_query(sort=SORT_KEYS[Column(column)], descending=descending)

    def configure(self, query: TeamQuery) -> None:
        """Set the whole query without fetching (the caller reloads once, or not at all)."""
        self._query = query

    def person_ids(self, rows: list[int]) -> list[str]:
        return [r.person_id for n in rows if (r := self.row_at(n)) is not None]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return tr(HEADERS[Column(section)])
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            if section in (Column.RISK, Column.CONFLICTS, Column.LAST_CONTACT):
                return Qt.SortOrder.DescendingOrder
            return Qt.SortOrder.AscendingOrder
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (cell := self._cell(index)) is None:
            return None
        row, column = cell[0], Column(cell[1])
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole value where the cell elides it
            if column in _DATES and self._overdue(row, column):
                return formatting.overdue_since(_DATES[column](row))
            return self._text(row, column) or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = self._text(row, column)
            if self._warn(row, column) and column in (Column.CONFLICTS,):
                return tr("{count} open conflicts").format(count=text)
            return text  # an overdue date says so in its own text; high risk says "High"
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ForegroundRole and self._warn(row, column):
            return QBrush(OVERDUE)
        unallocated = column == Column.LEAD_PROFESSIONAL and row.lead_professional_id is None
        if role == Qt.ItemDataRole.FontRole and unallocated:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def _text(self, row: TeamRow, column: Column) -> str:
        if column in _DATES and self._overdue(row, column):
            return formatting.overdue_on(_DATES[column](row), self._today)
        if (shared := cell_text(row, column.name)) is not None:
            return shared
        match column:
            case Column.LAST_CONTACT:
                return formatting.british_date(row.last_contact)
            case Column.CONSENT_REVIEW:
                return formatting.british_date(row.consent_review_due)
            case Column.CONFLICTS:
                return str(row.open_conflicts) if row.open_conflicts else ""
        return ""

    def _overdue(self, row: TeamRow, column: Column) -> bool:
        """By the one rule (`app.values.overdue`), as the strip's counts: the row's dates
        are already those of open work (the soonest visit still planned, consent in force)."""
        match column:
            case Column.NEXT_VISIT:
                return overdue.visit_overdue("planned", row.next_visit_due, clock.now())
            case Column.PLAN_REVIEW:
                return overdue.plan_review_overdue(row.plan_review_due, self._today)
            case Column.CONSENT_REVIEW:
                return overdue.past(row.consent_review_due, self._today)
        return False

    def _warn(self, row: TeamRow, column: Column) -> bool:
        if column in _DATES:
            return self._overdue(row, column)
        match column:
            case Column.RISK:
                return row.highest_risk is not None and row.highest_risk >= AT_RISK_SCORE
            case Column.CONFLICTS:
                return row.open_conflicts > 0
        return False
