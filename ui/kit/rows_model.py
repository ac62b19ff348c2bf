"""A small read-only table model over a list of plain rows (goals, actions, risks,
alerts, consent decisions, today's visits), described by column specs.

For lists of tens of rows that arrive whole from one service call. The big
lists (caseload, timeline) have their own paged models.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from ui.i18n import tr

logger = logging.getLogger(__name__)

R = TypeVar("R")
AnyIndex = QModelIndex | QPersistentModelIndex

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row object behind a cell
WARNING = QColor("#D5281B")  # NHS red: 5.6:1 on white
QUIET = QColor("#4C6272")  # NHS secondary text: 6.2:1 on white


@dataclass(frozen=True)
class ColumnSpec(Generic[R]):
    title: str  # shown (translated when shown)
    text: Callable[[R], str]
    spoken: Callable[[R], str] | None = None  # for screen readers, when colour says more
    tooltip: Callable[[R], str | None] | None = None
    warn: Callable[[R], bool] | None = None  # red text (overdue, refused, high risk)
    quiet: Callable[[R], bool] | None = None  # grey text (done, closed, withdrawn)
    bold: Callable[[R], bool] | None = None


class RowsModel(QAbstractTableModel, Generic[R]):
    def __init__(self, columns: Sequence[ColumnSpec[R]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._rows: list[R] = []

    @property
    def rows(self) -> list[R]:
        return list(self._rows)

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def row_at(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return tr(self._columns[section].title)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None or not 0 <= index.column() < len(self._columns):
            return None
        spec = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return spec.text(row)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return spec.spoken(row) if spec.spoken else spec.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return spec.tooltip(row) if spec.tooltip else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if spec.warn and spec.warn(row):
                return QBrush(WARNING)
            if spec.quiet and spec.quiet(row):
                return QBrush(QUIET)
            return None
        if role == Qt.ItemDataRole.FontRole and spec.bold and spec.bold(row):
            font = QFont()
            font.setBold(True)
            return font
        return None
