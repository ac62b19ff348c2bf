"""The Conflicts dialog's work: list open conflicts on the task runner, and settle
one (keep a value, or a new one) with `app.services.record.conflicts.resolve`, also on
the runner. A resolution is a change like any other: it syncs, and every view
showing that person refreshes."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.services import changes
from app.services.changes import Change
from app.services.record import conflicts
from app.workspace import Workspace
from ui.kit.operations import Operations
from ui.sync.conflicts_dialog import ConflictsDialog

logger = logging.getLogger(__name__)

_EVERY_AREA = frozenset(
    {
        changes.TIMELINE,
        changes.VISITS,
        changes.CASELOAD,
        changes.HEADER,
        changes.ALERTS,
        changes.PLAN,
        changes.RISKS,
        changes.CONSENT,
    }
)


def _resolve(workspace: Workspace, key: str, value: Any, person_id: str | None) -> Change:
    conflicts.resolve(workspace, key, value)
    entity_id = key.split(":")[1] if key.count(":") >= 2 else None
    return Change("conflict_resolved", person_id=person_id, entity_id=entity_id, areas=_EVERY_AREA)


class ConflictsController(QObject):
    resolved = Signal()  # a conflict was settled: counts need re-reading

    def __init__(self, ops: Operations, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self.dialog: ConflictsDialog | None = None

    def open(self, parent: QWidget) -> ConflictsDialog | None:
        if not self._ops.unlocked:
            return None
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        dialog = ConflictsDialog(parent)
        dialog.keep_requested.connect(self._resolve)
        dialog.new_value_requested.connect(self._resolve)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        self.reload()
        dialog.open()
        return dialog

    def close(self) -> None:
        """On lock (the app closes every dialog too): forget it."""
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.reject()

    def reload(self) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        self._ops.read(
            conflicts.list_conflicts,
            on_done=lambda found: dialog.set_conflicts(found) if dialog is self.dialog else None,
            on_error=dialog.show_error,
        )

    def _resolve(self, key: str, value: object) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        chosen = dialog.selected()
        person_id = chosen.person_id if chosen is not None and chosen.key == key else None

        def done(_change: Change) -> None:
            if dialog is self.dialog:
                dialog.show_error("")
            self.resolved.emit()
            self.reload()

        self._ops.write(
            lambda ws: _resolve(ws, key, value, person_id),
            on_done=done,
            on_error=dialog.show_error,
        )
        dialog.show_error("")

    def _forget(self, dialog: ConflictsDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
