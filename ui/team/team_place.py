"""Where the coordinator was in the Team view, kept across a lock in memory only:
the filters, sort, tab and scroll position. Never the search (it may be a name) and
never a row: the rows are read afresh from the store after unlocking.

Also the one place that turns the panel's filter choices into `TeamQuery` fields.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView

from ui.team.team_model import Column, TeamModel
from ui.team.team_view import SHOW, TeamPanel

logger = logging.getLogger(__name__)

# Every "show" filter's TeamQuery fields, off: a new choice starts from these.
CLEARED: dict[str, Any] = {
    "unallocated": False,
    "next_visit": None,
    "plan_review": None,
    "min_risk": None,
    "consent_review_overdue": False,
    "risk_review_overdue": False,
    "with_conflicts": False,
    "follow_up_due": False,
    "telecare_due": False,
    "include_closed": False,
}


@dataclass(frozen=True)
class TeamPlace:
    """Where the coordinator was when the app locked: no names, no search text."""

    filters: dict[str, object] = field(default_factory=dict)
    sort_column: Column = Column.NAME
    sort_order: Qt.SortOrder = Qt.SortOrder.AscendingOrder
    first_visible_row: int = 0
    rows_loaded: int = 0
    tab: int = 0


def query_fields(panel: TeamPanel) -> dict[str, Any]:
    """The panel's filters (lead, level of need, show) as TeamQuery fields."""
    fields: dict[str, Any] = dict(CLEARED)
    if (show := panel.show_filter.currentData()) is not None:
        fields.update(SHOW[show][2])
    fields["level_of_need"] = panel.level.currentData()
    fields["lead_professional_id"] = panel.lead.currentData()
    return fields


def keep_place(panel: TeamPanel, model: TeamModel) -> TeamPlace:
    table = panel.table
    header = table.horizontalHeader()
    return TeamPlace(
        filters=panel.filter_values(),
        sort_column=Column(header.sortIndicatorSection()),
        sort_order=header.sortIndicatorOrder(),
        first_visible_row=max(table.rowAt(0), 0),
        rows_loaded=model.rowCount(),
        tab=panel.tabs.currentIndex(),
    )


def put_back(panel: TeamPanel, place: TeamPlace) -> None:
    """The filter choices, sort indicator and tab, without a query per widget."""
    panel.set_filter_values(place.filters)
    header = panel.table.horizontalHeader()
    header.blockSignals(True)  # the caller sets the model's query once
    header.setSortIndicator(place.sort_column, place.sort_order)
    header.blockSignals(False)
    panel.tabs.setCurrentIndex(place.tab)


def scroll_to_row(table: QTableView, row: int) -> None:
    model = table.model()
    if 0 < row < model.rowCount():
        # Straight after a model reset the scroll range is not laid out yet, and
        # scrollTo would clamp to the top: lay out first.
        table.executeDelayedItemsLayout()
        table.scrollTo(model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)
