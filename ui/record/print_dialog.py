"""Print the care and support plan: preview, Save as PDF, and Print when a printer exists.

Self-contained: give it the task runner and a print job bound to the unlocked
workspace (`app.reports.printing.PlanPrintJob`, or anything with the same three
methods). Rendering, saving and the audit events run on the task runner; the GUI
thread only shows pages and talks to the printer.

The preview is Qt's own PDF engine (QtPdf, from the `pyside6-pdf` wheel):
`QPdfView` shows exactly the bytes that will be saved, and printing renders each
page of that same document at the printer's resolution (capped at 300 dpi), so
the paper copy, the saved PDF and the preview can never differ. The PDF is held
in memory (a QBuffer) and dropped when the dialog closes: no temporary file.

Printing is audited before anything reaches the printer: if the event cannot be
recorded, nothing is printed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, QStandardPaths, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.reports.printing import PrintablePlan
from ui.i18n import tr
from ui.kit.tasks import TaskRunner

logger = logging.getLogger(__name__)

PRIMARY_BUTTON_HEIGHT = 44
MAX_PRINT_DPI = 300


class PrintJob(Protocol):
    """What the dialog needs from the app: every method runs on the task runner."""

    def render(self, large_print: bool | None = None) -> PrintablePlan: ...

    def save(self, plan: PrintablePlan, path: Path) -> None: ...

    def printed(self, plan: PrintablePlan, copies: int = 1) -> None: ...


def printers_available() -> bool:
    return bool(QPrinterInfo.availablePrinterNames())


class PrintDialog(QDialog):
    def __init__(
        self,
        runner: TaskRunner,
        job: PrintJob,
        title: str,
        parent: QWidget | None = None,
        *,
        ask_for_file: Callable[[QWidget, str], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("printDialog")
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # As tall as a desktop allows; ui/kit/window_fit shrinks it to a laptop's screen
        # (the preview gives way; the buttons and the "Saved to" line stay in view).
        self.resize(820, 900)
        self._runner = runner
        self._job = job
        self._plan: PrintablePlan | None = None
        self._generation = 0
        self._busy_count = 0
        self._ask_for_file = ask_for_file or _ask_for_pdf_path
        self._buffer: QBuffer | None = None

        heading = QLabel(title)
        heading.setObjectName("pageHeading")
        heading.setWordWrap(True)
        self.summary = QLabel(tr("Preparing the plan…"))
        self.summary.setObjectName("hint")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(tr("About this plan"))
        # The app's warning callout (as the demo banner): a draft must not go unnoticed.
        self.draft_banner = QFrame()
        self.draft_banner.setObjectName("demoBanner")
        self.draft_banner.setAccessibleName(tr("Draft plan"))
        self.draft_text = QLabel()
        self.draft_text.setObjectName("demoBannerText")
        self.draft_text.setWordWrap(True)
        banner_layout = QVBoxLayout(self.draft_banner)
        banner_layout.setContentsMargins(16, 10, 16, 10)
        banner_layout.addWidget(self.draft_text)
        self.draft_banner.hide()

        self.large_print = QCheckBox(tr("&Large print (16 point text)"))
        self.large_print.setAccessibleDescription(
            tr("Print the same plan with larger text and headings")
        )
        self.large_print.toggled.connect(self._rerender)

        self.document = QPdfDocument(self)
        self.preview = QPdfView(self)
        self.preview.setObjectName("planPreview")
        self.preview.setAccessibleName(tr("Preview of the printed plan"))
        self.preview.setPageMode(QPdfView.PageMode.MultiPage)
        self.preview.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.preview.setDocument(self.document)

        self.busy = QProgressBar()
        self.busy.setObjectName("busyIndicator")
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedHeight(6)
        self.busy.setAccessibleName(tr("Working"))
        policy = self.busy.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.busy.setSizePolicy(policy)
        self.busy.hide()

        self.message = QLabel()
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(tr("Message"))
        self.message.hide()

        self.print_button = QPushButton(tr("&Print…"))
        self.print_button.setProperty("primary", True)
        self.print_button.setMinimumHeight(PRIMARY_BUTTON_HEIGHT)
        self.print_button.setAccessibleName(tr("Print the plan"))
        self.print_button.clicked.connect(self._choose_printer)
        self.save_button = QPushButton(tr("&Save as PDF…"))
        self.save_button.setMinimumHeight(PRIMARY_BUTTON_HEIGHT)
        self.save_button.setAccessibleName(tr("Save the plan as a PDF file"))
        self.save_button.clicked.connect(self._choose_file)
        self.close_button = QPushButton(tr("Close"))
        self.close_button.setMinimumHeight(PRIMARY_BUTTON_HEIGHT)
        self.close_button.clicked.connect(self.close)

        self.has_printer = printers_available()
        if not self.has_printer:
            self.print_button.setToolTip(
                tr("No printer is set up on this computer: save the plan as a PDF instead.")
            )

        buttons = QHBoxLayout()
        buttons.addWidget(self.large_print)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.draft_banner)
        layout.addWidget(self.busy)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        self._set_actions_enabled(False)
        self._render(None)

    # -- state ------------------------------------------------------------------------

    @property
    def plan(self) -> PrintablePlan | None:
        return self._plan

    def _set_actions_enabled(self, enabled: bool) -> None:
        self.save_button.setEnabled(enabled)
        self.print_button.setEnabled(enabled and self.has_printer)
        self.large_print.setEnabled(enabled)

    def _work_started(self) -> None:
        self._busy_count += 1
        self.busy.show()

    def _work_finished(self) -> None:
        self._busy_count = max(0, self._busy_count - 1)
        if self._busy_count == 0:
            self.busy.hide()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setProperty("error", error)
        self.message.setText(text)
        self.message.show()
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    # -- rendering --------------------------------------------------------------------

    def _rerender(self, checked: bool) -> None:
        self._render(checked)

    def _render(self, large_print: bool | None) -> None:
        self._generation += 1
        generation = self._generation
        self._set_actions_enabled(False)
        self._work_started()
        job = self._job
        self._runner.run(
            lambda: job.render(large_print),
            on_done=lambda plan: self._rendered(generation, plan),
            on_error=lambda message: self._failed(generation, message),
        )

    def _rendered(self, generation: int, plan: PrintablePlan) -> None:
        self._work_finished()
        if generation != self._generation:
            return  # the user asked for the other edition meanwhile
        self._plan = plan
        self._load(plan.pdf)
        self.large_print.blockSignals(True)
        self.large_print.setChecked(plan.large_print)
        self.large_print.blockSignals(False)
        self.summary.setText(_describe(plan))
        self.draft_text.setText(_draft_warning(plan))
        self.draft_banner.setVisible(plan.draft)
        self._set_actions_enabled(True)
        # Enter does the usual thing: Print where a printer is set up, else Save as PDF.
        primary = self.print_button if self.has_printer else self.save_button
        primary.setDefault(True)
        primary.setFocus(Qt.FocusReason.OtherFocusReason)

    def _failed(self, generation: int, message: str) -> None:
        self._work_finished()
        if generation != self._generation:
            return
        self.summary.setText(tr("The plan could not be prepared."))
        self._say(message, error=True)
        self.large_print.setEnabled(True)

    def _load(self, data: bytes) -> None:
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._buffer = buffer
        self.document.load(buffer)

    # -- saving -----------------------------------------------------------------------

    def _choose_file(self) -> None:
        plan = self._plan
        if plan is None:
            return
        chosen = self._ask_for_file(self, plan.file_name)
        if chosen:
            self.save_to(Path(chosen))

    def save_to(self, path: Path) -> None:
        """Write the previewed plan to `path` (on the task runner; audited)."""
        plan = self._plan
        if plan is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        self._work_started()
        self.save_button.setEnabled(False)
        job = self._job
        self._runner.run(
            lambda: job.save(plan, path),
            on_done=lambda _: self._saved(path),
            on_error=self._save_failed,
        )

    def _saved(self, path: Path) -> None:
        self._work_finished()
        self.save_button.setEnabled(True)
        self._say(tr("Saved to {path}.").format(path=path))

    def _save_failed(self, message: str) -> None:
        self._work_finished()
        self.save_button.setEnabled(True)
        self._say(message, error=True)

    # -- printing ---------------------------------------------------------------------

    def _choose_printer(self) -> None:
        if self._plan is None:
            return
        printer = _new_printer()
        chooser = QPrintDialog(printer, self)
        chooser.setWindowTitle(tr("Print the care and support plan"))
        if chooser.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Record the print (on the task runner), then paint every page to `printer`."""
        plan = self._plan
        if plan is None:
            return
        self._work_started()
        self.print_button.setEnabled(False)
        copies = max(1, printer.copyCount())
        job = self._job
        self._runner.run(
            lambda: job.printed(plan, copies),
            on_done=lambda _: self._paint(printer, plan),
            on_error=self._print_failed,
        )

    def _paint(self, printer: QPrinter, plan: PrintablePlan) -> None:
        try:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                ok = paint_pages(self.document, printer)
            finally:
                QGuiApplication.restoreOverrideCursor()
        finally:
            self._work_finished()
            self.print_button.setEnabled(self.has_printer)
        if ok:
            self._say(
                tr(
                    "Sent {pages} pages to the printer. Put it in the home folder in place of any "
                    "earlier plan."
                ).format(pages=plan.pages)
            )
        else:
            self._say(tr("The printer could not be started: nothing was printed."), error=True)

    def _print_failed(self, message: str) -> None:
        self._work_finished()
        self.print_button.setEnabled(self.has_printer)
        self._say(message, error=True)

    # -- closing ----------------------------------------------------------------------

    def forget(self) -> None:
        """Drop the plan and its pages from memory (called on close and on lock)."""
        self._generation += 1  # results still in flight are ignored
        self._plan = None
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.setData(QByteArray())
            self._buffer = None

    def closeEvent(self, event: QCloseEvent) -> None:
        self.forget()
        super().closeEvent(event)


def _describe(plan: PrintablePlan) -> str:
    pages = tr("{n} pages").format(n=plan.pages) if plan.pages != 1 else tr("1 page")
    edition = tr(", large print") if plan.large_print else ""
    if plan.version == 0:
        state = tr("Draft, never agreed.")
    elif plan.draft:
        state = tr("Draft, changed since version {v}.").format(v=plan.version)
    else:
        state = tr("Version {v}, agreed.").format(v=plan.version)
    return f"{state} {pages}{edition}."


def _draft_warning(plan: PrintablePlan) -> str:
    if not plan.draft:
        return ""
    if plan.version == 0:
        return tr(
            "This plan has not been agreed yet. Every printed page says DRAFT: agree the "
            "plan with the person before leaving a copy as their current plan."
        )
    return tr(
        "This plan has changed since version {v} was agreed. Every printed page says "
        "DRAFT: agree the changes with the person before it replaces version {v} in the "
        "home folder."
    ).format(v=plan.version)


def _new_printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    # The print queue shows the document name to anyone looking at the printer: no
    # name or NHS number in it.
    printer.setDocName(tr("Care and support plan"))
    printer.setCreator("OneRecord")
    return printer


def _ask_for_pdf_path(parent: QWidget, suggested: str) -> str:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path, _ = QFileDialog.getSaveFileName(
        parent,
        tr("Save the care and support plan"),
        str(Path(folder) / suggested) if folder else suggested,
        tr("PDF documents (*.pdf)"),
    )
    return path


