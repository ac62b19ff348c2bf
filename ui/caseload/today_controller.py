"""Keeps today's list current: fetched at unlock, and again whenever a change
touches planned visits (a visit recorded, a next visit planned), reablement (a
91-day check come or done) or the caseload (a lead professional changed)."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from app.services import clock
from app.services.carers.strain_due import CarerPromptDue, carers_prompting
from app.services.caseload.today import TodayVisit, todays_visits
from app.services.changes import CASELOAD, CONTACTS, OUTCOMES, VISITS, Change
from app.services.outcomes.follow_ups import FollowUpDue, follow_ups_due
from ui.caseload.today_view import TodayPanel
from ui.kit.operations import Operations

logger = logging.getLogger(__name__)


class TodayController(QObject):
    count_changed = Signal(object)  # visits still planned today, or None when locked
    loaded = Signal()

    def __init__(self, ops: Operations, panel: TodayPanel) -> None:
        super().__init__(panel)
        self._ops = ops
        self._panel = panel
        ops.changed.connect(self._changed)

    def refresh(self) -> None:
        self._ops.read(
            lambda ws: (
                clock.today(),
                clock.now(),
                todays_visits(ws),
                follow_ups_due(ws),
                carers_prompting(ws),
            ),
            on_done=self._show,
            on_error=self._panel.show_error,
        )

    def _show(
        self,
        result: tuple[Any, Any, list[TodayVisit], list[FollowUpDue], list[CarerPromptDue]],
    ) -> None:
        today, now, visits, follow_ups, carers = result
        self._panel.show_visits(visits, today, now)
        self._panel.follow_ups.show_due(follow_ups)
        self._panel.carer_strain.show_due(carers)
        self.count_changed.emit(sum(1 for v in visits if v.status == "planned"))
        self.loaded.emit()

    @Slot(object)
    def _changed(self, change: Change) -> None:
        if change.touches(VISITS, OUTCOMES, CASELOAD, CONTACTS):
            self.refresh()

    def close(self) -> None:
        self._panel.clear()
        self.count_changed.emit(None)
