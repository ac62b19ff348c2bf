"""A Qt table model fed in pages from SQL on the task runner, for any query and row type.

The caseload, a person's timeline and the coordinator's team view all page
through this one class. The loader answers `(total matching, one page)` for a
frozen-dataclass query with `offset` and `limit`; the model holds only the rows
fetched so far and asks for the next page as the view scrolls
(canFetchMore/fetchMore). Each new query bumps a generation counter, so a slow
answer to an old query (or one arriving after a lock) never overwrites a newer
one, and `clear()` forgets every row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from enum import IntEnum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from ui.kit.tasks import TaskRunner

logger = logging.getLogger(__name__)

Q = TypeVar("Q")  # a frozen dataclass with offset and limit (None while nothing is open)
R = TypeVar("R")
AnyIndex = QModelIndex | QPersistentModelIndex

PAGE_SIZE = 200


class PagedTableModel(QAbstractTableModel, Generic[Q, R]):
    total_changed = Signal(int)  # rows matching the current query (not just fetched)
    first_page_loaded = Signal()  # a new query's first rows are in: views may restore scroll
    busy_changed = Signal(bool)
    failed = Signal(str)  # a plain message for the user

    columns: type[IntEnum]  # each subclass's columns, in order

    def __init__(
        self,
        runner: TaskRunner,
        query: Q,
        *,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._page_size = page_size
        self._loader: Callable[[Q], tuple[int, list[R]]] | None = None
        self._query = query
        self._rows: list[R] = []
        self._total = 0
        self._generation = 0
        self._busy = False
        self._fetching_more = False

    @property
    def query(self) -> Q:
        return self._query

    @property
    def total(self) -> int:
        return self._total

    @property
    def busy(self) -> bool:
        return self._busy

    def set_loader(self, loader: Callable[[Q], tuple[int, list[R]]] | None) -> None:
        """Attach an unlocked workspace's fetch (None when locked)."""
        self._loader = loader

    def set_query(self, **changes: Any) -> None:
        """Change query fields and fetch again if that changed the query."""
        query = replace(self._query, **changes)  # type: ignore[type-var]
        if query != self._query:
            self._query = query
            self.reload()

    def reload(self, *, at_least: int = 0) -> None:
        """Fetch the first page of the current query (at least `at_least` rows)."""
        self._generation += 1
        self._fetching_more = False
        if self._loader is None or self._query is None:
            return
        query = replace(self._query, offset=0, limit=max(self._page_size, at_least))  # type: ignore[type-var]
        self._set_busy(True)
        self._start(query, self._generation, self._first_page)

    def clear(self) -> None:
        """Forget every row and the loader: nothing identifiable stays in memory here."""
        self._generation += 1
        self._loader = None
        self._fetching_more = False
        self.beginResetModel()
        self._rows = []
        self._total = 0
        self.endResetModel()
        self._set_busy(False)
        self.total_changed.emit(0)

    def row_at(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # -- fetching -----------------------------------------------------------------------

    def _show_first_page(self, total: int, rows: list[R]) -> None:
        """Show a first page already fetched (by whoever opened the record), as a new query."""
        self._generation += 1
        self._first_page(total, rows, self._generation)

    def _page_replaced(self) -> None:
        """Called inside the reset that shows a new first page (subclasses refresh state)."""

    def _start(
        self, query: Q, generation: int, on_page: Callable[[int, list[R], int], None]
    ) -> None:
        loader = self._loader
        assert loader is not None
        self._runner.run(
            lambda: loader(query),
            on_done=lambda result: on_page(result[0], result[1], generation),
            on_error=lambda message: self._failed(message, generation),
        )

    def _first_page(self, total: int, rows: list[R], generation: int) -> None:
        if generation != self._generation:
            return  # an answer to a query the user has already changed
        self.beginResetModel()
        self._rows = list(rows)
        self._total = total
        self._page_replaced()
        self.endResetModel()
        self._set_busy(False)
        self.total_changed.emit(total)
        self.first_page_loaded.emit()

    def _next_page(self, total: int, rows: list[R], generation: int) -> None:
        if generation != self._generation or not rows:
            self._fetching_more = False
            return
        first = len(self._rows)
        # Still "fetching" while inserting: views and testers may ask canFetchMore from
        # inside the insert signals, and must not ask for this same page again.
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
        self._set_busy(False)
        self.failed.emit(message)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    # -- QAbstractTableModel ------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: AnyIndex) -> bool:
        if parent.isValid() or self._loader is None or self._busy or self._fetching_more:
            return False
        return len(self._rows) < self._total

    def fetchMore(self, parent: AnyIndex) -> None:
        if not self.canFetchMore(parent) or self._query is None:
            return
        self._fetching_more = True
        query = replace(self._query, offset=len(self._rows), limit=self._page_size)  # type: ignore[type-var]
        self._start(query, self._generation, self._next_page)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def _cell(self, index: AnyIndex) -> tuple[R, int] | None:
        """The row and column number behind a valid index (None for anything else)."""
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None or not 0 <= index.column() < len(self.columns):
            return None
        return row, index.column()
