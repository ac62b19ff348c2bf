"""The one editing dialog open on the record page, and the draft of what is typed in it.

An `Editor` (ui/record/editors.py) says what to ask and how to save; this opens it as
a `FormDialog` with any draft put back (the cursor where the user was typing, after
the text), keeps what is typed as a draft in the encrypted store (debounced, and
straight away when the dialog closes unsaved), saves through the operations lane and
reports the Change. One at a time: opening another, or the record closing, closes
it first, keeping its draft.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPlainTextEdit, QWidget

from app.services.changes import Change
from app.services.record import drafts
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.forms import FormDialog
from ui.kit.operations import Operations
from ui.record.editors import Editor

logger = logging.getLogger(__name__)

DRAFT_DEBOUNCE_MS = 1_000
# Kept in a draft beside the fields: the field being typed in, to put the cursor back
# there (no field is called this; `FormDialog.set_values` passes over unknown names).
FOCUS_KEY = "_focus"


@dataclass(frozen=True)
class PendingDraft:
    key: str
    person_id: str
    values: dict[str, Any]
    # Set (on the worker) when a save of this very dialog went through: a lock that
    # came between Ctrl+S and its answer must not bring the saved text back as a draft.
    saved: dict[str, bool] | None = None

    @property
    def superseded(self) -> bool:
        return bool(self.saved and self.saved.get("saved"))


def _field_with_focus(dialog: FormDialog) -> str | None:
    focus = QApplication.focusWidget()
    if focus is None:
        return None
    for name, widget in dialog.widgets.items():
        if focus is widget or widget.isAncestorOf(focus):
            return name
    return None


def _focus_at_end(widget: QWidget) -> None:
    """The cursor after what is already there, so new typing follows the old text."""
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    if isinstance(widget, QPlainTextEdit):
        widget.moveCursor(QTextCursor.MoveOperation.End)
        widget.ensureCursorVisible()
    elif isinstance(widget, QLineEdit):
        widget.end(False)


class EditorDialog(QObject):
    opened = Signal(object)  # the FormDialog, once on screen
    saved = Signal(object)  # the Change its save made

    def __init__(self, ops: Operations, dialog_parent: QWidget, parent: QObject) -> None:
        super().__init__(parent)
        self._ops = ops
        self._dialog_parent = dialog_parent
        self._generation = 0  # each close: a dialog still waiting for its draft is dropped
        self.dialog: FormDialog | None = None
        self._editor: Editor | None = None
        self._dirty = False
        self._keep = False  # typed into (or restored) since it opened: worth a draft
        self._typing_in: str | None = None  # the field last typed in
        self._saving: dict[str, bool] | None = None  # the save in flight, if any
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DEBOUNCE_MS)
        self._draft_timer.timeout.connect(self._save_draft)

    def show(self, editor: Editor) -> None:
        """Look for a draft first (one quick read), then open the dialog with it."""
        self.close(keep_draft=True)
        generation = self._generation
        key = editor.draft_key
        self._ops.read(
            lambda ws: drafts.load_draft(ws, key=key),
            on_done=lambda draft: self._open(editor, draft, generation),
        )

    def memo(self) -> tuple[str, str | None] | None:
        """The open dialog's (editor kind, entity id), to reopen after a lock; None while
        it is being saved (if that fails, its draft waits for the next open)."""
        if self.dialog is None or self._saving is not None:
            return None
        return self.dialog.memo

    def _open(self, editor: Editor, draft: drafts.SavedDraft | None, generation: int) -> None:
        if generation != self._generation or self.dialog is not None:
            return
        dialog = FormDialog(
            editor.title,
            editor.fields,
            intro=editor.intro,
            submit_label=editor.submit_label,
            parent=self._dialog_parent,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setObjectName(f"dialog_{editor.kind}")
        dialog.memo = (editor.kind, editor.entity_id)
        dialog.draft_key = editor.draft_key
        dialog.person_id = editor.person_id
        dialog.set_values(editor.initial)
        self._keep = False
        if draft is not None:
            dialog.set_values(draft.values)
            dialog.show_restored(
                tr("Restored what you typed on {when} but had not saved.").format(
                    when=formatting.british_date_time(draft.updated_at)
                )
            )
            self._keep = True
        self.dialog, self._editor, self._dirty = dialog, editor, False
        self._saving = None
        dialog.submitted.connect(self._submit)
        dialog.edited.connect(self._edited)
        dialog.discard_draft_requested.connect(self._discard_draft)
        dialog.finished.connect(lambda _result, d=dialog: self._finished(d))
        dialog.open()
        for pane in dialog.widgets.values():
            if isinstance(pane, QPlainTextEdit):  # Tab into it: after the text, not before
                pane.moveCursor(QTextCursor.MoveOperation.End)
        typed_in = draft.values.get(FOCUS_KEY) if draft is not None else None
        focus = typed_in if typed_in in dialog.widgets else editor.focus
        self._typing_in = typed_in if typed_in in dialog.widgets else None
        if focus in dialog.widgets:
            _focus_at_end(dialog.field(focus))
        if editor.wire is not None:
            editor.wire(dialog)
        self.opened.emit(dialog)

    # -- the draft ----------------------------------------------------------------------

    @Slot()
    def _edited(self) -> None:
        if self.dialog is not None:
            self._typing_in = _field_with_focus(self.dialog) or self._typing_in
        self._dirty = True
        self._keep = True
        self._draft_timer.start()

    def pending_draft(self) -> PendingDraft | None:
        """What is typed and not saved, to keep through a lock (None: nothing worth it)."""
        dialog = self.dialog
        if dialog is None or not self._keep or not dialog.draft_key:
            return None
        values = dialog.values()
        if self._typing_in is not None:
            values[FOCUS_KEY] = self._typing_in
        return PendingDraft(dialog.draft_key, dialog.person_id or "", values, self._saving)

    @Slot()
    def _save_draft(self) -> None:
        self._draft_timer.stop()
        pending = self.pending_draft()
        if pending is None or not self._dirty:
            return
        self._dirty = False
        self._ops.write(
            lambda ws: drafts.save_draft(
                ws, key=pending.key, values=pending.values, person_id=pending.person_id
            )
        )

    @Slot()
    def _discard_draft(self) -> None:
        dialog, editor = self.dialog, self._editor
        if dialog is None or editor is None:
            return
        self._draft_timer.stop()
        self._dirty = False
        self._keep = False
        key = editor.draft_key
        self._ops.write(lambda ws: drafts.discard_draft(ws, key=key))
        dialog.reset(editor.initial)
        dialog.show_restored("")

    # -- saving -------------------------------------------------------------------------

    @Slot(dict)
    def _submit(self, values: dict[str, Any]) -> None:
        dialog, editor = self.dialog, self._editor
        if dialog is None or editor is None:
            return
        # Anything queued before this save runs first, and the save discards the draft;
        # nothing may be queued after it.
        self._draft_timer.stop()
        self._dirty = False
        dialog.set_busy(True)
        key = editor.draft_key
        saving = self._saving = {"saved": False}

        def save(ws: Workspace) -> Change:
            change = editor.save(ws, dict(values), key)
            saving["saved"] = True  # on the worker, before anything queued after it runs
            return change

        self._ops.write(
            save,
            on_done=lambda change: self._saved(dialog, change),
            on_error=lambda message: self._refused(dialog, message),
        )

    def _saved(self, dialog: FormDialog, change: Change) -> None:
        if dialog is self.dialog:
            self._keep = False
            self.close(keep_draft=False)
        self.saved.emit(change)

    def _refused(self, dialog: FormDialog, message: str) -> None:
        if dialog is self.dialog:
            dialog.set_busy(False)
            dialog.show_error(message)
            self._dirty = True  # still unsaved: keep it as a draft
            self._draft_timer.start()

    # -- closing ------------------------------------------------------------------------

    def _finished(self, dialog: FormDialog) -> None:
        if dialog is not self.dialog:
            return
        # Closed by the user (Esc, Close): keep what was typed as a draft.
        if self._dirty:
            self._save_draft()
        self.dialog, self._editor = None, None

    def close(self, *, keep_draft: bool) -> None:
        self._generation += 1
        dialog = self.dialog
        if dialog is None:
            return
        if keep_draft and self._dirty:
            self._save_draft()
        self._draft_timer.stop()
        self._dirty = False
        self.dialog, self._editor = None, None
        dialog.blockSignals(True)
        dialog.close()
        # Empty it and cut it loose now: deleteLater waits for the event loop, and
        # until then its labels and fields would still hang off the main window.
        for line in dialog.findChildren(QLineEdit):
            line.clear()
        for pane in dialog.findChildren(QPlainTextEdit):
            pane.clear()
        for label in dialog.findChildren(QLabel):
            label.clear()
        dialog.setParent(None)
        dialog.deleteLater()
