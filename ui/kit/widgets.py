"""Small layout helpers every view shares: headings, buttons, tables sized to rows,
and escaped rich text for read-only sections."""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QTextBrowser,
    QWidget,
)

from ui.i18n import tr
from ui.kit.flow_layout import FlowLayout

logger = logging.getLogger(__name__)

PRIMARY_BUTTON_HEIGHT = 44  # DESIGN.md accessibility: 44 px primary buttons


class ElidingLabel(QLabel):
    """One line that shortens with "…" when there is no room (the whole text in its
    tooltip), so a long name in the status bar never widens the window."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setMinimumWidth(80)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self.setAccessibleName(text)
        self._elide()

    def text(self) -> str:
        return self._full

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        # QLabel's own hint is for the text shown; the padding and margins it adds (the
        # status bar's style) are kept, the width of the whole text asked for.
        metrics = self.fontMetrics()
        shown = super().sizeHint()
        extra = shown.width() - metrics.horizontalAdvance(QLabel.text(self))
        return QSize(metrics.horizontalAdvance(self._full) + extra, shown.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(
            self._full, Qt.TextElideMode.ElideRight, max(0, self.contentsRect().width())
        )
        QLabel.setText(self, shown)


def heading(text: str, *, level: int = 2) -> QLabel:
    label = QLabel(tr(text))
    label.setObjectName("sectionHeading" if level == 2 else "subHeading")
    label.setWordWrap(True)
    label.setAccessibleName(tr(text))
    return label


def button(text: str, *, name: str, primary: bool = False, tip: str = "") -> QPushButton:
    widget = QPushButton(tr(text))
    widget.setObjectName(name)
    widget.setAccessibleName(tr(text).rstrip("…"))
    widget.setAutoDefault(False)
    if tip:
        widget.setToolTip(tr(tip))
    if primary:
        widget.setProperty("primary", True)
        widget.setMinimumHeight(PRIMARY_BUTTON_HEIGHT)
    return widget


def table(name: str, accessible: str, *, stretch_last: bool = True) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setAccessibleName(tr(accessible))
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(34)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(stretch_last)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


def size_columns(view: QTableView, stretch: int, fixed: dict[int, int] | None = None) -> None:
    """One column takes the spare width; the rest fit their contents (or a fixed width)."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    for column in range(view.model().columnCount()):
        if column == stretch:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        elif fixed and column in fixed:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, fixed[column])
        else:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)


def fit_rows(view: QTableView, *, least: int = 2, most: int = 8) -> None:
    """Make a table just tall enough for its rows (within limits), so a section of
    several tables scrolls as one page instead of each table scrolling alone."""
    rows = max(least, min(most, view.model().rowCount() if view.model() else 0))
    height = view.horizontalHeader().sizeHint().height()
    height += rows * view.verticalHeader().defaultSectionSize() + 2 * view.frameWidth() + 4
    view.setFixedHeight(height)


def reader(name: str, accessible: str) -> QTextBrowser:
    """A read-only rich text pane: wraps, scrolls, and screen readers can read it."""
    view = QTextBrowser()
    view.setObjectName(name)
    view.setAccessibleName(tr(accessible))
    view.setOpenLinks(False)
    view.setOpenExternalLinks(False)
    view.setReadOnly(True)
    return view


def esc(text: object) -> str:
    """Escaped text with line breaks kept: record text is data, never markup."""
    return html.escape("" if text is None else str(text)).replace("\n", "<br>")


def rows_html(pairs: Iterable[tuple[str, str]]) -> str:
    """'Label: value' lines for a reader pane; blank values are left out."""
    return "".join(
        f"<p><b>{esc(label)}</b><br>{value}</p>" for label, value in pairs if value.strip()
    )


def clear_layout_widgets(parent: QWidget) -> None:
    layout = parent.layout()
    if layout is None:
        return
    while layout.count():
        item = layout.takeAt(0)
        if item is not None and (widget := item.widget()) is not None:
            widget.deleteLater()


def labelled(label: QLabel, widget: QWidget) -> QWidget:
    """A label and its field kept together on one line, for a row that wraps."""
    pair = QWidget()
    row = QHBoxLayout(pair)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(8)
    row.addWidget(label)
    row.addWidget(widget)
    label.setBuddy(widget)
    return pair


def button_row(*widgets: QWidget) -> FlowLayout:
    """Buttons side by side at the left, onto the next line when the window is narrow."""
    row = FlowLayout(spacing=8)
    for widget in widgets:
        row.addWidget(widget)
    return row


def date_edit(name: str, spoken: str) -> QDateEdit:
    """A day chosen on a calendar or typed as dd/mm/yyyy (the report filters)."""
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(tr(spoken))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit
