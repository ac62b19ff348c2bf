"""Runs the caseload import from the desktop: choose a file, map its columns, check
every row (`caseload_import.preview`), then import all of it on the task runner
with progress crossing back to the GUI thread by signal.

The file's text is held only while the dialog is open (it is the user's own
file); closing the dialog or locking drops it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from app.services.caseload.caseload_import import (
    ImportReport,
    import_caseload,
    imported_change,
    preview,
)
from app.services.caseload.caseload_import_rows import guess_mapping, read_csv_file, read_rows
from app.services.changes import Change
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit.operations import Operations
from ui.team.import_dialog import ImportDialog

logger = logging.getLogger(__name__)

AskOpen = Callable[[QWidget], str | None]


def ask_open_path(parent: QWidget) -> str | None:
    path, _ = QFileDialog.getOpenFileName(
        parent, tr("Import a caseload"), "", tr("CSV files (*.csv);;All files (*)")
    )
    return path or None


class _Progress(QObject):
    """Emitted on the worker, delivered on the GUI thread (the receiver lives there)."""

    moved = Signal(int, int)


def summary_of(report: ImportReport, *, done: bool = False) -> str:
    if report.bad:
        n = len(report.bad)
        return (
            tr(
                "{n} rows cannot be imported. Fix them in the spreadsheet and check again: "
                "nothing is imported until every row is right."
            ).format(n=n)
            if n != 1
            else tr(
                "1 row cannot be imported. Fix it in the spreadsheet and check again: "
                "nothing is imported until every row is right."
            )
        )
    verb = tr("Imported") if done else tr("Ready to import")
    return tr(
        "{verb} {new} new people from {rows} rows; {merged} to merge, {skipped} to skip "
        "(already in the profile)."
    ).format(
        verb=verb,
        new=report.created,
        rows=report.rows,
        merged=report.merged,
        skipped=report.skipped,
    )


class ImportController(QObject):
    finished = Signal(object)  # the ImportReport of a completed import
    problem = Signal(str)  # a file that cannot be read, before the dialog opens

    def __init__(
        self, ops: Operations, parent_widget: QWidget, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.parent_widget = parent_widget
        self.ask_open_path: AskOpen = ask_open_path
        self.dialog: ImportDialog | None = None
        self._text: str | None = None
        self._progress = _Progress(self)

    def start(self) -> None:
        path = self.ask_open_path(self.parent_widget)
        if path:
            self.ops.read(
                lambda _ws: self._load(Path(path)), lambda r: self._show(path, *r), self._failed
            )

    @staticmethod
    def _load(path: Path) -> tuple[str, list[str]]:
        text = read_csv_file(path)
        headers, _ = read_rows(text)
        return text, headers

    def _failed(self, message: str) -> None:
        if self.dialog is not None:
            self.dialog.set_busy(False)
            self.dialog.show_check(message, [], False)
        else:
            self.problem.emit(message)

    def _show(self, path: str, text: str, headers: list[str]) -> None:
        self._text = text
        self.dialog = ImportDialog(Path(path).name, self.parent_widget)
        self.dialog.set_columns(guess_mapping(headers))
        self.dialog.check_requested.connect(self.check)
        self.dialog.import_requested.connect(self.run)
        self.dialog.finished.connect(lambda _r: self._forget())
        self._progress.moved.connect(self.dialog.show_progress)
        self.dialog.open()

    def _forget(self) -> None:
        self._text = None
        self.dialog = None

    def check(self) -> None:
        dialog, text = self.dialog, self._text
        if dialog is None or text is None:
            return
        mapping, duplicates = dialog.mapping(), dialog.on_duplicate()
        dialog.set_busy(True)
        self.ops.read(
            lambda ws: preview(ws, text, mapping=mapping, on_duplicate=duplicates),
            self._checked,
            self._failed,
        )

    def _checked(self, report: ImportReport) -> None:
        if self.dialog is None:
            return
        self.dialog.set_busy(False)
        lines = [
            tr("Line {line}: {reason}").format(line=b.line, reason=b.reason) for b in report.bad
        ]
        for dup in report.duplicates:
            how = tr("NHS number") if dup.by == "nhs_number" else tr("name and date of birth")
            note = tr(" (another NHS number: never merged)") if dup.different_nhs_number else ""
            lines.append(
                tr("Line {line}: already in the profile by {how}{note}").format(
                    line=dup.line, how=how, note=note
                )
            )
        self.dialog.show_check(summary_of(report), lines, report.ok and report.rows > 0)

    def run(self) -> None:
        dialog, text = self.dialog, self._text
        if dialog is None or text is None:
            return
        mapping, duplicates = dialog.mapping(), dialog.on_duplicate()
        dialog.set_busy(True)
        emit = self._progress.moved.emit
        result: list[ImportReport] = []

        def work(ws: Workspace) -> Change:
            report = import_caseload(
                ws,
                text,
                mapping=mapping,
                on_duplicate=duplicates,
                progress=emit,
            )
            result.append(report)
            return imported_change(report)

        self.ops.write(work, lambda _c: self._imported(result[0]), self._failed)

    def _imported(self, report: ImportReport) -> None:
        if self.dialog is not None:
            self.dialog.show_check(summary_of(report, done=True), [], False)
            self.dialog.check.setEnabled(False)
        self.finished.emit(report)

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self._forget()
