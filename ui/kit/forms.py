"""Dialogs made of fields: layout only, GOV.UK style (label, hint, field, one per row).

A `FormDialog` is built from `Field` specs. It knows nothing about the record:
`values()` gives what is typed as plain JSON-ready data (which is also what a
draft keeps), `set_values()` puts it back, `submitted` asks a controller to
save, and `show_error()` shows the controller's plain sentence at the top.
Ctrl+S saves, Esc closes; closing keeps the draft, so nothing typed is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDateTime, QSize, Qt, QTimeZone, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services import clock
from ui.i18n import tr
from ui.kit import formatting

logger = logging.getLogger(__name__)

PRIMARY_BUTTON_HEIGHT = 44
DATE_TIME_FORMAT = "d MMM yyyy HH:mm"
_LONDON = QTimeZone(b"Europe/London")


@dataclass(frozen=True)
class Field:
    """One question. `kind`: line, text, choice, number, date, datetime, check,
    checklist (several choices ticked), or when (an optional date and time)."""

    name: str
    label: str
    kind: str = "line"
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (value, label shown)
    optional: bool = False
    minimum: int = 0
    maximum: int = 10
    none_text: str = ""  # a number's "not recorded" (shown at minimum - 1)
    lines: int = 4  # a text field's height in lines
    beside: bool = False  # on the same line as the field before it
    rows: int = 5  # a checklist's height in rows (more scroll)
    # A choice's own hint for each value (value, hint): shown under it as it changes.
    hints: tuple[tuple[str, str], ...] = ()


def to_qdatetime(value: datetime) -> QDateTime:
    """An aware datetime as a QDateTime on England's wall clock."""
    return QDateTime.fromMSecsSinceEpoch(round(value.timestamp() * 1000), _LONDON)


def from_qdatetime(value: QDateTime) -> datetime:
    """A picked time as an aware UTC datetime (whole minutes)."""
    moment = datetime.fromtimestamp(value.toMSecsSinceEpoch() / 1000, tz=UTC)
    return moment.replace(second=0, microsecond=0)


class DateTimeEdit(QDateTimeEdit):
    """A date and time picker that Tab leaves in one press. (QDateTimeEdit's own Tab
    walks day, month, year, hour, minute first: five presses to get past it. The
    arrow keys still move between and change those parts.)"""

    def __init__(self) -> None:
        super().__init__()
        self.setDisplayFormat(DATE_TIME_FORMAT)
        self.setCalendarPopup(True)
        self.setTimeZone(_LONDON)

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)


FORM_WIDTH = 720
FORM_SHORTEST, FORM_TALLEST = 420, 900


