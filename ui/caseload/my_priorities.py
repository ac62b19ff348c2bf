"""A practitioner's own priority list, as a tab of the home page: the people they are
lead professional for, highest priority score first, each with its reasons (the same
page and work as the Team view's Priorities tab, `ui/team/priority_page.py`).

Shown to the practitioner roles; a coordinator and the IG lead have the team's list
in the Team view instead, and an administrator has none.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QTabWidget

from app.values.vocab import PRACTITIONER_ROLES
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit.operations import Operations
from ui.team.priority_controller import PriorityController
from ui.team.priority_page import PriorityPage

logger = logging.getLogger(__name__)

ROLES = frozenset(role.value for role in PRACTITIONER_ROLES)


class MyPriorities(QObject):
    open_requested = Signal(str)  # a person id

    def __init__(self, ops: Operations, home: QTabWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.home = home
        self.page = PriorityPage()
        self.tab = home.addTab(self.page, tr("Prio&rities"))
        home.setTabToolTip(
            self.tab, tr("The people you lead, by priority score, with the reasons (Alt+R)")
        )
        home.setTabVisible(self.tab, False)
        self.work = PriorityController(ops, self.page, parent=self)
        self.work.open_requested.connect(self.open_requested)
        home.currentChanged.connect(lambda _i: self._shown())
        ops.changed.connect(lambda _change: self._changed())

    def open(self, workspace: Workspace) -> None:
        self.home.setTabVisible(self.tab, workspace.actor.role in ROLES)
        self._shown()

    def _in_view(self) -> bool:
        return self.home.isTabVisible(self.tab) and self.home.currentIndex() == self.tab

    def _shown(self) -> None:
        if self._in_view():
            self.work.opened()

    def _changed(self) -> None:
        if self.home.isTabVisible(self.tab):
            self.work.changed(visible=self._in_view())

    def close(self) -> None:
        self.work.close()
        self.home.setTabVisible(self.tab, False)
