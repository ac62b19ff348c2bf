"""The Team view table's columns: widths that fit a 1366 px laptop, long text
elided (the full value is in the cell's tooltip), a horizontal scroll bar for the
rest, and a menu to hide or show columns (from the header, or Shift+F10 / the
menu key on the table, so the keyboard reaches it too).

Which columns are hidden is remembered by key (`app.services.caseload.view_settings`),
never anything about the people listed.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView

from ui.i18n import tr
from ui.team.team_model import HEADERS, SORT_KEYS, Column

logger = logging.getLogger(__name__)

# Widths in characters of the longest value each column usually shows; the header's
# own text (with room for the sort arrow) wins where it is wider.
CONTENT_CHARS: dict[Column, int] = {
    Column.NHS_NUMBER: 12,
    Column.NAME: 20,  # longer names are elided; the tooltip has the whole name
    Column.LEVEL_OF_NEED: 9,
    Column.LEAD_PROFESSIONAL: 16,
    Column.RISK: 10,
    Column.LAST_CONTACT: 11,
    Column.NEXT_VISIT: 15,  # "Overdue: 30 Sep" (formatting.overdue_on)
    Column.PLAN_REVIEW: 15,
    Column.CONSENT_REVIEW: 15,
    Column.CONFLICTS: 3,
}
HEADER_ROOM_PX = 34  # padding and the sort indicator
ALWAYS_SHOWN = frozenset({Column.NAME})  # a row must still say who it is
KEYS: dict[Column, str] = {column: SORT_KEYS[column] for column in Column}


def column_width(view: QTableView, column: Column) -> int:
    cell = view.fontMetrics().horizontalAdvance("0") * CONTENT_CHARS[column] + 16
    header = view.horizontalHeader().fontMetrics().horizontalAdvance(tr(HEADERS[column]))
    return max(cell, header + HEADER_ROOM_PX)


class TeamColumns(QObject):
    """Sizes the team table's columns and lets the user hide or show them."""

    hidden_changed = Signal(frozenset)  # the hidden columns' keys, to remember

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)  # spare width goes to the last column shown
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.fit()
        for widget in (header, view):
            widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(lambda at: self.show_menu(header.mapToGlobal(at)))
        view.customContextMenuRequested.connect(
            lambda at: self.show_menu(view.viewport().mapToGlobal(at))
        )
        self.menu: QMenu | None = None

    def fit(self) -> None:
        header = self.view.horizontalHeader()
        for column in Column:
            header.resizeSection(column, column_width(self.view, column))

    def hidden(self) -> frozenset[str]:
        return frozenset(KEYS[c] for c in Column if self.view.isColumnHidden(c))

    def set_hidden(self, keys: frozenset[str]) -> None:
        """Hide the columns named (unknown keys are ignored; Name always stays)."""
        for column in Column:
            hide = KEYS[column] in keys and column not in ALWAYS_SHOWN
            if self.view.isColumnHidden(column) != hide:
                self.view.setColumnHidden(column, hide)
                if not hide:  # a column hidden before it was sized comes back sized
                    self.view.horizontalHeader().resizeSection(
                        column, column_width(self.view, column)
                    )

    def toggle(self, column: Column, shown: bool) -> None:
        keys = set(self.hidden())
        if shown:
            keys.discard(KEYS[column])
        else:
            keys.add(KEYS[column])
        self.set_hidden(frozenset(keys))
        self.hidden_changed.emit(self.hidden())

    def build_menu(self) -> QMenu:
        menu = QMenu(tr("Columns"), self.view)
        menu.setObjectName("teamColumnsMenu")
        menu.setAccessibleName(tr("Show or hide columns"))
        title = menu.addAction(tr("Show columns:"))
        title.setEnabled(False)
        for column in Column:
            action = QAction(tr(HEADERS[column]), menu)
            action.setObjectName(f"showColumn_{KEYS[column]}")
            action.setCheckable(True)
            action.setChecked(not self.view.isColumnHidden(column))
            action.setEnabled(column not in ALWAYS_SHOWN)
            action.toggled.connect(lambda on, c=column: self.toggle(c, on))
            menu.addAction(action)
        menu.addSeparator()
        reset = menu.addAction(tr("Show all columns"))
        reset.setObjectName("showAllColumns")
        reset.triggered.connect(self.show_all)
        return menu

    def show_all(self) -> None:
        self.set_hidden(frozenset())
        self.fit()
        self.hidden_changed.emit(self.hidden())

    def show_menu(self, at: QPoint) -> None:
        self.menu = self.build_menu()
        self.menu.popup(at)
