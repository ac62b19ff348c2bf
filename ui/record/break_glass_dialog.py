"""Break-glass: the question asked before opening a record outside the user's
caseload. A clear warning that it is audited and reported, a reason in the
user's words, and how long access lasts. Layout and the reason check only; the
grant is written by `app.services.need_to_know.break_glass` on the task runner."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from app.errors import InvalidInputError
from app.services.need_to_know.access_policy import REASON_MAX, check_reason
from ui.i18n import tr
from ui.kit.widgets import button, esc


class BreakGlassDialog(QDialog):
    """Emits `confirmed(reason)` with a reason that passes the policy's check."""

    confirmed = Signal(str)

    def __init__(self, who: str, hours_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("breakGlassDialog")
        self.setWindowTitle(tr("Open a record outside your caseload"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        heading = QLabel(tr("{who} is not on your or your team's caseload").format(who=who))
        heading.setObjectName("dialogHeading")
        heading.setWordWrap(True)
        self.warning = QLabel(
            "<p><b>"
            + esc(tr("Only open this record if you need it now to care for this person."))
            + "</b></p><p>"
            + esc(
                tr(
                    "This is break-glass access. Your name, the time and your reason are "
                    "recorded in the audit log and reported to your coordinator and the "
                    "information governance lead. Access ends after {hours}."
                ).format(hours=hours_text)
            )
            + "</p>"
        )
        self.warning.setObjectName("breakGlassWarning")
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.RichText)
        label = QLabel(tr("Why do you need this record now?"))
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("breakGlassReason")
        self.reason.setAccessibleName(tr("Reason for break-glass access"))
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(90)
        label.setBuddy(self.reason)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.open_button = button("Open record (audited)", name="breakGlassOpen", primary=True)
        self.cancel_button = button("Cancel", name="breakGlassCancel")
        self.cancel_button.setMinimumHeight(self.open_button.minimumHeight())
        self.open_button.clicked.connect(self._confirm)
        self.cancel_button.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        for widget in (heading, self.warning, label, self.error, self.reason):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)
        self.reason.setFocus()

    def _confirm(self) -> None:
        try:
            reason = check_reason(self.reason.toPlainText()[: REASON_MAX + 1])
        except InvalidInputError as err:
            self.show_error(str(err))
            return
        self.open_button.setEnabled(False)
        self.confirmed.emit(reason)

    def show_error(self, message: str) -> None:
        """A refusal (from the check or the service): shown in the dialog, which stays open."""
        self.error.setText(message)
        self.error.setAccessibleName(message)
        self.error.setVisible(True)
        self.open_button.setEnabled(True)
        self.reason.setFocus()
