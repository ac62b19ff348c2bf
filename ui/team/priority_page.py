"""The Team view's Priorities tab: the people in the viewer's relationship, highest
priority score first, each with the reasons in words; the selected person's factors
(what counted, its points, where in the record it came from) beside the list. Layout
only: `PriorityController` does the work.

The caution stays on screen above the list (docs/clinical-safety.md, H15): the list
is a prompt for the team's discussion, not a clinical decision.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from app.services.priority.priority_list import CAUTION, PriorityList, PriorityRow
from app.services.priority.scoring import Contribution
from app.values.nhs_number import format_nhs_number
from ui.i18n import tr
from ui.kit.rows_model import ColumnSpec, RowsModel
from ui.kit.widgets import button, heading, size_columns, table

logger = logging.getLogger(__name__)

PEOPLE_COLUMNS: tuple[ColumnSpec[tuple[int, PriorityRow]], ...] = (
    ColumnSpec("Rank", lambda r: str(r[0])),
    ColumnSpec("Score", lambda r: str(r[1].scored.score), bold=lambda r: r[1].scored.score > 0),
    ColumnSpec("Name", lambda r: f"{r[1].person.family_name}, {r[1].person.given_name}"),
    ColumnSpec(
        "NHS number",
        lambda r: format_nhs_number(r[1].person.nhs_number) or tr("Not yet known"),
    ),
    ColumnSpec("Lead professional", lambda r: r[1].person.lead_name or tr("Unallocated")),
    ColumnSpec(
        "Why",
        lambda r: r[1].scored.explanation,
        tooltip=lambda r: r[1].scored.explanation,
    ),
)
FACTOR_COLUMNS: tuple[ColumnSpec[Contribution], ...] = (
    ColumnSpec("Factor", lambda c: c.words),
    ColumnSpec("Points", lambda c: str(c.points)),
    ColumnSpec("From", lambda c: c.source, tooltip=lambda c: c.label),
)


class PriorityPage(QWidget):
    open_requested = Signal(str)  # a person id
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("priorityPage")
        self.caution = QLabel(tr(CAUTION))
        self.caution.setObjectName("priorityCaution")
        self.caution.setWordWrap(True)
        self.caution.setProperty("notice", True)
        self.status = QLabel(tr("The list is worked out when you open this tab."))
        self.status.setObjectName("priorityStatus")
        self.status.setWordWrap(True)
        self.weights = QLabel()
        self.weights.setObjectName("priorityWeights")
        self.weights.setWordWrap(True)
        self.model: RowsModel[tuple[int, PriorityRow]] = RowsModel(PEOPLE_COLUMNS, self)
        self.people = table("priorityTable", "People by priority")
        self.people.setModel(self.model)
        size_columns(self.people, stretch=5)
        self.factors_model: RowsModel[Contribution] = RowsModel(FACTOR_COLUMNS, self)
        self.factors = table("priorityFactors", "What makes up the score")
        self.factors.setModel(self.factors_model)
        # Each factor in full: its words wrap, and the rows grow to hold them.
        self.factors.setWordWrap(True)
        size_columns(self.factors, stretch=0, fixed={2: 170})
        self.person_heading = heading(tr("Choose a person to see their score's parts"), level=3)
        self.person_heading.setObjectName("priorityPerson")
        self.person_heading.setWordWrap(True)
        self.open_button = button("Open record", name="priorityOpen")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._open_selected)
        self.refresh_button = button("Work out again", name="priorityRefresh")
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.people.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._chosen(current)
        )
        self.people.activated.connect(lambda _index: self._open_selected())

        detail = QWidget()
        side = QVBoxLayout(detail)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.person_heading)
        side.addWidget(self.factors, 1)
        side.addWidget(self.open_button)
        split = QSplitter()
        split.setObjectName("prioritySplit")
        split.setChildrenCollapsible(False)
        split.addWidget(self.people)
        split.addWidget(detail)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 3)
        split.setSizes([800, 480])  # the reasons need the width more than the parts
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caution)
        layout.addLayout(top)
        layout.addWidget(self.weights)
        layout.addWidget(split, 1)

    def working(self) -> None:
        self.status.setText(tr("Working out the list…"))

    def show_list(self, found: PriorityList) -> None:
        self.model.set_rows(list(enumerate(found.rows, start=1)))
        scored = sum(1 for r in found.rows if r.scored.score)
        whose = (
            tr("Your team's open caseload")
            if found.whose == "team"
            else tr("The people you are lead professional for")
        )
        self.status.setText(
            tr("{whose}: {count} people, {scored} with something that adds to the score.").format(
                whose=whose, count=len(found.rows), scored=scored
            )
        )
        changed = [
            f"{key.replace('_', ' ')} {weight}"
            for key, weight in sorted(found.weights.items())
            if weight != found.defaults.get(key)
        ]
        self.weights.setText(
            tr("Weights: the team's own ({changed}).").format(changed=", ".join(changed))
            if changed
            else tr("Weights: as OneRecord suggests (the team has not changed them).")
        )
        self._chosen(self.people.currentIndex())

    def _chosen(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is None:
            self.factors_model.clear()
            self.person_heading.setText(tr("Choose a person to see their score's parts"))
            self.open_button.setEnabled(False)
            return
        rank, entry = row
        self.factors_model.set_rows(list(entry.scored.contributions))
        self.factors.resizeRowsToContents()
        self.person_heading.setText(
            tr("{name}: score {score}, number {rank} on the list").format(
                name=f"{entry.person.given_name} {entry.person.family_name}",
                score=entry.scored.score,
                rank=rank,
            )
        )
        self.open_button.setEnabled(True)

    def _open_selected(self) -> None:
        row = self.model.row_at(self.people.currentIndex().row())
        if row is not None:
            self.open_requested.emit(row[1].person.person_id)

    def show_error(self, message: str) -> None:
        self.status.setText(message)

    def clear(self) -> None:
        """On lock: no names stay on screen."""
        self.model.clear()
        self.factors_model.clear()
        self.weights.clear()
        self.person_heading.setText(tr("Choose a person to see their score's parts"))
        self.open_button.setEnabled(False)
        self.status.setText(tr("The list is worked out when you open this tab."))
