"""The person's record: a header that never scrolls away (name, alerts, lead
professional) above a list of sections and the open section. Layout only."""

from __future__ import annotations

import logging
from datetime import date
from enum import IntEnum
from typing import TypeVar

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.record.record import PersonRecord
from ui.i18n import tr
from ui.kit.widgets import button
from ui.record.assessments_section import AssessmentsSection
from ui.record.contacts_section import ContactsSection
from ui.record.outcomes_section import OutcomesSection
from ui.record.plan_section import PlanSection
from ui.record.record_header import RecordHeader
from ui.record.record_sections import (
    AboutMeSection,
    ConsentSection,
    RisksSection,
)
from ui.record.since_seen_panel import SinceSeenPanel
from ui.record.support_section import SupportSection
from ui.record.timeline_model import TimelineModel
from ui.record.timeline_view import TimelineSection

logger = logging.getLogger(__name__)


class Section(IntEnum):
    ABOUT_ME = 0
    PLAN = 1
    RISKS = 2
    CONTACTS = 3
    CONSENT = 4
    ASSESSMENTS = 5
    TIMELINE = 6
    OUTCOMES = 7  # after the first seven, so Ctrl+1..7 keep the places people learnt
    SUPPORT = 8  # last, so Ctrl+1..8 keep theirs


SECTION_TITLES = {
    Section.ABOUT_ME: "About me",
    Section.PLAN: "Care plan",
    Section.RISKS: "Risks and alerts",
    Section.CONTACTS: "Contacts and carers",
    Section.CONSENT: "Consent",
    Section.ASSESSMENTS: "Assessments",
    Section.TIMELINE: "Timeline",
    Section.OUTCOMES: "Reablement and outcomes",
    Section.SUPPORT: "Support at home",
}


_W = TypeVar("_W", bound=QWidget)


class _SectionStack(QStackedWidget):
    """The record's sections, as tall at least as the one on show needs, and no taller.

    A stack asks for the largest least height of all its pages (the timeline's filters
    and split view made the care plan's page as tall as the timeline's), and when any
    page wraps words it also answers a height for its width: the tallest page's
    preferred height, which the page's column of header and sections then takes as
    the sections' least. On a short screen the header above gave up height to it
    until an alert's second line was cut off. As wide as the widest page, so the
    page does not change width as sections change."""

    def __init__(self) -> None:
        super().__init__()
        self.currentChanged.connect(self.updateGeometry)

    def minimumSizeHint(self) -> QSize:
        least = super().minimumSizeHint()
        shown = self.currentWidget()
        if shown is not None:
            frame = 2 * self.frameWidth()
            least.setHeight(
                shown.minimumSizeHint().expandedTo(shown.minimumSize()).height() + frame
            )
        return least

    def hasHeightForWidth(self) -> bool:
        # Each section lays its own wrapped lines out in the height it is given.
        return False


# The section list's width without a scroll bar: every title fits on one or two lines.
SECTION_LIST_WIDTH = 210


class RecordPage(QWidget):
    back_requested = Signal()
    print_requested = Signal()

    def __init__(self, timeline_model: TimelineModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordPage")
        self.back = button("← Back to my list", name="backButton", tip="Back (Alt+Left)")
        self.back.setAccessibleName(tr("Back to today and my caseload"))
        self.status = QLabel()
        self.status.setObjectName("recordStatus")
        self.status.setWordWrap(True)
        self.header = RecordHeader()
        self.since_seen = SinceSeenPanel()

        self.sections = QListWidget()
        self.sections.setObjectName("sectionList")
        self.sections.setAccessibleName(tr("Sections of the record"))
        for section, title in SECTION_TITLES.items():
            self.sections.addItem(tr(title))
            item = self.sections.item(section)
            item.setToolTip(tr("{title} (Ctrl+{n})").format(title=tr(title), n=section + 1))
        self.sections.setFixedWidth(SECTION_LIST_WIDTH)
        # A long title ("Reablement and outcomes") takes two lines, never a scroll bar.
        self.sections.setWordWrap(True)
        self.sections.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # On a 1366×768 laptop the nine sections need a scroll bar; the list widens by
        # its width rather than lose it from the titles (Qt lays the items out for the
        # width without it, and "Contacts and carers" showed as "Contacts and …").
        self.sections.verticalScrollBar().rangeChanged.connect(self._fit_section_list)

        # The page's frame first, then the sections into it: a widget moved to a new
        # parent has its whole subtree styled again (the app's stylesheet), so a
        # finished stack of sections moved into the page cost as much as building it.
        self.stack = _SectionStack()
        self.stack.setObjectName("sectionStack")
        top = QHBoxLayout()
        top.addWidget(self.back)
        top.addWidget(self.status, 1)
        body = QHBoxLayout()
        body.setSpacing(0)
        body.addWidget(self.sections)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 0)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.header)
        layout.addWidget(self.since_seen)
        layout.addLayout(body, 1)

        # In the stack's order (Section's numbers).
        self.about_me = self._stacked(AboutMeSection())
        self.plan = self._stacked(PlanSection())
        self.risks = self._stacked(RisksSection())
        self.contacts = self._stacked(ContactsSection())
        self.consent = self._stacked(ConsentSection())
        self.assessments = self._stacked(AssessmentsSection())
        self.timeline = self._stacked(TimelineSection(timeline_model))
        self.outcomes = self._stacked(OutcomesSection())
        self.support = self._stacked(SupportSection())

        self.sections.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.sections.setCurrentRow(Section.ABOUT_ME)
        self.back.clicked.connect(self.back_requested)
        back = QShortcut(QKeySequence("Alt+Left"), self)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.back_requested)
        printing = QShortcut(QKeySequence.StandardKey.Print, self)
        printing.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        printing.activated.connect(self.print_requested)
        for section in Section:
            shortcut = QShortcut(QKeySequence(f"Ctrl+{section + 1}"), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=section: self.show_section(s))

    def _stacked(self, section: _W) -> _W:
        """A section made, into the stack (the next of Section's numbers)."""
        self.stack.addWidget(section)
        return section

    def _fit_section_list(self, _low: int, high: int) -> None:
        bar = self.sections.verticalScrollBar()
        extra = bar.sizeHint().width() if high > 0 else 0
        self.sections.setFixedWidth(SECTION_LIST_WIDTH + extra)

    @property
    def section(self) -> Section:
        return Section(max(0, self.sections.currentRow()))

    def show_section(self, section: Section) -> None:
        self.sections.setCurrentRow(section)

    def show_loading(self) -> None:
        self.status.setText(tr("Opening the record…"))

    def show_message(self, text: str) -> None:
        self.status.setText(text)

    def show_record(self, record: PersonRecord, today: date) -> None:
        self.status.clear()
        self.header.show_record(record.header, record.alerts, today, record.upcoming_visits)
        self.header.show_break_glass(record.break_glass_until)
        self.plan.show_record(record, today)
        self.about_me.show_record(record)
        self.risks.show_record(record, today)
        self.contacts.show_record(record)
        self.consent.show_record(record, today)
        self.assessments.show_record(record)
        self.outcomes.show_record(record, today)
        self.support.show_record(record, today)

    def clear(self) -> None:
        self.status.clear()
        self.header.clear()
        self.since_seen.clear()
        self.plan.clear()
        self.timeline.clear()
        self.about_me.clear()
        self.risks.clear()
        self.contacts.clear()
        self.consent.clear()
        self.assessments.clear()
        self.outcomes.clear()
        self.support.clear()
