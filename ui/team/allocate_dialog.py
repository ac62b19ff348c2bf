"""Choose the new lead professional for the selected people. Layout only.

Opened with the selection already made, the list focused on the first colleague:
choose and press Enter (select, Change lead professional…, Enter: three actions).
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.values.vocab import Role
from ui.i18n import tr
from ui.kit import formatting

logger = logging.getLogger(__name__)


class AllocateDialog(QDialog):
    def __init__(
        self, people: int, staff: list[tuple[str, str, str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("allocateDialog")
        self.setWindowTitle(tr("Change lead professional"))
        text = (
            tr("Choose the new lead professional for the selected person.")
            if people == 1
            else tr("Choose the new lead professional for the {n} selected people.").format(
                n=people
            )
        )
        intro = QLabel(text)
        intro.setWordWrap(True)
        label = QLabel(tr("&Lead professional"))
        self.staff = QComboBox()
        self.staff.setObjectName("staffChoice")
        self.staff.setAccessibleName(tr("New lead professional"))
        for staff_id, name, role in staff:
            self.staff.addItem(f"{name} ({formatting.label(Role, role)})", staff_id)
        label.setBuddy(self.staff)
        self.note = QLabel(
            tr(
                "Their planned visits move with them. "
                "The change reaches colleagues at the next sync."
            )
        )
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(tr("Change lead professional"))
        ok.setObjectName("allocateOk")
        ok.setMinimumHeight(44)
        ok.setDefault(True)
        ok.setEnabled(bool(staff))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.error = QLabel()
        self.error.setObjectName("errorMessage")
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        for widget in (intro, label, self.staff, self.note, self.error, buttons):
            layout.addWidget(widget)
        self.staff.setFocus()

    def chosen(self) -> str | None:
        value = self.staff.currentData()
        return str(value) if value is not None else None

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