def paint_pages(document: QPdfDocument, printer: QPrinter) -> bool:
    """Render each page of `document` at the printer's resolution and paint it, scaled
    to the printable area with its proportions kept. Honours a page range if one was
    chosen in the print dialog. False if the printer could not be started."""
    count = document.pageCount()
    first = max(1, printer.fromPage() or 1)
    last = min(count, printer.toPage() or count)
    if count == 0 or first > last:
        return False
    painter = QPainter()
    if not painter.begin(printer):
        return False
    try:
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        area = printer.pageRect(QPrinter.Unit.DevicePixel)
        for index in range(first - 1, last):
            if index > first - 1:
                printer.newPage()
            points = document.pagePointSize(index)
            size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            image = document.render(index, size)
            scale = min(area.width() / size.width(), area.height() / size.height())
            target = QRectF(0, 0, size.width() * scale, size.height() * scale)
            painter.drawImage(target, image)
    finally:
        painter.end()
    return True


def open_print_dialog(
    parent: QWidget | None, runner: TaskRunner, job: PrintJob, title: str | None = None
) -> PrintDialog:
    """Show the Print dialog (not modal: the app stays usable) and return it."""
    dialog = PrintDialog(runner, job, title or tr("Print the care and support plan"), parent)
    dialog.show()
    return dialog


def close_print_dialogs(parent: QWidget) -> None:
    """On lock: close every open Print dialog under `parent`, dropping the plans they hold."""
    for dialog in parent.findChildren(PrintDialog):
        dialog.forget()
        dialog.close()