class FormDialog(QDialog):
    submitted = Signal(dict)  # values() when the user asks to save
    edited = Signal()  # anything typed or picked (drafts listen)
    discard_draft_requested = Signal()

    def __init__(
        self,
        title: str,
        fields: Sequence[Field],
        *,
        intro: str = "",
        submit_label: str = "Save",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("formDialog")
        self.setWindowTitle(tr(title))
        self.setModal(False)  # window-modal via open(); never a nested event loop
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._fields = {field.name: field for field in fields}
        self.widgets: dict[str, QWidget] = {}
        self.draft_key: str | None = None
        self.person_id: str | None = None
        self.memo: tuple[str, str | None] = ("", None)  # (kind, entity id): how to reopen it
        self._filling = False

        heading = QLabel(tr(title))
        heading.setObjectName("dialogHeading")
        heading.setWordWrap(True)
        self.intro = QLabel(intro)
        self.intro.setObjectName("hint")
        self.intro.setWordWrap(True)
        self.intro.setVisible(bool(intro))

        self.error = QLabel()
        self.error.setObjectName("errorMessage")
        self.error.setWordWrap(True)
        self.error.setAccessibleName(tr("There is a problem"))
        self.error.hide()

        self.draft_bar = QFrame()
        self.draft_bar.setObjectName("draftBar")
        self.draft_text = QLabel()
        self.draft_text.setWordWrap(True)
        self.discard_button = QPushButton(tr("Discard unsaved changes"))
        self.discard_button.setObjectName("discardDraft")
        self.discard_button.setAccessibleName(tr("Discard unsaved changes"))
        self.discard_button.clicked.connect(self._ask_discard)
        self.discard_question: QMessageBox | None = None
        draft_row = QHBoxLayout(self.draft_bar)
        draft_row.setContentsMargins(12, 8, 12, 8)
        draft_row.addWidget(self.draft_text, 1)
        draft_row.addWidget(self.discard_button)
        self.draft_bar.hide()

        body = QWidget()
        body.setObjectName("formBody")
        form = QVBoxLayout(body)
        form.setContentsMargins(0, 0, 8, 0)
        form.setSpacing(6)
        row: QHBoxLayout | None = None
        for field in fields:
            # Each field is a cell (label, hint, widget); a field `beside` the one before
            # shares its line, so a long form such as the visit note fits a laptop screen.
            cell = QVBoxLayout()
            cell.setSpacing(6)
            self._add_field(cell, field)
            if field.kind != "text":
                cell.addStretch(1)
            if not field.beside or row is None:
                row = QHBoxLayout()
                row.setSpacing(16)
                form.addLayout(row)
            row.addLayout(cell, 1)
            if field.kind == "text":
                form.setStretchFactor(row, 1)
        if not any(f.kind == "text" for f in fields):
            form.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("formScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields inside
        scroll.setWidget(body)

        self.cancel_button = QPushButton(tr("Close"))
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setAccessibleName(tr("Close without saving"))
        self.cancel_button.setToolTip(tr("Close (Esc). Anything typed is kept as a draft."))
        self.save_button = QPushButton(tr(submit_label))
        self.save_button.setObjectName("saveButton")
        self.save_button.setProperty("primary", True)
        self.save_button.setMinimumHeight(PRIMARY_BUTTON_HEIGHT)
        self.save_button.setAccessibleName(tr(submit_label))
        self.save_button.setToolTip(tr("{label} (Ctrl+S)").format(label=tr(submit_label)))
        self.save_button.setAutoDefault(False)
        self.cancel_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(self.intro)
        layout.addWidget(self.error)
        layout.addWidget(self.draft_bar)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        # As tall as its fields (up to FORM_TALLEST); ui/kit/window_fit shrinks it to a
        # short screen, where the fields scroll and the buttons stay in view.
        chrome = layout.sizeHint().height() - scroll.sizeHint().height()
        wanted = chrome + body.sizeHint().height() + 12
        self.resize(FORM_WIDTH, max(FORM_SHORTEST, min(FORM_TALLEST, wanted)))

        self.save_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.setContext(Qt.ShortcutContext.WindowShortcut)
        save.activated.connect(self.submit)

    # -- building -----------------------------------------------------------------------

    def _add_field(self, form: QVBoxLayout, field: Field) -> None:
        text = tr(field.label) + (tr(" (optional)") if field.optional else "")
        label = QLabel(text)
        label.setObjectName("fieldLabel")
        label.setWordWrap(True)
        widget = self._make_widget(field)
        widget.setObjectName(f"field_{field.name}")
        widget.setProperty("kind", field.kind)  # the stylesheet styles by kind
        widget.setAccessibleName(tr(field.label))
        if field.hint:
            widget.setAccessibleDescription(tr(field.hint))
        form.addSpacing(6)
        if field.kind not in ("check", "when"):  # their tick box says it already
            label.setBuddy(widget)
            form.addWidget(label)
        if field.hint:
            hint = QLabel(tr(field.hint))
            hint.setObjectName("hint")
            hint.setWordWrap(True)
            form.addWidget(hint)
        if isinstance(widget, DateTimeEdit):
            # "Today", "3 days ago" beside the picker: a changed date cannot go unseen.
            line = QHBoxLayout()
            line.addWidget(widget, 1)
            line.addWidget(self._how_long_ago(widget))
            form.addLayout(line)
        else:
            form.addWidget(widget, 1 if field.kind == "text" else 0)
        if field.hints and isinstance(widget, QComboBox):
            form.addWidget(self._choice_hint(widget, dict(field.hints)))
        self.widgets[field.name] = widget

    def _how_long_ago(self, picker: DateTimeEdit) -> QLabel:
        """ "Today", "3 days ago"... under a date and time, so a changed date shows."""
        shown = QLabel()
        shown.setObjectName("whenFromToday")

        def show(_value: object = None) -> None:
            text = formatting.days_from_today(from_qdatetime(picker.dateTime()), clock.today())
            shown.setText(text)
            # Not today: said in the warning style (in words too, never colour alone).
            shown.setProperty("warning", text != tr("Today"))
            shown.style().unpolish(shown)
            shown.style().polish(shown)
            picker.setAccessibleDescription(text)

        picker.dateTimeChanged.connect(show)
        show()
        return shown

    def _choice_hint(self, combo: QComboBox, hints: dict[str, str]) -> QLabel:
        """What to think about for the value chosen (below the choice, as it changes)."""
        hint = QLabel()
        hint.setObjectName("hint")
        hint.setWordWrap(True)

        def show(_index: int = 0) -> None:
            text = hints.get(str(combo.currentData() or ""), "")
            hint.setText(tr(text))
            hint.setVisible(bool(text))
            combo.setAccessibleDescription(tr(text))

        combo.currentIndexChanged.connect(show)
        show()
        return hint

    def _make_widget(self, field: Field) -> QWidget:
        match field.kind:
            case "text":
                edit = _TextEdit()
                edit.setTabChangesFocus(True)  # Tab moves on; Enter makes a new line
                edit.setMinimumHeight(field.lines * edit.fontMetrics().lineSpacing() + 24)
                # Taller when the dialog has room (the form's spare height goes here).
                edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
                edit.textChanged.connect(self._changed)
                return edit
            case "choice":
                combo = QComboBox()
                # As wide as the form allows, not as its longest choice (the list opens
                # wider): two choices can then share a line on a laptop screen.
                combo.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
                )
                combo.setMinimumContentsLength(12)
                for value, shown in field.choices:
                    combo.addItem(tr(shown), value)
                combo.currentIndexChanged.connect(self._changed)
                return combo
            case "number":
                spin = QSpinBox()
                low = field.minimum - 1 if field.none_text else field.minimum
                spin.setRange(low, field.maximum)
                if field.none_text:
                    spin.setSpecialValueText(tr(field.none_text))
                spin.valueChanged.connect(self._changed)
                return spin
            case "datetime":
                picker = DateTimeEdit()
                picker.dateTimeChanged.connect(self._changed)
                return picker
            case "when":
                return _OptionalWhen(field, self._changed)
            case "check":
                box = QCheckBox(tr(field.label))
                box.toggled.connect(self._changed)
                return box
            case "checklist":
                listing = QListWidget()
                for value, shown in field.choices:
                    item = QListWidgetItem(tr(shown))
                    item.setData(Qt.ItemDataRole.UserRole, value)
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Unchecked)
                    listing.addItem(item)
                rows = max(1, min(len(field.choices), field.rows))
                listing.setMaximumHeight(rows * (listing.fontMetrics().lineSpacing() + 16) + 8)
                listing.itemChanged.connect(self._changed)
                return listing
            case _:  # line, date
                line = QLineEdit()
                if field.kind == "date":
                    line.setPlaceholderText(tr("For example, 22 Nov 2026"))
                    line.setMaximumWidth(260)
                line.textChanged.connect(self._changed)
                return line

    def _changed(self, *_args: object) -> None:
        if not self._filling:
            self.edited.emit()

    # -- values -------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """Everything typed, JSON-ready (a date and time as ISO text in UTC)."""
        out: dict[str, Any] = {}
        for name, widget in self.widgets.items():
            out[name] = _read(widget)
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        """Fill the fields (without counting as an edit)."""
        self._filling = True
        try:
            for name, value in values.items():
                widget = self.widgets.get(name)
                if widget is not None and value is not None:
                    _write(widget, value)
        finally:
            self._filling = False

    def reset(self, values: dict[str, Any]) -> None:
        """Every field back to blank, then `values` (the dialog's starting point)."""
        self._filling = True
        try:
            for widget in self.widgets.values():
                _blank(widget)
        finally:
            self._filling = False
        self.set_values(values)

    def field(self, name: str) -> QWidget:
        return self.widgets[name]

    # -- what the controller drives -----------------------------------------------------

    def submit(self) -> None:
        if self.save_button.isEnabled():
            self.show_error("")
            self.submitted.emit(self.values())

    def set_busy(self, busy: bool) -> None:
        self.save_button.setEnabled(not busy)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        if message:
            self.error.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_restored(self, text: str) -> None:
        self.draft_text.setText(text)
        self.draft_bar.setVisible(bool(text))

    def _ask_discard(self) -> None:
        """'Discard unsaved changes' asks first; Keep is the default (Enter, Esc)."""
        if self.discard_question is not None:
            return
        box = QMessageBox(self)
        box.setObjectName("discardQuestion")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(tr("Discard unsaved changes"))
        box.setText(tr("Discard what you typed? This cannot be undone."))
        discard = box.addButton(tr("Discard"), QMessageBox.ButtonRole.DestructiveRole)
        discard.setObjectName("discardConfirm")
        keep = box.addButton(tr("Keep"), QMessageBox.ButtonRole.RejectRole)
        keep.setObjectName("discardKeep")
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.discard_question = box

        def answered(_result: int) -> None:
            self.discard_question = None
            if box.clickedButton() is discard:
                self.discard_draft_requested.emit()

        box.finished.connect(answered)
        box.open()
        keep.setFocus(Qt.FocusReason.OtherFocusReason)


