"""The Team view's Practitioners and Charts tabs. Layout only.

The charts arrive as PNG bytes drawn by `app.reports.team_charts` on the task
runner, and are shown as pixmaps: the picture on screen is exactly the file
"Save charts as PNG…" writes, and the GUI thread never draws a plot.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.services.team.team_counts import PractitionerLoad
from app.values.vocab import Role
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.rows_model import ColumnSpec, RowsModel
from ui.kit.widgets import button, table

logger = logging.getLogger(__name__)


def _levels(p: PractitionerLoad, level: str) -> str:
    return str(p.by_level.get(level, 0))


LOAD_COLUMNS: tuple[ColumnSpec[PractitionerLoad], ...] = (
    ColumnSpec("Practitioner", lambda p: p.name),
    ColumnSpec("Role", lambda p: formatting.label(Role, p.role)),
    ColumnSpec("People", lambda p: str(p.people)),
    ColumnSpec("Universal", lambda p: _levels(p, "universal")),
    ColumnSpec("Targeted", lambda p: _levels(p, "targeted")),
    ColumnSpec("Specialist", lambda p: _levels(p, "specialist")),
    ColumnSpec("Weighted load", lambda p: str(p.weighted), bold=lambda p: True),
    ColumnSpec(
        "Plan reviews overdue",
        lambda p: str(p.overdue_plan_reviews),
        warn=lambda p: p.overdue_plan_reviews > 0,
    ),
    ColumnSpec(
        "Visits overdue", lambda p: str(p.overdue_visits), warn=lambda p: p.overdue_visits > 0
    ),
)


class PractitionersPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model: RowsModel[PractitionerLoad] = RowsModel(LOAD_COLUMNS, parent=self)
        self.table = table("practitionerTable", "Caseload per practitioner")
        self.table.setModel(self.model)
        note = QLabel(tr("Weighted load counts universal 1, targeted 2 and specialist 3."))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)


class ChartsPage(QWidget):
    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = QLabel(tr("The charts load when you open this tab."))
        self.status.setObjectName("chartsStatus")
        self.save = button("Save charts as PNG…", name="saveChartsButton")
        self.save.clicked.connect(self.save_requested)
        self.save.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.save)
        self.images: list[QLabel] = []
        inner = QWidget()
        grid = QGridLayout(inner)  # two side by side on a laptop screen, the third below
        for n, name in enumerate(("caseloadChart", "reviewsChart", "contactsChart")):
            label = QLabel()
            label.setObjectName(name)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            label.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # so a screen reader reaches it
            self.images.append(label)
            grid.addWidget(label, n // 2, n % 2)
        grid.setRowStretch(2, 1)
        grid.setColumnStretch(2, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)

    def show_charts(self, pngs: list[bytes], descriptions: list[str]) -> None:
        for label, png, text in zip(self.images, pngs, descriptions, strict=True):
            pixmap = QPixmap()
            pixmap.loadFromData(png, "PNG")
            label.setPixmap(pixmap)
            label.setAccessibleName(text.split(".")[0])
            label.setAccessibleDescription(text)
            label.setToolTip(text)
        self.status.setText(tr("Drawn from this laptop's copy of the team's records."))
        self.save.setEnabled(True)

    def clear(self) -> None:
        for label in self.images:
            label.clear()
            label.setAccessibleDescription("")
            label.setToolTip("")
        self.save.setEnabled(False)
        self.status.setText(tr("The charts load when you open this tab."))
