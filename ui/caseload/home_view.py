"""The first page after unlocking: today's visits, and the caseload. Layout only."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QTabWidget, QWidget

from ui.caseload.caseload_model import CaseloadModel
from ui.caseload.caseload_view import CaseloadPanel
from ui.caseload.today_view import TodayPanel
from ui.i18n import tr

logger = logging.getLogger(__name__)

TODAY_TAB = 0
CASELOAD_TAB = 1


class HomePage(QTabWidget):
    def __init__(self, model: CaseloadModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homeTabs")
        self.setDocumentMode(True)
        self.today = TodayPanel()
        self.caseload = CaseloadPanel(model)
        self.addTab(self.today, tr("&Today"))
        self.addTab(self.caseload, tr("&Caseload"))
        self.setTabToolTip(TODAY_TAB, tr("Your planned visits for today (Alt+T)"))
        self.setTabToolTip(
            CASELOAD_TAB, tr("Your caseload, or the whole team's (Alt+C; search: Ctrl+F)")
        )
        self.setAccessibleName(tr("Today and caseload"))

    def show_today_count(self, count: int | None) -> None:
        text = tr("&Today") if not count else tr("&Today ({count})").format(count=count)
        self.setTabText(TODAY_TAB, text)
