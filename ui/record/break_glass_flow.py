"""Opening a record outside the user's caseload: the refusal, the break-glass
question, the grant on the database lane (through the server, for someone beyond
the team, on the network lane), then the record opens with its banner.

The record controller hands over here when opening is refused with
AccessDeniedError; no widget touches a session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.services.need_to_know import break_glass
from app.store_step import StoreStep
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit.operations import Operations
from ui.record.break_glass_dialog import BreakGlassDialog

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refused:
    """Opening was refused: the plain reason, and what the question needs."""

    person_id: str
    message: str
    who: str
    may_break_glass: bool
    length: timedelta


def refusal(ws: Workspace, person_id: str, message: str) -> Refused:
    """Runs on the worker, after open_record raised AccessDeniedError."""
    return Refused(
        person_id,
        message,
        break_glass.who(ws, person_id),
        break_glass.may_ask(ws),
        break_glass.grant_length(ws),
    )


def length_text(length: timedelta) -> str:
    minutes = int(length.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return tr("1 hour") if hours == 1 else tr("{n} hours").format(n=hours)
    return tr("{n} minutes").format(n=minutes)


class BreakGlassFlow(QObject):
    asked = Signal(object)  # the BreakGlassDialog, for tests and screenshots

    def __init__(self, ops: Operations, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._ops = ops
        self._parent = parent_widget
        self.dialog: BreakGlassDialog | None = None

    def ask(
        self,
        refused: Refused,
        on_granted: Callable[[str], None],
        grant: Callable[[Workspace, str, str], object] | None = None,
        *,
        grant_online: Callable[[Workspace, StoreStep, str, str], object] | None = None,
    ) -> None:
        """Show the question; on a good reason write the grant (`grant(ws, person_id,
        reason)` on the database lane, by default on this laptop; for someone beyond
        the team, `grant_online(ws, on_store, person_id, reason)` through the server,
        on the network lane), then `on_granted(person_id)`."""
        write = grant or break_glass.break_glass
        self.close()
        if not refused.may_break_glass:
            return
        dialog = BreakGlassDialog(refused.who, length_text(refused.length), self._parent)
        person_id = refused.person_id

        def granted(_: object) -> None:
            if self.dialog is dialog:
                self.dialog = None
            dialog.accept()
            on_granted(person_id)

        def confirmed(reason: str) -> None:
            if grant_online is not None:
                self._ops.network(
                    lambda ws, on_store: grant_online(ws, on_store, person_id, reason),
                    on_done=granted,
                    on_error=dialog.show_error,
                )
            else:
                self._ops.read(
                    lambda ws: write(ws, person_id, reason),
                    on_done=granted,
                    on_error=dialog.show_error,
                )

        dialog.confirmed.connect(confirmed)
        dialog.rejected.connect(lambda: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        self.asked.emit(dialog)

    def _forget(self, dialog: BreakGlassDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def close(self) -> None:
        """On lock or when another record opens: the question goes, nothing is granted."""
        if self.dialog is not None:
            dialog, self.dialog = self.dialog, None
            dialog.reject()
