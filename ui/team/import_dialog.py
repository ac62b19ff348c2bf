"""Import a caseload from CSV: layout only (the work is `import_controller`).

Which column is which (one choice per heading, started from the usual headings),
what to do with people already in the profile, a Check step that lists every bad
row with its line number, a progress bar, and Import, enabled only once the whole
file is clean: the import is all or nothing.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.services.caseload.caseload_import import OnDuplicate
from app.services.caseload.caseload_import_rows import FIELDS, LABELS, REQUIRED
from ui.i18n import tr
from ui.kit.widgets import button

logger = logging.getLogger(__name__)


class ImportDialog(QDialog):
    check_requested = Signal()
    import_requested = Signal()

    def __init__(self, file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle(tr("Import a caseload from CSV"))
        self.resize(720, 640)
        intro = QLabel(
            tr(
                "From {file}. Choose which column holds what; the starred fields are needed."
            ).format(file=file_name)
        )
        intro.setWordWrap(True)
        self.columns = QFormLayout()
        self.combos: dict[str, QComboBox] = {}
        self.skip = QRadioButton(tr("&Skip people already in the profile"))
        self.skip.setObjectName("duplicatesSkip")
        self.skip.setChecked(True)
        self.merge = QRadioButton(tr("&Merge: update people already in the profile from the file"))
        self.merge.setObjectName("duplicatesMerge")
        self.summary = QLabel(tr("Check the file before importing."))
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.bad_rows = QListWidget()
        self.bad_rows.setObjectName("badRows")
        self.bad_rows.setAccessibleName(tr("Rows that cannot be imported"))
        self.progress = QProgressBar()
        self.progress.setObjectName("importProgress")
        self.progress.setAccessibleName(tr("Import progress"))
        self.progress.hide()
        self.check = button("&Check file", name="checkButton")
        self.run = button("&Import", name="importRun", primary=True)
        self.run.setEnabled(False)
        self.close_button = button("Close", name="importClose")
        self.check.clicked.connect(self.check_requested)
        self.run.clicked.connect(self.import_requested)
        self.close_button.clicked.connect(self.reject)
        self.skip.toggled.connect(lambda _on: self.mapping_changed())
        actions = QHBoxLayout()
        actions.addWidget(self.check)
        actions.addStretch(1)
        actions.addWidget(self.close_button)
        actions.addWidget(self.run)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.columns)
        layout.addWidget(self.skip)
        layout.addWidget(self.merge)
        layout.addWidget(self.summary)
        layout.addWidget(self.bad_rows, 1)
        layout.addWidget(self.progress)
        layout.addLayout(actions)

    def set_columns(self, guessed: dict[str, str]) -> None:
        for heading, field in guessed.items():
            combo = QComboBox()
            combo.setObjectName(f"map:{heading}")
            combo.setAccessibleName(tr("Column {heading} holds").format(heading=heading))
            combo.addItem(tr("(not imported)"), "")
            for name in FIELDS:
                star = " *" if name in REQUIRED else ""
                combo.addItem(tr(LABELS[name]).capitalize() + star, name)
            combo.setCurrentIndex(max(0, combo.findData(field)))
            combo.currentIndexChanged.connect(lambda _i: self.mapping_changed())
            self.combos[heading] = combo
            self.columns.addRow(heading, combo)

    def mapping(self) -> dict[str, str]:
        return {heading: str(combo.currentData()) for heading, combo in self.combos.items()}

    def on_duplicate(self) -> OnDuplicate:
        return "merge" if self.merge.isChecked() else "skip"

    def mapping_changed(self) -> None:
        """A new choice needs a new check before importing."""
        self.run.setEnabled(False)
        self.summary.setText(tr("Check the file before importing."))

    def show_check(self, summary: str, bad_rows: list[str], clean: bool) -> None:
        self.summary.setText(summary)
        self.bad_rows.clear()
        self.bad_rows.addItems(bad_rows)
        self.run.setEnabled(clean)

    def show_progress(self, done: int, total: int) -> None:
        self.progress.show()
        self.progress.setMaximum(max(1, total))
        self.progress.setValue(done)

    def set_busy(self, busy: bool) -> None:
        for widget in (self.check, self.skip, self.merge, *self.combos.values()):
            widget.setEnabled(not busy)
        if busy:
            self.run.setEnabled(False)
