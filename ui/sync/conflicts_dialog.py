"""Conflicts to resolve: two people changed the same thing on different laptops.
Layout only: the list of open conflicts, and for the selected one both values
with who wrote them, their organisation and when, a "Keep this" button for each,
and a line to write a new value instead. `ConflictsController` does the work."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.record.conflicts import Conflict, ConflictValue
from ui.i18n import tr
from ui.kit.formatting import british_date_time, level_of_need_label
from ui.kit.widgets import PRIMARY_BUTTON_HEIGHT, button, clear_layout_widgets, heading

logger = logging.getLogger(__name__)


def field_label(field: str) -> str:
    return tr(field.replace("_", " ").capitalize())


def shown_value(field: str, value: Any) -> str:
    if value is None or value == "":
        return tr("(empty)")
    if field == "level_of_need" and isinstance(value, str):
        return level_of_need_label(value)
    return str(value)


def written_by(value: ConflictValue) -> str:
    return tr("{author}, {organisation}, {when}").format(
        author=value.author,
        organisation=value.organisation,
        when=british_date_time(value.recorded),
    )


class ConflictsDialog(QDialog):
    keep_requested = Signal(str, object)  # conflict key, the value to keep
    new_value_requested = Signal(str, str)  # conflict key, the value typed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictsDialog")
        self.setWindowTitle(tr("Conflicts to resolve"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(860, 560)
        self._conflicts: list[Conflict] = []
        self._keep_buttons: list[QPushButton] = []

        intro = QLabel(
            tr(
                "Two people changed the same thing on different laptops. Both values are "
                "kept until you choose one, or write a new one."
            )
        )
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        intro.setAccessibleName(tr("About conflicts"))

        self.list = QListWidget()
        self.list.setObjectName("conflictList")
        self.list.setAccessibleName(tr("Open conflicts"))
        self.list.currentRowChanged.connect(self._select)
        self.list.setMinimumWidth(260)

        self.detail_heading = QLabel()
        self.detail_heading.setObjectName("subHeading")
        self.detail_heading.setWordWrap(True)
        self.values_box = QWidget()
        self.values_box.setObjectName("conflictValues")
        self.values_layout = QVBoxLayout(self.values_box)
        self.values_layout.setContentsMargins(0, 0, 0, 0)

        new_label = QLabel(tr("Write a new value"))
        self.new_value = QLineEdit()
        self.new_value.setObjectName("newConflictValue")
        self.new_value.setAccessibleName(tr("Write a new value"))
        new_label.setBuddy(self.new_value)
        self.save_new = button(
            "Save new value", name="saveNewValueButton", primary=True, tip="Keep what you typed"
        )
        self.save_new.clicked.connect(self._save_new)
        self.new_value.returnPressed.connect(self._save_new)
        new_row = QHBoxLayout()
        new_row.addWidget(self.new_value, 1)
        new_row.addWidget(self.save_new)

        self.message = QLabel()
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(tr("Message"))
        self.message.hide()

        self.close_button = button("Close", name="closeConflictsButton")
        self.close_button.setMinimumHeight(PRIMARY_BUTTON_HEIGHT)
        self.close_button.clicked.connect(self.reject)

        self.detail = QFrame()
        self.detail.setObjectName("conflictDetail")
        detail_layout = QVBoxLayout(self.detail)
        detail_layout.addWidget(self.detail_heading)
        detail_layout.addWidget(self.values_box)
        detail_layout.addWidget(new_label)
        detail_layout.addLayout(new_row)
        detail_layout.addStretch(1)

        self.empty = QLabel(tr("There are no conflicts to resolve."))
        self.empty.setObjectName("hint")
        self.empty.setAccessibleName(tr("There are no conflicts to resolve."))
        self.empty.hide()

        body = QHBoxLayout()
        body.addWidget(self.list)
        body.addWidget(self.detail, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Conflicts to resolve"))
        layout.addWidget(intro)
        layout.addWidget(self.empty)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)
        footer = QHBoxLayout()
        footer.addStretch(1)
        footer.addWidget(self.close_button)
        layout.addLayout(footer)

    # -- what the controller sets -------------------------------------------------------

    @property
    def conflicts(self) -> list[Conflict]:
        return list(self._conflicts)

    def selected(self) -> Conflict | None:
        row = self.list.currentRow()
        return self._conflicts[row] if 0 <= row < len(self._conflicts) else None

    def set_conflicts(self, conflicts: list[Conflict]) -> None:
        previous = self.selected()
        self._conflicts = list(conflicts)
        self.list.blockSignals(True)
        self.list.clear()
        for conflict in conflicts:
            text = tr("{person}: {field}").format(
                person=conflict.person_name, field=field_label(conflict.field)
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
            self.list.addItem(item)
        self.list.blockSignals(False)
        keys = [c.key for c in conflicts]
        row = keys.index(previous.key) if previous is not None and previous.key in keys else 0
        has_any = bool(conflicts)
        self.empty.setVisible(not has_any)
        self.list.setVisible(has_any)
        self.detail.setVisible(has_any)
        if has_any:
            self.list.setCurrentRow(row)
            self._select(row)

    def show_error(self, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(bool(message))

    # -- inside -------------------------------------------------------------------------

    def _select(self, row: int) -> None:
        clear_layout_widgets(self.values_box)
        self._keep_buttons = []
        self.new_value.clear()
        self.show_error("")
        conflict = self.selected()
        if conflict is None:
            self.detail_heading.clear()
            return
        self.detail_heading.setText(
            tr("{field} for {person}").format(
                field=field_label(conflict.field), person=conflict.person_name
            )
        )
        for index, value in enumerate(conflict.values):
            self.values_layout.addWidget(self._value_box(conflict, index, value))

    def _value_box(self, conflict: Conflict, index: int, value: ConflictValue) -> QFrame:
        box = QFrame()
        box.setObjectName("conflictValue")
        shown = value.withheld or shown_value(conflict.field, value.value)
        what = QLabel(shown)
        what.setObjectName("conflictValueText")
        what.setWordWrap(True)
        what.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        who = QLabel(written_by(value))
        who.setObjectName("hint")
        who.setWordWrap(True)
        keep = button("Keep this", name=f"keepValueButton{index}", primary=True)
        keep.setAccessibleName(
            tr("Keep this: {value}, from {author}").format(value=shown, author=value.author)
        )
        keep.clicked.connect(lambda: self.keep_requested.emit(conflict.key, value.value))
        keep.setEnabled(value.withheld is None)  # a withheld value can never be kept
        self._keep_buttons.append(keep)
        texts = QVBoxLayout()
        texts.addWidget(what)
        texts.addWidget(who)
        row = QHBoxLayout(box)
        row.addLayout(texts, 1)
        row.addWidget(keep)
        return box

    def _save_new(self) -> None:
        conflict = self.selected()
        text = self.new_value.text().strip()
        if conflict is None:
            return
        if not text:
            self.show_error(tr("Write the new value first, or keep one of the values above."))
            self.new_value.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.new_value_requested.emit(conflict.key, text)

    def keep_buttons(self) -> list[QPushButton]:
        """The "Keep this" buttons for the selected conflict, in the order of its values."""
        return list(self._keep_buttons)
