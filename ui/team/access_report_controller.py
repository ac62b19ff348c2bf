"""The access report's work: read it on the task runner with the dialog's filters,
only for coordinators and the information-governance lead (the service refuses
anyone else too), and forget it on lock."""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from app.errors import OneRecordError
from app.services import clock
from app.services.need_to_know import access_report
from app.services.need_to_know.access_report import AccessRow, ReportQuery
from app.workspace import Workspace
from ui.kit.operations import Operations
from ui.team.access_report_dialog import AccessReportDialog

logger = logging.getLogger(__name__)

# The report opens on the last four weeks.
DEFAULT_DAYS = 28


def may_see_report(role: str | None) -> bool:
    return role in access_report.REPORT_ROLES


def _fetch(workspace: Workspace, query: ReportQuery) -> tuple[list[AccessRow], int]:
    return access_report.fetch(workspace, query)


class AccessReportController(QObject):
    def __init__(self, ops: Operations, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self.dialog: AccessReportDialog | None = None

    def open(self, parent: QWidget) -> AccessReportDialog | None:
        if not self._ops.unlocked:
            return None
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        dialog = AccessReportDialog(parent)
        today = clock.today()
        dialog.set_dates(today - timedelta(days=DEFAULT_DAYS), today)
        dialog.filters_changed.connect(self.reload)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        self.reload()
        dialog.open()
        return dialog

    def reload(self) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        chosen = dialog.filters()
        try:
            query = ReportQuery(
                start=chosen.start,
                end=chosen.end,
                kinds=frozenset({chosen.kind}) if chosen.kind else frozenset(),
                staff=chosen.staff,
                nhs_number=chosen.nhs,
            )
        except OneRecordError as exc:
            dialog.show_error(str(exc))
            return
        self._ops.read(
            partial(_fetch, query=query),
            on_done=lambda found: self._show(dialog, found),
            on_error=dialog.show_error,
        )

    def _show(self, dialog: AccessReportDialog, found: tuple[list[AccessRow], int]) -> None:
        if dialog is self.dialog:
            dialog.set_rows(*found)

    def close(self) -> None:
        """On lock: empty it first (nothing identifiable stays in a model), then close."""
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.clear()
            dialog.reject()

    def _forget(self, dialog: AccessReportDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.clear()
        dialog.deleteLater()
