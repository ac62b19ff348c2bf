"""A person's timeline as a Qt table model: pages of notes fetched on the task runner.

Newest first; filtered by organisation and contact type in SQL; the next page is
asked for as the view scrolls. The paging, and the generation counter that drops
answers to a query the user has already changed (or that arrive after a lock),
are `ui.kit.paged_model`'s; this module adds the columns and how each cell reads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from app.services.record.timeline import TimelineEntry, TimelineQuery
from app.values.vocab import ContactType, Role
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.paged_model import AnyIndex, PagedTableModel
from ui.kit.tasks import TaskRunner

logger = logging.getLogger(__name__)

Loader = Callable[[TimelineQuery], tuple[int, list[TimelineEntry]]]

PAGE_SIZE = 60
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
QUIET = QColor("#4C6272")
NOTE_PREVIEW_CHARS = 160


class TimelineColumn(IntEnum):
    WHEN = 0
    TYPE = 1
    WHO = 2
    ORGANISATION = 3
    NOTE = 4


HEADERS = {
    TimelineColumn.WHEN: "When",
    TimelineColumn.TYPE: "Contact",
    TimelineColumn.WHO: "Who",
    TimelineColumn.ORGANISATION: "Organisation",
    TimelineColumn.NOTE: "Note",
}


def author_text(entry: TimelineEntry) -> str:
    role = formatting.label(Role, entry.author_role)
    name = entry.author or tr("Unknown author")
    return f"{name} ({role})" if role else name


def preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= NOTE_PREVIEW_CHARS else flat[: NOTE_PREVIEW_CHARS - 1] + "…"


class TimelineModel(PagedTableModel[TimelineQuery | None, TimelineEntry]):
    columns = TimelineColumn

    def __init__(
        self, runner: TaskRunner, *, page_size: int = PAGE_SIZE, parent: QObject | None = None
    ) -> None:
        super().__init__(runner, None, page_size=page_size, parent=parent)

    def open(
        self,
        loader: Loader,
        query: TimelineQuery,
        *,
        first_page: list[TimelineEntry] | None = None,
        total: int = 0,
    ) -> None:
        """Show a person's timeline; `first_page` (fetched with the record) skips a round trip."""
        # The base only calls the loader with a query, never the None of "nothing open".
        self._loader = loader  # type: ignore[assignment]
        self._query = replace(query, offset=0, limit=self._page_size)
        if first_page is not None:
            self._show_first_page(total, first_page)
        else:
            self.reload()

    def set_filter(self, *, organisation_id: str | None, contact_type: str | None) -> None:
        if self._query is not None:
            self.set_query(organisation_id=organisation_id, contact_type=contact_type)

    def reload(self, *, at_least: int = 0) -> None:
        # A refetch asks for at least as many notes as are shown now, so none drop away.
        super().reload(at_least=max(at_least, len(self._rows)))

    def clear(self) -> None:
        self._query = None
        super().clear()

    def entry_at(self, row: int) -> TimelineEntry | None:
        return self.row_at(row)

    # -- QAbstractTableModel ------------------------------------------------------------

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(TimelineColumn):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return tr(HEADERS[TimelineColumn(section)])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (cell := self._cell(index)) is None:
            return None
        entry, column = cell[0], TimelineColumn(cell[1])
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(entry, column)
        if role == ENTRY_ROLE:
            return entry
        if role == Qt.ItemDataRole.ToolTipRole and column == TimelineColumn.WHEN:
            return tr("Written {when}").format(when=formatting.british_date_time(entry.recorded_at))
        if role == Qt.ItemDataRole.ForegroundRole and column in (
            TimelineColumn.WHO,
            TimelineColumn.ORGANISATION,
        ):
            return QBrush(QUIET)
        return None

    def _text(self, entry: TimelineEntry, column: TimelineColumn) -> str:
        match column:
            case TimelineColumn.WHEN:
                return formatting.british_date_time(entry.occurred_at)
            case TimelineColumn.TYPE:
                return formatting.label(ContactType, entry.contact_type)
            case TimelineColumn.WHO:
                return author_text(entry)
            case TimelineColumn.ORGANISATION:
                return entry.organisation or ""
            case TimelineColumn.NOTE:
                # A sensitive note this user may not read: that it exists, and whom to ask.
                shown = entry.ask if entry.ask else preview(entry.narrative)
                if entry.amends_id:
                    shown = tr("Correction: {text}").format(text=shown)
                if entry.corrected:
                    shown = tr("[Corrected] {text}").format(text=shown)
                return shown
