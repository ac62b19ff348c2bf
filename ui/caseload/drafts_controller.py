"""Tells the user, after unlocking, that drafts are waiting (after a crash, a lock
or a form closed unsaved), and keeps that line current as drafts come and go.

The drafts are read on the database lane (`drafts.waiting_drafts`); the notice
gets plain values. Nothing about them is logged.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.services.changes import Change
from app.services.record import drafts
from app.services.record.drafts import WaitingDraft
from ui.caseload.drafts_notice import DraftsNotice, describe
from ui.i18n import tr
from ui.kit.operations import Operations

logger = logging.getLogger(__name__)

REFRESH_MS = 300  # typing saves a draft every second or so: one read after a burst


class DraftsController(QObject):
    open_requested = Signal(object)  # the WaitingDraft to reopen
    announce = Signal(str)  # once per unlock, for the status bar

    def __init__(self, ops: Operations, notice: DraftsNotice, parent: QObject | None = None):
        super().__init__(parent)
        self._ops = ops
        self._notice = notice
        self._announce = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        notice.open_requested.connect(self.open_requested)
        ops.changed.connect(self._changed)

    def open(self) -> None:
        """At unlock: read the waiting drafts, and say so once if there are any."""
        self._announce = True
        self.refresh()

    def refresh(self) -> None:
        self._timer.stop()
        self._ops.read(drafts.waiting_drafts, on_done=self._show)

    def close(self) -> None:
        self._timer.stop()
        self._announce = False
        self._notice.clear()

    @Slot(object)
    def _changed(self, _change: Change) -> None:
        # A draft saved or discarded, or the real thing saved (which drops its draft).
        self._timer.start()

    def _show(self, waiting: list[WaitingDraft]) -> None:
        self._notice.show_drafts(waiting)
        if self._announce and waiting:
            if len(waiting) == 1:
                text = tr("You have an unsaved draft: {draft}.").format(draft=describe(waiting[0]))
            else:
                text = tr("You have {n} unsaved drafts: they are listed on the Today page.").format(
                    n=len(waiting)
                )
            self.announce.emit(text)
        self._announce = False
