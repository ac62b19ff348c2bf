"""Wires the caseload panel to its model, and remembers where the user was.

On lock the controller keeps the search, sort and scroll position in memory
(never on disk) and empties every widget; on unlock it puts them back, so a
nurse interrupted by the idle lock returns to the same list at the same place.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Slot

from ui import formatting
from ui.caseload_model import CaseloadModel, Column, Loader
from ui.caseload_view import CaseloadPanel
from ui.i18n import tr

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaseloadState:
    """Where the user was when the app locked."""

    search: str = ""
    sort_column: Column = Column.NAME
    sort_order: Qt.SortOrder = Qt.SortOrder.AscendingOrder
    first_visible_row: int = 0
    rows_loaded: int = 0
    selected_row: int = -1


class CaseloadController(QObject):
    def __init__(self, model: CaseloadModel, panel: CaseloadPanel) -> None:
        super().__init__(panel)
        self._model = model
        self._panel = panel
        self._restore_to: CaseloadState | None = None
        panel.search_changed.connect(model.set_search)
        model.total_changed.connect(self._show_count)
        model.busy_changed.connect(self._show_busy)
        model.failed.connect(panel.show_error)
        model.first_page_loaded.connect(self._first_page_loaded)

    def open(self, loader: Loader, state: CaseloadState | None = None) -> None:
        """Show an unlocked workspace's caseload, where the user left it if `state`."""
        state = state or CaseloadState()
        self._restore_to = state
        self._panel.set_search_text(state.search)
        self._panel.table.show_sort(state.sort_column, state.sort_order)
        self._model.set_loader(loader)
        self._model.configure(search=state.search, column=state.sort_column, order=state.sort_order)
        # One query that covers every row that was on screen, so the scroll position
        # can be restored as soon as it answers.
        self._model.reload(at_least=state.rows_loaded)

    def close(self) -> CaseloadState:
        """Empty the model and the widgets; return what is needed to come back."""
        table = self._panel.table
        column, order = self._model.sort_state
        selected = table.currentIndex().row() if table.currentIndex().isValid() else -1
        state = CaseloadState(
            search=self._panel.search.text(),
            sort_column=column,
            sort_order=order,
            first_visible_row=table.first_visible_row(),
            rows_loaded=self._model.rowCount(),
            selected_row=selected,
        )
        self._restore_to = None
        self._model.clear()
        self._panel.clear()
        return state

    @Slot(int)
    def _show_count(self, total: int) -> None:
        if self._model.busy:
            return
        searching = bool(self._model.query.search.strip())
        self._panel.show_count(formatting.people_count(total, searching=searching))

    @Slot(bool)
    def _show_busy(self, busy: bool) -> None:
        if busy:
            self._panel.show_error("")
            if not self._model.rowCount():
                self._panel.show_count(tr("Loading…"))

    @Slot()
    def _first_page_loaded(self) -> None:
        self._show_count(self._model.total)
        state, self._restore_to = self._restore_to, None
        if state is not None:
            self._panel.table.scroll_to_row(state.first_visible_row)
            self._panel.table.select_row(state.selected_row)
