"""The timeline section: filters, the paged table of contacts from every agency,
and the selected note in full. Layout only."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QSplitter, QVBoxLayout, QWidget

from app.services.record.timeline import TimelineEntry, TimelineFilters
from app.values.vocab import ContactOutcome, ContactType
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.flow_layout import FlowLayout
from ui.kit.widgets import button, esc, heading, labelled, reader, size_columns, table
from ui.record.timeline_model import ENTRY_ROLE, TimelineColumn, TimelineModel, author_text

logger = logging.getLogger(__name__)


class TimelineSection(QWidget):
    filter_changed = Signal(object, object)  # organisation id or None, contact type or None
    correct_requested = Signal(object)  # the TimelineEntry to correct

    def __init__(self, model: TimelineModel) -> None:
        super().__init__()
        self.setObjectName("timelineSection")
        self.model = model
        self.organisation = QComboBox()
        self.organisation.setObjectName("timelineOrganisation")
        self.organisation.setAccessibleName(tr("Show notes from"))
        self.contact_type = QComboBox()
        self.contact_type.setObjectName("timelineType")
        self.contact_type.setAccessibleName(tr("Kind of contact"))
        self.count = QLabel()
        self.count.setObjectName("timelineCount")
        org_label = QLabel(tr("&From"))
        org_label.setBuddy(self.organisation)
        type_label = QLabel(tr("&Kind"))
        type_label.setBuddy(self.contact_type)

        self.table = table("timelineTable", "Timeline of contacts, newest first")
        self.table.setModel(model)
        size_columns(
            self.table,
            stretch=TimelineColumn.NOTE,
            fixed={
                TimelineColumn.WHEN: 160,
                TimelineColumn.TYPE: 175,
                TimelineColumn.WHO: 200,
                TimelineColumn.ORGANISATION: 170,
            },
        )
        self.detail = reader("noteDetail", "The selected note in full")
        self.correct = button(
            "Correct this note…",
            name="correctNoteButton",
            tip="Notes are never edited: a correction is added beside it, with the reason",
        )
        self.correct.setEnabled(False)
        self.correct.clicked.connect(self._correct)

        # Each filter with its label, onto a second line when the window is narrow.
        filters = FlowLayout(spacing=12)
        for label, combo in ((org_label, self.organisation), (type_label, self.contact_type)):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(14)
            filters.addWidget(labelled(label, combo))
        filters.addWidget(self.count)
        filters.addWidget(self.correct)

        split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("timelineSplit")
        split.setChildrenCollapsible(False)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 20)
        layout.setSpacing(10)
        layout.addWidget(heading("Timeline"))
        layout.addLayout(filters)
        layout.addWidget(split, 1)

        self.organisation.currentIndexChanged.connect(self._filter)
        self.contact_type.currentIndexChanged.connect(self._filter)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        model.total_changed.connect(self._show_count)
        model.first_page_loaded.connect(self._first_page)

    def set_filters(self, filters: TimelineFilters) -> None:
        for combo in (self.organisation, self.contact_type):
            combo.blockSignals(True)
            combo.clear()
        self.organisation.addItem(tr("Every organisation"), None)
        for org_id, name in filters.organisations:
            self.organisation.addItem(name, org_id)
        self.contact_type.addItem(tr("Every kind of contact"), None)
        for code in filters.contact_types:
            self.contact_type.addItem(formatting.label(ContactType, code), code)
        for combo in (self.organisation, self.contact_type):
            combo.blockSignals(False)

    def _filter(self) -> None:
        self.filter_changed.emit(self.organisation.currentData(), self.contact_type.currentData())

    def _show_count(self, total: int) -> None:
        text = tr("1 note") if total == 1 else tr("{count} notes").format(count=f"{total:,}")
        self.count.setText(text if total else tr("No notes"))

    def _first_page(self) -> None:
        if self.model.rowCount():
            self.table.selectRow(0)
        else:
            self.detail.clear()

    def selected_entry(self) -> TimelineEntry | None:
        index = self.table.currentIndex()
        entry = index.data(ENTRY_ROLE) if index.isValid() else None
        return entry if isinstance(entry, TimelineEntry) else None

    def _show_selected(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            self.detail.setHtml(note_html(entry))
        else:
            self.detail.clear()
        # A note withheld from this user cannot be corrected by them.
        self.correct.setEnabled(entry is not None and entry.ask is None)

    def _correct(self) -> None:
        entry = self.selected_entry()
        if entry is not None and entry.ask is None:
            self.correct_requested.emit(entry)

    def clear(self) -> None:
        for combo in (self.organisation, self.contact_type):
            combo.blockSignals(True)
            combo.clear()
            combo.blockSignals(False)
        self.detail.clear()
        self.count.clear()
        self.correct.setEnabled(False)


def note_html(entry: TimelineEntry) -> str:
    kind = formatting.label(ContactType, entry.contact_type)
    when = formatting.british_date_time(entry.occurred_at)
    written = formatting.british_date_time(entry.recorded_at)
    meta = [author_text(entry)]
    if entry.organisation:
        meta.append(entry.organisation)
    lines = [
        f"<p><b>{esc(kind)}</b>, {esc(when)}<br>{esc(' — '.join(meta))}<br>",
        f"<i>{esc(tr('Written {when}').format(when=written))}</i></p>",
    ]
    if entry.amends_id:
        why = tr("This corrects an earlier note. Why: {reason}").format(
            reason=entry.amendment_reason or tr("not given")
        )
        lines.append(f"<p><b>{esc(why)}</b></p>")
    if entry.corrected:
        lines.append(
            f"<p><b>{esc(tr('Corrected later: read the correction, listed with this note.'))}"
            "</b></p>"
        )
    lines.append(f"<p>{esc(entry.ask if entry.ask else entry.narrative)}</p>")
    if entry.outcome:
        outcome = formatting.label(ContactOutcome, entry.outcome)
        lines.append(f"<p><b>{esc(tr('Outcome'))}</b>: {esc(outcome)}</p>")
    if entry.goal_ids:
        count = len(entry.goal_ids)
        lines.append(f"<p>{esc(tr('Worked towards {n} goal(s) in the plan.').format(n=count))}</p>")
    return "".join(lines)
