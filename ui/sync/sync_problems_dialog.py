"""Sync problems: every change the server refused (kept on this laptop, with the
server's reason) and every change from the server this laptop kept aside (with
why), one plain line each. Layout only: SyncController fills it on the runner.
Names the kind of record and the field, never a value."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from sync.client.problems import SyncProblem
from ui.i18n import tr
from ui.kit.formatting import british_date_time
from ui.kit.rows_model import ColumnSpec, RowsModel
from ui.kit.widgets import heading, size_columns, table

logger = logging.getLogger(__name__)


def kind_text(problem: SyncProblem) -> str:
    return tr("Refused by the server") if problem.refused else tr("Kept aside on this laptop")


def line_text(problem: SyncProblem) -> str:
    """The whole problem as one sentence (what a screen reader and a copy read)."""
    what = f"{problem.record}, {problem.field}" if problem.field else problem.record
    return f"{kind_text(problem)}: {what}: {problem.reason}"


COLUMNS: tuple[ColumnSpec[SyncProblem], ...] = (
    ColumnSpec("What happened", kind_text, warn=lambda p: p.refused),
    ColumnSpec("Record", lambda p: p.record),
    ColumnSpec("Field", lambda p: p.field or ""),
    ColumnSpec("When", lambda p: british_date_time(p.at)),
    ColumnSpec("Reason", lambda p: p.reason, tooltip=lambda p: p.reason, spoken=line_text),
)


class SyncProblemsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncProblemsDialog")
        self.setWindowTitle(tr("Sync problems"))
        self.resize(980, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Changes that could not be synced"))
        explain = QLabel(
            tr(
                "Nothing here is lost. A change the server refused stays on this laptop "
                "with the server's reason: ask your coordinator or administrator about it. "
                "A change from the server that this laptop could not apply is kept aside "
                "and tried again at every sync."
            )
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self.model: RowsModel[SyncProblem] = RowsModel(COLUMNS, self)
        self.table = table("syncProblemsTable", "Changes that could not be synced")
        self.table.setModel(self.model)
        size_columns(self.table, stretch=4, fixed={0: 210, 1: 150, 2: 150, 3: 150})
        layout.addWidget(self.table, 1)
        self.empty = QLabel(tr("Every change has synced."))
        self.empty.setObjectName("syncProblemsEmpty")
        self.empty.hide()
        layout.addWidget(self.empty)
        self.error = QLabel()
        self.error.setObjectName("syncProblemsError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def set_problems(self, problems: list[SyncProblem]) -> None:
        self.error.hide()
        self.model.set_rows(problems)
        self.empty.setVisible(not problems)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def lines(self) -> list[str]:
        """Each row as its sentence, in order (for tests and screen readers)."""
        return [line_text(p) for p in self.model.rows]