class _TextEdit(QPlainTextEdit):
    """A text field whose preferred height is its least (its `lines`): the form's
    scroll area lays out at preferred heights, so a taller wish would push the fields
    below it out of view on a laptop. Spare height still comes to it (Expanding)."""

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.minimumHeight())


class _OptionalWhen(QWidget):
    """'Plan the next visit' ticked, then a date and time (default: a week on)."""

    def __init__(self, field: Field, changed: Any) -> None:
        super().__init__()
        self.check = QCheckBox(tr(field.label))
        self.check.setObjectName(f"field_{field.name}_on")
        self.check.setAccessibleName(tr(field.label))
        self.picker = DateTimeEdit()
        self.picker.setObjectName(f"field_{field.name}_at")
        self.picker.setAccessibleName(tr("Date and time: {label}").format(label=tr(field.label)))
        self.picker.setDateTime(to_qdatetime(clock.at_local(clock.today() + timedelta(days=7), 10)))
        self.picker.setEnabled(False)
        self.check.toggled.connect(self.picker.setEnabled)
        self.check.toggled.connect(changed)
        self.picker.dateTimeChanged.connect(changed)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.check)
        row.addWidget(self.picker)
        row.addStretch(1)
        self.setFocusProxy(self.check)


def _read(widget: QWidget) -> Any:
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QSpinBox):
        value = widget.value()
        return None if widget.specialValueText() and value == widget.minimum() else value
    if isinstance(widget, QDateTimeEdit):
        return from_qdatetime(widget.dateTime()).isoformat()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QListWidget):
        return [
            widget.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked
        ]
    if isinstance(widget, _OptionalWhen):
        if not widget.check.isChecked():
            return None
        return from_qdatetime(widget.picker.dateTime()).isoformat()
    raise TypeError(type(widget).__name__)


