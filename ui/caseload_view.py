"""The "My caseload" panel: layout only (a heading, a search box, a count, the table).

Logic lives in `ui.caseload_controller`; this module decides how things look
and turns raw keystrokes into one debounced `search_changed` signal.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.caseload_model import SORT_KEYS, CaseloadModel, Column
from ui.i18n import tr

logger = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 150

# The widest value each column usually holds, measured in the real font so the
# starting widths fit at any text size; the last column (Alerts) takes the rest.
_SAMPLES = {
    Column.NHS_NUMBER: "999 999 9999",
    Column.NAME: "Chaudhry, Geoffrey",
    Column.DATE_OF_BIRTH: "30 Sep 2000",
    Column.AGE: "100",
    Column.LOCALITY: "Richmondshire",
    Column.LEVEL_OF_NEED: "Specialist",
    Column.LEAD_PROFESSIONAL: "Angharad Pritchard",
    Column.NEXT_VISIT: "30 Sep 2000",
    Column.PLAN_REVIEW: "30 Sep 2000",
}
_CELL_PADDING = 18  # the item's padding and a little air
_HEADER_PADDING = 36  # the section's padding and the sort indicator beside its text


class CaseloadTable(QTableView):
    """A read-only, row-selecting table whose header sorts in SQL through the model."""

    def __init__(self, model: CaseloadModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setObjectName("caseloadTable")
        self.setAccessibleName(tr("My caseload"))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(36)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._size_columns()
        column, order = model.sort_state
        header.setSortIndicator(column, order)
        # Not setSortingEnabled(): that would sort on every indicator change, even for
        # columns SQL cannot sort. We decide here, and put the indicator back if not.
        header.sortIndicatorChanged.connect(self._sort_requested)
        self._caseload = model

    def _size_columns(self) -> None:
        cells = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        headings = QFontMetrics(bold)
        model = self.model()
        for column, sample in _SAMPLES.items():
            title = str(model.headerData(column, Qt.Orientation.Horizontal))
            widest_line = max(headings.horizontalAdvance(line) for line in title.splitlines())
            width = max(
                cells.horizontalAdvance(sample) + _CELL_PADDING,
                widest_line + _HEADER_PADDING,
            )
            self.horizontalHeader().resizeSection(column, width)

    @Slot(int, Qt.SortOrder)
    def _sort_requested(self, column: int, order: Qt.SortOrder) -> None:
        if Column(column) in SORT_KEYS:
            self._caseload.sort(column, order)
            return
        current, current_order = self._caseload.sort_state
        header = self.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(current, current_order)
        header.blockSignals(False)

    def show_sort(self, column: int, order: Qt.SortOrder) -> None:
        header = self.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.blockSignals(False)

    def first_visible_row(self) -> int:
        return max(self.rowAt(0), 0)

    def scroll_to_row(self, row: int) -> None:
        model = self.model()
        if 0 <= row < model.rowCount():
            # Straight after a model reset the scroll range is not laid out yet, and
            # scrollTo would clamp to the top: lay out first.
            self.executeDelayedItemsLayout()
            self.scrollTo(model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)

    def select_row(self, row: int) -> None:
        model = self.model()
        if 0 <= row < model.rowCount():
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            self.selectionModel().setCurrentIndex(model.index(row, 0), flags)


class CaseloadPanel(QWidget):
    """Heading, search, count and table. Emits `search_changed` once typing pauses."""

    search_changed = Signal(str)

    def __init__(self, model: CaseloadModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseloadPanel")
        heading = QLabel(tr("My caseload"))
        heading.setObjectName("pageHeading")
        heading.setAccessibleName(tr("My caseload"))

        search_label = QLabel(tr("&Search"))
        self.search = QLineEdit()
        self.search.setObjectName("caseloadSearch")
        self.search.setPlaceholderText(tr("Name, NHS number or postcode"))
        self.search.setAccessibleName(tr("Search the caseload"))
        self.search.setAccessibleDescription(
            tr("Search by name, NHS number (with or without spaces) or postcode")
        )
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(360)
        search_label.setBuddy(self.search)

        self.count = QLabel()
        self.count.setObjectName("caseloadCount")
        self.count.setAccessibleName(tr("Number of people"))

        self.message = QLabel()
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.hide()

        self.table = CaseloadTable(model)

        search_row = QHBoxLayout()
        search_row.setSpacing(12)
        search_row.addWidget(search_label)
        search_row.addWidget(self.search, 1)
        search_row.addSpacing(16)
        search_row.addWidget(self.count)
        search_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addLayout(search_row)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)

        # Restarted on every keystroke: one query when typing pauses, not one per key.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(lambda: self.search_changed.emit(self.search.text()))
        self.search.textEdited.connect(lambda _text: self._debounce.start())

    def set_search_text(self, text: str) -> None:
        """Put text back in the box without starting a search (the caller reloads)."""
        self._debounce.stop()
        self.search.setText(text)

    def clear(self) -> None:
        self._debounce.stop()
        self.search.clear()
        self.count.clear()
        self.message.clear()
        self.message.hide()

    def show_count(self, text: str) -> None:
        self.count.setText(text)

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
