"""The "My caseload" panel: layout only (a heading, a search box, a count, the table).

Logic lives in `ui.caseload.caseload_controller`; this module decides how things look
and turns raw keystrokes into one debounced `search_changed` signal.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.caseload.caseload_model import ROW_ROLE, SORT_KEYS, CaseloadModel, Column
from ui.i18n import tr
from ui.kit.flow_layout import FlowLayout
from ui.kit.widgets import button

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
    Column.NEXT_VISIT: "Overdue: 30 Sep",  # a missed visit says so (formatting.overdue_on)
    Column.PLAN_REVIEW: "Overdue: 30 Sep",
    Column.RISK: "Medium (12)",
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


# The filter choices: (value for the query, label). The first of each is "any".
RISK_CHOICES = ((None, "Any risk"), (8, "Medium or high risk"), (15, "High risk"))
NEXT_VISIT_CHOICES = (
    (None, "Any next visit"),
    ("overdue", "Visit overdue"),
    ("today", "Visit due today"),
    ("week", "Visit due within 7 days"),
    ("none", "No visit planned"),
)
PLAN_REVIEW_CHOICES = (
    (None, "Any plan review"),
    ("overdue", "Plan review overdue"),
    ("month", "Review due within 30 days"),
    ("none", "No review date"),
)
LEVEL_CHOICES = (
    (None, "Any level of need"),
    ("universal", "Universal"),
    ("targeted", "Targeted"),
    ("specialist", "Specialist"),
)


def _combo(name: str, accessible: str, choices: tuple[tuple[object, str], ...]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(tr(accessible))
    # Sized to a short label, not the longest choice, so the row fits a 1366 px laptop.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(11)
    for value, label in choices:
        combo.addItem(tr(label), value)
    return combo


class CaseloadPanel(QWidget):
    """Heading, search, filters, count and table. Emits `search_changed` once typing
    pauses, `filters_changed` when a filter changes, `open_requested` on Enter."""

    search_changed = Signal(str)
    filters_changed = Signal()
    open_requested = Signal(str)  # person id
    beyond_requested = Signal(str)  # the search text: look beyond the team, on the server
    register_requested = Signal()  # New person…

    def __init__(self, model: CaseloadModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseloadPanel")
        self.heading = QLabel(tr("My caseload"))
        self.heading.setObjectName("pageHeading")
        heading = self.heading

        search_label = QLabel(tr("&Search"))
        self.search = QLineEdit()
        self.search.setObjectName("caseloadSearch")
        self.search.setPlaceholderText(tr("Name, NHS number or postcode"))
        self.search.setAccessibleName(tr("Search the caseload"))
        self.search.setAccessibleDescription(
            tr("Search by name, NHS number (with or without spaces) or postcode")
        )
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        search_label.setBuddy(self.search)

        self.count = QLabel()
        self.count.setObjectName("caseloadCount")
        self.count.setAccessibleName(tr("Number of people"))

        self.message = QLabel()
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.hide()

        self.table = CaseloadTable(model)

        self.whole_team = QCheckBox(tr("Show the &whole team"))
        self.whole_team.setObjectName("wholeTeam")
        self.whole_team.setAccessibleName(tr("Show the whole team's caseload"))
        self.locality = _combo("localityFilter", "Locality", ((None, "All localities"),))
        self.level = _combo("levelFilter", "Level of need", LEVEL_CHOICES)
        self.risk = _combo("riskFilter", "Risk", RISK_CHOICES)
        self.next_visit = _combo("nextVisitFilter", "Next visit", NEXT_VISIT_CHOICES)
        self.plan_review = _combo("planReviewFilter", "Plan review", PLAN_REVIEW_CHOICES)
        filter_label = QLabel(tr("Filter:"))
        filter_label.setObjectName("fieldLabel")
        # Wraps onto a second line on a narrow screen rather than widening the window.
        filter_row = FlowLayout(spacing=8)
        filter_row.addWidget(self.whole_team)
        filter_row.addWidget(filter_label)
        for combo in self.filter_combos:
            filter_row.addWidget(combo)
            combo.currentIndexChanged.connect(lambda _i: self.filters_changed.emit())
        filter_row.addWidget(self.count)
        self.whole_team.toggled.connect(lambda _on: self.filters_changed.emit())
        self.table.activated.connect(self._activated)

        search_row = QHBoxLayout()
        search_row.setSpacing(12)
        search_row.addWidget(search_label)
        search_row.addWidget(self.search, 1)
        self.register = button(
            "New person…",
            name="registerPersonButton",
            tip="Register someone new: a referral or a first visit (Ctrl+Shift+N)",
        )
        self.register.setMinimumHeight(44)
        self.register.clicked.connect(self.register_requested)
        search_row.addWidget(self.register)
        # Shown only on an enrolled laptop that has reached its server (app controller).
        self.beyond = button(
            "Search beyond my team (online)",
            name="beyondTeamButton",
            tip="Search your organisation's people beyond your team: name, year of birth "
            "and locality only; opening one needs break-glass",
        )
        self.beyond.setMinimumHeight(44)
        self.beyond.setVisible(False)
        self.beyond.clicked.connect(lambda: self.beyond_requested.emit(self.search.text()))
        search_row.addWidget(self.beyond)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addLayout(search_row)
        layout.addLayout(filter_row)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)

        # Restarted on every keystroke: one query when typing pauses, not one per key.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(lambda: self.search_changed.emit(self.search.text()))
        self.search.textEdited.connect(lambda _text: self._debounce.start())
        # Down or Enter in the search goes into the results (no Tabbing past the filters).
        self._awaiting_results = False
        self.search.installEventFilter(self)
        model.modelReset.connect(self._select_first_if_entered)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.enter_results()
            return True
        return super().eventFilter(watched, event)

    def enter_results(self) -> None:
        """Focus the first person found; a search still waiting to run runs now."""
        if self._debounce.isActive():
            self._debounce.stop()
            self._awaiting_results = True
            self.search_changed.emit(self.search.text())
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.table.select_row(0)

    @Slot()
    def _select_first_if_entered(self) -> None:
        # The answer to a search flushed by Enter arrives after the focus moved.
        if self._awaiting_results:
            self._awaiting_results = False
            if self.table.hasFocus():
                self.table.select_row(0)

    @property
    def filter_combos(self) -> tuple[QComboBox, ...]:
        return (self.locality, self.level, self.risk, self.next_visit, self.plan_review)

    def _activated(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if row is not None:
            self.open_requested.emit(row.person_id)

    def selected_person(self) -> str | None:
        index = self.table.currentIndex()
        row = index.data(ROW_ROLE) if index.isValid() else None
        return row.person_id if row is not None else None

    def set_localities(self, names: list[str]) -> None:
        current = self.locality.currentData()
        self.locality.blockSignals(True)
        self.locality.clear()
        self.locality.addItem(tr("All localities"), None)
        for name in names:
            self.locality.addItem(name, name)
        index = self.locality.findData(current)
        self.locality.setCurrentIndex(max(0, index))
        self.locality.blockSignals(False)

    def filter_values(self) -> dict[str, object]:
        return {
            "whole_team": self.whole_team.isChecked(),
            "locality": self.locality.currentData(),
            "level_of_need": self.level.currentData(),
            "min_risk": self.risk.currentData(),
            "next_visit": self.next_visit.currentData(),
            "plan_review": self.plan_review.currentData(),
        }

    def set_filter_values(self, values: dict[str, object]) -> None:
        """Put filters back without emitting (the caller reloads once)."""
        widgets = (self.whole_team, *self.filter_combos)
        for widget in widgets:
            widget.blockSignals(True)
        self.whole_team.setChecked(bool(values.get("whole_team")))
        for combo, key in zip(
            self.filter_combos,
            ("locality", "level_of_need", "min_risk", "next_visit", "plan_review"),
            strict=True,
        ):
            index = combo.findData(values.get(key))
            combo.setCurrentIndex(max(0, index))
        for widget in widgets:
            widget.blockSignals(False)
        self.heading.setText(tr("Team caseload") if values.get("whole_team") else tr("My caseload"))

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

    def set_beyond_available(self, available: bool) -> None:
        self.beyond.setVisible(available)

    def show_count(self, text: str) -> None:
        self.count.setText(text)

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