def _write(widget: QWidget, value: Any) -> None:
    if isinstance(widget, QPlainTextEdit):
        widget.setPlainText(str(value))
    elif isinstance(widget, QLineEdit):
        widget.setText(str(value))
    elif isinstance(widget, QComboBox):
        index = widget.findData(value)
        if index >= 0:
            widget.setCurrentIndex(index)
    elif isinstance(widget, QSpinBox):
        widget.setValue(int(value))
    elif isinstance(widget, QDateTimeEdit):
        widget.setDateTime(to_qdatetime(_as_datetime(value)))
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QListWidget):
        wanted = set(value)
        for i in range(widget.count()):
            item = widget.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
    elif isinstance(widget, _OptionalWhen):
        widget.check.setChecked(True)
        widget.picker.setDateTime(to_qdatetime(_as_datetime(value)))


def _blank(widget: QWidget) -> None:
    if isinstance(widget, QPlainTextEdit | QLineEdit):
        widget.clear()
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(0)
    elif isinstance(widget, QSpinBox):
        widget.setValue(widget.minimum())
    elif isinstance(widget, QCheckBox):
        widget.setChecked(False)
    elif isinstance(widget, QListWidget):
        for i in range(widget.count()):
            widget.item(i).setCheckState(Qt.CheckState.Unchecked)
    elif isinstance(widget, _OptionalWhen):
        widget.check.setChecked(False)


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_when(value: Any) -> datetime | None:
    """A `values()` date and time back to an aware datetime (None stays None)."""
    return None if value in (None, "") else _as_datetime(value)
