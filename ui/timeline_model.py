"""A person's timeline as a Qt table model: pages of notes fetched on the task runner.

Newest first; filtered by organisation and contact type in SQL; the next page is
asked for as the view scrolls (canFetchMore/fetchMore). A generation counter drops
answers to a query the user has already changed, or that arrive after a lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from app.services.timeline import TimelineEntry, TimelineQuery
from app.values.vocab import ContactType, Role
from ui import formatting
from ui.i18n import tr
from ui.tasks import TaskRunner

logger = logging.getLogger(__name__)

Loader = Callable[[TimelineQuery], tuple[int, list[TimelineEntry]]]
AnyIndex = QModelIndex | QPersistentModelIndex

PAGE_SIZE = 60
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
QUIET = QColor("#4C6272")
NOTE_PREVIEW_CHARS = 160


class TimelineColumn(IntEnum):
    WHEN = 0
    TYPE = 1
    WHO = 2
    ORGANISATION = 3
    NOTE = 4


HEADERS = {
    TimelineColumn.WHEN: "When",
    TimelineColumn.TYPE: "Contact",
    TimelineColumn.WHO: "Who",
    TimelineColumn.ORGANISATION: "Organisation",
    TimelineColumn.NOTE: "Note",
}


def author_text(entry: TimelineEntry) -> str:
    role = formatting.label(Role, entry.author_role)
    name = entry.author or tr("Unknown author")
    return f"{name} ({role})" if role else name


def preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= NOTE_PREVIEW_CHARS else flat[: NOTE_PREVIEW_CHARS - 1] + "…"


class TimelineModel(QAbstractTableModel):
    total_changed = Signal(int)
    first_page_loaded = Signal()
    failed = Signal(str)

    def __init__(
        self, runner: TaskRunner, *, page_size: int = PAGE_SIZE, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._page_size = page_size
        self._loader: Loader | None = None
        self._query: TimelineQuery | None = None
        self._rows: list[TimelineEntry] = []
        self._total = 0
        self._generation = 0
        self._busy = False
        self._fetching_more = False

    @property
    def total(self) -> int:
        return self._total

    @property
    def query(self) -> TimelineQuery | None:
        return self._query

    @property
    def busy(self) -> bool:
        return self._busy

    def open(
        self,
        loader: Loader,
        query: TimelineQuery,
        *,
        first_page: list[TimelineEntry] | None = None,
        total: int = 0,
    ) -> None:
        """Show a person's timeline; `first_page` (fetched with the record) skips a round trip."""
        self._loader = loader
        self._query = replace(query, offset=0, limit=self._page_size)
        if first_page is not None:
            self._generation += 1
            self._show_first(total, first_page, self._generation)
        else:
            self.reload()

    def set_filter(self, *, organisation_id: str | None, contact_type: str | None) -> None:
        if self._query is None:
            return
        query = replace(self._query, organisation_id=organisation_id, contact_type=contact_type)
        if query != self._query:
            self._query = query
            self.reload()

    def reload(self) -> None:
        self._generation += 1
        self._fetching_more = False
        if self._loader is None or self._query is None:
            return
        self._busy = True
        query = replace(self._query, offset=0, limit=max(self._page_size, len(self._rows)))
        self._start(query, self._generation, self._show_first)

    def clear(self) -> None:
        self._generation += 1
        self._loader = None
        self._query = None
        self._fetching_more = False
        self._busy = False
        self.beginResetModel()
        self._rows = []
        self._total = 0
        self.endResetModel()
        self.total_changed.emit(0)

    def entry_at(self, row: int) -> TimelineEntry | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # -- fetching -----------------------------------------------------------------------

    def _start(
        self,
        query: TimelineQuery,
        generation: int,
        on_page: Callable[[int, list[TimelineEntry], int], None],
    ) -> None:
        loader = self._loader
        assert loader is not None
        self._runner.run(
            lambda: loader(query),
            on_done=lambda result: on_page(result[0], result[1], generation),
            on_error=lambda message: self._failed(message, generation),
        )

    def _show_first(self, total: int, rows: list[TimelineEntry], generation: int) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._rows = list(rows)
        self._total = total
        self.endResetModel()
        self._busy = False
        self.total_changed.emit(total)
        self.first_page_loaded.emit()

    def _next_page(self, total: int, rows: list[TimelineEntry], generation: int) -> None:
        if generation != self._generation or not rows:
            self._fetching_more = False
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()
        self._fetching_more = False
        if total != self._total:
            self._total = total
            self.total_changed.emit(total)

    def _failed(self, message: str, generation: int) -> None:
        self._fetching_more = False
        if generation != self._generation:
            return
        self._busy = False
        self.failed.emit(message)

    # -- QAbstractTableModel ------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TimelineColumn)

    def canFetchMore(self, parent: AnyIndex) -> bool:
        if parent.isValid() or self._loader is None or self._busy or self._fetching_more:
            return False
        return len(self._rows) < self._total

    def fetchMore(self, parent: AnyIndex) -> None:
        if not self.canFetchMore(parent) or self._query is None:
            return
        self._fetching_more = True
        query = replace(self._query, offset=len(self._rows), limit=self._page_size)
        self._start(query, self._generation, self._next_page)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(TimelineColumn):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return tr(HEADERS[TimelineColumn(section)])
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry_at(index.row()) if index.isValid() else None
        if entry is None or not 0 <= index.column() < len(TimelineColumn):
            return None
        column = TimelineColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(entry, column)
        if role == ENTRY_ROLE:
            return entry
        if role == Qt.ItemDataRole.ToolTipRole and column == TimelineColumn.WHEN:
            return tr("Written {when}").format(when=formatting.british_date_time(entry.recorded_at))
        if role == Qt.ItemDataRole.ForegroundRole and column in (
            TimelineColumn.WHO,
            TimelineColumn.ORGANISATION,
        ):
            return QBrush(QUIET)
        return None

    def _text(self, entry: TimelineEntry, column: TimelineColumn) -> str:
        match column:
            case TimelineColumn.WHEN:
                return formatting.british_date_time(entry.occurred_at)
            case TimelineColumn.TYPE:
                return formatting.label(ContactType, entry.contact_type)
            case TimelineColumn.WHO:
                return author_text(entry)
            case TimelineColumn.ORGANISATION:
                return entry.organisation or ""
            case TimelineColumn.NOTE:
                # A sensitive note this user may not read: that it exists, and whom to ask.
                return entry.ask if entry.ask else preview(entry.narrative)
