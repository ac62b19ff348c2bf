"""Choose the new lead professional for the selected people. Layout only.

It names who is being moved and who leads each of them now, and chooses nobody
for the user: the save button waits until a lead is picked, so Enter straight
after opening moves no one, and picking someone's current lead again is refused
in one line. From the Team view: Ctrl+Shift+L on the selected row, type the
first letters of the new lead, Enter (three actions).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.services.caseload.allocation import Moving
from app.values.vocab import Role
from ui.i18n import tr
from ui.kit import formatting

logger = logging.getLogger(__name__)

NAMES_SHOWN = 6  # past this many, "and 12 more"


def name_list(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C', or the first few 'and N more'."""
    shown = list(names[:NAMES_SHOWN])
    more = len(names) - len(shown)
    if more:
        return tr("{names} and {n} more").format(names=", ".join(shown), n=f"{more:,}")
    if len(shown) <= 1:
        return "".join(shown)
    return tr("{names} and {last}").format(names=", ".join(shown[:-1]), last=shown[-1])


def describe_moving(moving: Sequence[Moving]) -> list[str]:
    """Plain lines: who is moving and who leads each of them now."""
    if len(moving) == 1:
        one = moving[0]
        if one.lead is None:
            return [tr("{name} has no lead professional yet.").format(name=one.name)]
        return [
            tr("{name}'s lead professional is currently {lead}.").format(
                name=one.name, lead=one.lead
            )
        ]
    lines = [
        tr("{n} people: {names}.").format(
            n=f"{len(moving):,}", names=name_list([m.name for m in moving])
        )
    ]
    by_lead: dict[str | None, list[str]] = {}
    for m in moving:
        by_lead.setdefault(m.lead, []).append(m.name)
    for lead, names in by_lead.items():
        if lead is None:
            lines.append(tr("No lead professional yet: {names}.").format(names=name_list(names)))
        else:
            lines.append(
                tr("Currently led by {lead}: {names}.").format(lead=lead, names=name_list(names))
            )
    return lines


class AllocateDialog(QDialog):
    def __init__(
        self,
        moving: Sequence[Moving],
        staff: list[tuple[str, str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("allocateDialog")
        self.setWindowTitle(tr("Change lead professional"))
        self.moving = list(moving)
        self._names = {staff_id: name for staff_id, name, _role in staff}
        self.people = QLabel("\n".join(describe_moving(self.moving)))
        self.people.setObjectName("movingPeople")
        self.people.setTextFormat(Qt.TextFormat.PlainText)  # names are text, never markup
        self.people.setWordWrap(True)
        label = QLabel(tr("&New lead professional"))
        self.staff = QComboBox()
        self.staff.setObjectName("staffChoice")
        self.staff.setAccessibleName(tr("New lead professional"))
        for staff_id, name, role in staff:
            self.staff.addItem(f"{name} ({formatting.label(Role, role)})", staff_id)
        self.staff.setPlaceholderText(tr("Type a name or choose…"))
        self.staff.setCurrentIndex(-1)  # nobody chosen for the user
        label.setBuddy(self.staff)
        self.note = QLabel(
            tr(
                "Their planned visits move with them. "
                "The change reaches colleagues at the next sync."
            )
        )
        self.note.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("errorMessage")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(tr("Change lead professional"))
        self.ok.setObjectName("allocateOk")
        self.ok.setMinimumHeight(44)
        self.ok.setDefault(True)  # disabled until a lead is chosen: Enter does nothing
        self.ok.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.people, label, self.staff, self.note, self.error, buttons):
            layout.addWidget(widget)
        self.staff.currentIndexChanged.connect(lambda _i: self._check())
        self.staff.setFocus()

    def chosen(self) -> str | None:
        value = self.staff.currentData()
        return str(value) if value is not None else None

    def chosen_name(self) -> str:
        return self._names.get(self.chosen() or "", "")

    def _refusal(self) -> str:
        """Why the chosen lead cannot be saved ('' when it can)."""
        chosen = self.chosen()
        if chosen is None:
            return ""
        already = [m.name for m in self.moving if m.lead_id == chosen]
        if not already or len(already) < len(self.moving):
            return ""
        lead = self.chosen_name()
        if len(already) == 1:
            return tr("{lead} already leads {name}: choose someone else.").format(
                lead=lead, name=already[0]
            )
        return tr("{lead} already leads all {n} of them: choose someone else.").format(
            lead=lead, n=f"{len(already):,}"
        )

    def _check(self) -> None:
        refusal = self._refusal()
        self.show_error(refusal)
        chosen = self.chosen()
        self.ok.setEnabled(chosen is not None and not refusal)
        staying = [m.name for m in self.moving if chosen is not None and m.lead_id == chosen]
        if staying and not refusal:
            self.note.setText(
                tr("Already led by {lead}, so left as they are: {names}.").format(
                    lead=self.chosen_name(), names=name_list(staying)
                )
                + " "
                + tr("Planned visits move with the others.")
            )
        else:
            self.note.setText(
                tr(
                    "Their planned visits move with them. "
                    "The change reaches colleagues at the next sync."
                )
            )

    def accept(self) -> None:
        if self.chosen() is None or self._refusal():
            return  # nothing chosen, or no one would move: never a wrong or empty change
        super().accept()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
