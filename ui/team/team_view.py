"""The coordinator's Team view: layout only (the controller is `team_controller`).

At the top, a strip of counts that never scrolls away (unallocated, overdue plan
reviews and visits, high risk, overdue consent and risk reviews, conflicts); each
count is a button that shows those people. Below, tabs: People (search, filters,
the paged team table with multi-select and the actions), Practitioners (each
one's load) and Charts.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import tr
from ui.kit.flow_layout import FlowLayout
from ui.kit.widgets import button, table
from ui.team.meeting_page import MeetingPage
from ui.team.outcomes_page import OutcomesPage
from ui.team.priority_page import PriorityPage
from ui.team.team_columns import TeamColumns
from ui.team.team_model import ROW_ROLE, Column, TeamModel
from ui.team.team_pages import ChartsPage, PractitionersPage

logger = logging.getLogger(__name__)

# Show filter key -> (card label, what it means in full, TeamQuery fields it sets).
SHOW: dict[str, tuple[str, str, dict[str, object]]] = {
    "unallocated": ("Unallocated", "No lead professional", {"unallocated": True}),
    "overdue_plan_reviews": ("Plans overdue", "Plan review overdue", {"plan_review": "overdue"}),
    "overdue_visits": ("Visits overdue", "Visit overdue", {"next_visit": "overdue"}),
    "at_risk": ("High risk", "At high risk (15 or more)", {"min_risk": 15}),
    "consent_review_overdue": (
        "Consent overdue",
        "Consent review overdue",
        {"consent_review_overdue": True},
    ),
    "risk_review_overdue": (
        "Risks overdue",
        "Risk review overdue",
        {"risk_review_overdue": True},
    ),
    "conflicts": ("Conflicts", "With sync conflicts", {"with_conflicts": True}),
    # Closed cases too: someone discharged after reablement is who the check asks about.
    "follow_ups_due": (
        "91-day checks",
        "91-day check due after reablement",
        {"follow_up_due": True, "include_closed": True},
    ),
    "telecare_due": ("Telecare tests", "Telecare tests due", {"telecare_due": True}),
}
LEVELS: tuple[tuple[object, str], ...] = (
    (None, "Any level of need"),
    ("universal", "Universal"),
    ("targeted", "Targeted"),
    ("specialist", "Specialist"),
)
SEARCH_DEBOUNCE_MS = 250


def _combo(name: str, accessible: str, choices: tuple[tuple[object, str], ...]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(tr(accessible))
    for value, label in choices:
        combo.addItem(tr(label), value)
    return combo


class TeamPanel(QWidget):
    search_changed = Signal(str)
    filters_changed = Signal()
    open_requested = Signal(str)  # person id
    allocate_requested = Signal()
    import_requested = Signal()
    export_requested = Signal()
    summary_requested = Signal()

    def __init__(self, model: TeamModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teamPanel")
        heading = QLabel(tr("Team caseload"))
        heading.setObjectName("pageHeading")
        # The panel's frame first, the pages into it after: a widget moved to a new
        # parent has its whole subtree styled again (the app's stylesheet), so pages
        # built apart and then moved in cost twice.
        self.tabs = QTabWidget()
        self.tabs.setObjectName("teamTabs")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(heading)
        self.cards: dict[str, QPushButton] = {}
        # Wraps onto a second line on a narrow screen: every count stays in view.
        strip = FlowLayout(spacing=8)
        for key, (label, meaning, _) in SHOW.items():
            card = QPushButton(f"–\n{tr(label)}")
            card.setObjectName("countCard")
            card.setCheckable(True)
            card.setAccessibleName(tr(meaning))
            card.setToolTip(tr("Show the people counted here: {what}").format(what=tr(meaning)))
            card.clicked.connect(lambda _on, k=key: self._card_clicked(k))
            self.cards[key] = card
            strip.addWidget(card)
        layout.addLayout(strip)
        layout.addWidget(self.tabs, 1)

        self.search = QLineEdit()
        self.search.setObjectName("teamSearch")
        self.search.setPlaceholderText(tr("Name, NHS number or postcode"))
        self.search.setAccessibleName(tr("Search the team caseload"))
        self.search.setClearButtonEnabled(True)
        self.lead = _combo("leadFilter", "Lead professional", ((None, "Any lead professional"),))
        self.level = _combo("teamLevelFilter", "Level of need", LEVELS)
        shows = ((None, "Everyone"), *((k, meaning) for k, (_, meaning, _) in SHOW.items()))
        self.show_filter = _combo("showFilter", "Show", shows)
        self.count = QLabel()
        self.count.setObjectName("teamCount")
        self.count.setAccessibleName(tr("Number of people"))
        self.message = QLabel()
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.search.setMinimumWidth(280)
        filters = FlowLayout(spacing=8)
        for widget in (self.search, self.lead, self.level, self.show_filter, self.count):
            filters.addWidget(widget)
        for combo in (self.lead, self.level, self.show_filter):
            combo.currentIndexChanged.connect(lambda _i: self._filters_changed())

        self.table: QTableView = table("teamTable", "Team caseload")
        self.table.setModel(model)
        # The indicator first: enabling sorting sorts by it at once (A-Z by name).
        self.table.horizontalHeader().setSortIndicator(Column.NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # Widths that fit a 1366 px laptop, a scroll bar for the rest, a menu to hide some.
        self.columns = TeamColumns(self.table)
        self.table.activated.connect(self._activated)
        self.allocate = button(
            "Change lead professional…",
            name="allocateButton",
            primary=True,
            tip="Give the selected people a new lead professional (Ctrl+Shift+L)",
        )
        self.allocate.setShortcut("Ctrl+Shift+L")
        self.import_button = button("Import CSV…", name="importButton")
        self.export_button = button("Export CSV…", name="exportButton")
        self.summary_button = button("Weekly summary PDF…", name="summaryButton")
        actions = FlowLayout(spacing=8)
        for action, signal in (
            (self.allocate, self.allocate_requested),
            (self.import_button, self.import_requested),
            (self.export_button, self.export_requested),
            (self.summary_button, self.summary_requested),
        ):
            action.clicked.connect(signal)
            actions.addWidget(action)

        people = QWidget()
        people_layout = QVBoxLayout(people)
        people_layout.addLayout(filters)
        people_layout.addWidget(self.message)
        people_layout.addWidget(self.table, 1)
        people_layout.addLayout(actions)
        self.tabs.addTab(people, tr("&People"))
        self.practitioners = PractitionersPage()
        self.tabs.addTab(self.practitioners, tr("Pr&actitioners"))
        self.charts = ChartsPage()
        self.tabs.addTab(self.charts, tr("C&harts"))
        self.outcomes = OutcomesPage()
        self.tabs.addTab(self.outcomes, tr("&Outcomes"))
        self.priorities = PriorityPage()
        self.tabs.addTab(self.priorities, tr("Pr&iorities"))
        self.meeting = MeetingPage()
        self.tabs.addTab(self.meeting, tr("Meetin&g"))

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(lambda: self.search_changed.emit(self.search.text()))
        self.search.textEdited.connect(lambda _t: self._debounce.start())

    def _card_clicked(self, key: str) -> None:
        wanted = key if self.cards[key].isChecked() else None
        self.show_filter.setCurrentIndex(max(0, self.show_filter.findData(wanted)))
        self.tabs.setCurrentIndex(0)

    def _filters_changed(self) -> None:
        chosen = self.show_filter.currentData()
        for key, card in self.cards.items():
            card.setChecked(key == chosen)
        self.filters_changed.emit()

    def _activated(self, index: object) -> None:
        row = index.data(ROW_ROLE)  # type: ignore[attr-defined]
        if row is not None:
            self.open_requested.emit(row.person_id)

    def filter_values(self) -> dict[str, object]:
        """The chosen filters (not the search: it may be a name), to put back after a lock."""
        return {
            "lead": self.lead.currentData(),
            "level": self.level.currentData(),
            "show": self.show_filter.currentData(),
        }

    def set_filter_values(self, values: dict[str, object]) -> None:
        """Choose filters without a query per combo (the caller sets the query once).
        A lead not in the list yet is chosen when the leads arrive (`set_leads`)."""
        for combo, key in ((self.lead, "lead"), (self.level, "level"), (self.show_filter, "show")):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(values.get(key))))
            combo.blockSignals(False)
        chosen = self.show_filter.currentData()
        for key, card in self.cards.items():
            card.setChecked(key == chosen)

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def set_counts(self, counts: dict[str, int]) -> None:
        for key, card in self.cards.items():
            n = counts.get(key, 0)
            card.setText(f"{n:,}\n{tr(SHOW[key][0])}")
            card.setAccessibleName(f"{tr(SHOW[key][1])}: {n:,}")
            card.setProperty("alarm", n > 0)
            card.style().unpolish(card)
            card.style().polish(card)

    def set_leads(self, leads: list[tuple[str, str]]) -> None:
        self.lead.blockSignals(True)
        self.lead.clear()
        self.lead.addItem(tr("Any lead professional"), None)
        for staff_id, name in leads:
            self.lead.addItem(name, staff_id)
        self.lead.blockSignals(False)

    def set_read_only(self, read_only: bool) -> None:
        """The IG lead sees the team's work but does not allocate or import."""
        self.allocate.setVisible(not read_only)
        self.import_button.setVisible(not read_only)

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
