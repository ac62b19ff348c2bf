"""Wires the caseload panel to its model, and remembers where the user was.

"My caseload" (lead professional = the signed-in user) by default, the whole
team at a tick; search, filters and sort all become one SQL query. On lock the
controller keeps the search, filters, sort and scroll position in memory (never
on disk) and empties every widget; on unlock it puts them back, so a nurse
interrupted by the idle lock returns to the same list at the same place.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, Slot

from ui.caseload.caseload_model import CaseloadModel, Column, Loader
from ui.caseload.caseload_view import CaseloadPanel
from ui.i18n import tr
from ui.kit import formatting

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
    filters: dict[str, object] = field(default_factory=dict)


class CaseloadController(QObject):
    def __init__(self, model: CaseloadModel, panel: CaseloadPanel) -> None:
        super().__init__(panel)
        self._model = model
        self._panel = panel
        self._restore_to: CaseloadState | None = None
        self._user_id: str | None = None
        panel.search_changed.connect(model.set_search)
        panel.filters_changed.connect(self._filters_changed)
        model.total_changed.connect(self._show_count)
        model.busy_changed.connect(self._show_busy)
        model.failed.connect(panel.show_error)
        model.first_page_loaded.connect(self._first_page_loaded)

    def open(
        self,
        loader: Loader,
        state: CaseloadState | None = None,
        *,
        user_id: str | None = None,
        localities: list[str] | None = None,
    ) -> None:
        """Show an unlocked workspace's caseload, where the user left it if `state`."""
        state = state or CaseloadState()
        self._restore_to = state
        self._user_id = user_id
        self._panel.set_localities(localities or [])
        self._panel.set_filter_values(state.filters)
        self._panel.set_search_text(state.search)
        self._panel.table.show_sort(state.sort_column, state.sort_order)
        self._model.set_loader(loader)
        self._model.configure(
            search=state.search,
            column=state.sort_column,
            order=state.sort_order,
            **self._query_filters(),
        )
        # One query that covers every row that was on screen, so the scroll position
        # can be restored as soon as it answers.
        self._model.reload(at_least=state.rows_loaded)

    def refresh(self) -> None:
        """Fetch again (after a change elsewhere), keeping the rows already shown."""
        self._model.reload(at_least=self._model.rowCount())

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
            filters=self._panel.filter_values(),
        )
        self._restore_to = None
        self._model.clear()
        self._panel.clear()
        return state

    @Slot()
    def _filters_changed(self) -> None:
        self._model.set_filters(**self._query_filters())

    def _query_filters(self) -> dict[str, object]:
        """The panel's filters as CaseloadQuery fields; the whole team drops the lead filter."""
        values = self._panel.filter_values()
        whole_team = bool(values.pop("whole_team"))
        self._panel.heading.setText(tr("Team caseload") if whole_team else tr("My caseload"))
        # On my own caseload the lead professional is always me: room for the alerts.
        self._panel.table.setColumnHidden(Column.LEAD_PROFESSIONAL, not whole_team)
        values["lead_professional_id"] = None if whole_team else self._user_id
        return values

    @Slot(int)
    def _show_count(self, total: int) -> None:
        if self._model.busy:
            return
        query = self._model.query
        narrowed = bool(
            query.search.strip()
            or query.locality
            or query.level_of_need
            or query.min_risk
            or query.next_visit
            or query.plan_review
        )
        self._panel.show_count(formatting.people_count(total, searching=narrowed))

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
        elif self._model.rowCount() and not self._panel.table.currentIndex().isValid():
            self._panel.table.select_row(0)
