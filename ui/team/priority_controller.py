"""The Team view's Priorities tab at work: the list worked out on the task runner
(`priority_list`) when the tab first comes into view, again when records change while
it is in view (else when it is next shown), an older answer arriving late dropped,
and emptied on lock.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from app.services.priority.priority_list import PriorityList, priority_list
from ui.kit.operations import Operations
from ui.team.priority_page import PriorityPage

logger = logging.getLogger(__name__)


class PriorityController(QObject):
    open_requested = Signal(str)  # a person id

    def __init__(self, ops: Operations, page: PriorityPage, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.page = page
        self._loaded = False
        self._asked = 0  # each count's number: an older answer arriving late is dropped
        page.refresh_requested.connect(self.work_out)
        page.open_requested.connect(self.open_requested)

    def opened(self) -> None:
        """The tab came into view: work the list out the first time."""
        if self._loaded:
            return
        self._loaded = True
        self.work_out()

    def work_out(self) -> None:
        self._asked += 1
        asked = self._asked
        self.page.working()
        started = self.ops.read(
            priority_list,
            on_done=lambda found: self._show(asked, found),
            on_error=self.page.show_error,
        )
        if not started:
            self.page.clear()

    def _show(self, asked: int, found: PriorityList) -> None:
        if asked == self._asked:
            self.page.show_list(found)

    def changed(self, visible: bool) -> None:
        """Records changed: again now if the tab is in view, else when it next is."""
        if not self._loaded:
            return
        if visible:
            self.work_out()
        else:
            self._loaded = False

    def close(self) -> None:
        """On lock: the list goes."""
        self._asked += 1
        self._loaded = False
        self.page.clear()
