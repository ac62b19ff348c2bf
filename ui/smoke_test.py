"""`onerecord gui --smoke-test`: prove a build's desktop half works, then quit.

For the packaged build's test (tests/packaging/test_built_app.py), which cannot click. It
runs the real app on whatever Qt platform is set (offscreen in CI) and checks, in order:
the platform plugin loaded; the SVG image plugin reads the stylesheet's icons; the
unlock window paints with the stylesheet; then, with ONERECORD_PASSPHRASE set, it
types the passphrase into the unlock window, waits for the main window, and opens the
Print dialog for the first person on the caseload, waiting until QtPdf has laid out
the rendered plan. Each step prints one `smoke:` line; the exit code is 0 only if
every step passed. Nothing identifiable is printed (counts and page numbers only).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QImage, QImageReader
from PySide6.QtWidgets import QApplication

import resources
from app.services.caseload import caseload
from app.workspace import Workspace
from ui.app_controller import AppController

if TYPE_CHECKING:
    from ui.record.print_dialog import PrintDialog

logger = logging.getLogger(__name__)

STEP_TIMEOUT_S = 60.0
POLL_MS = 100


class SmokeTest:
    def __init__(self, app: QApplication, controller: AppController) -> None:
        self._app = app
        self._controller = controller
        self._passphrase = os.environ.get("ONERECORD_PASSPHRASE", "")

    def start(self) -> None:
        QTimer.singleShot(0, self._check_platform)

    # -- steps ----------------------------------------------------------------------------

    def _check_platform(self) -> None:
        self._say(f"platform {QGuiApplication.platformName()}")
        formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
        if "svg" not in formats:
            return self._fail("the SVG image plugin is missing (imageformats/qsvg)")
        icons = sorted(Path(resources.folder()).glob("*.svg"))
        if not icons:
            return self._fail("no SVG icons shipped in resources/")
        for icon in icons:
            if QImage(str(icon)).isNull():
                return self._fail(f"{icon.name} did not load")
        if resources.folder() not in self._app.styleSheet():
            return self._fail("the stylesheet is not applied")
        self._say(f"svg: {len(icons)} icons load; stylesheet applied")
        window = self._controller.unlock_window
        self._wait(window.isVisible, "the unlock window to show", self._paint_unlock)

    def _paint_unlock(self) -> None:
        window = self._controller.unlock_window
        if window.grab().isNull():
            return self._fail("the unlock window did not paint")
        self._say("unlock window painted")
        if not self._passphrase:
            return self._finish()
        window.passphrase.setText(self._passphrase)
        window.unlock_button.click()
        self._wait(
            lambda: self._controller.unlocked and self._controller.main_window.isVisible(),
            "the main window after unlocking",
            self._find_person,
            refused=self._unlock_refused,
        )

    def _unlock_refused(self) -> str | None:
        """The unlock window's own plain message once it has given up (never patient data)."""
        window = self._controller.unlock_window
        if window.busy.isVisible() or not window.message.isVisible():
            return None
        return f"unlock refused: {window.message.text()}"

    def _find_person(self) -> None:
        self._say("unlocked; main window shown")
        self._controller.ops.read(_first_printable, on_done=self._print, on_error=self._fail)

    def _print(self, person: tuple[str, str] | None) -> None:
        if person is None:
            return self._fail("nobody on the caseload to print a plan for")
        nhs, name = person
        self._controller.print_plan(nhs, name)
        from ui.record.print_dialog import PrintDialog  # imported by print_plan: QtPdf loaded

        dialogs = self._controller.main_window.findChildren(PrintDialog)
        if not dialogs:
            return self._fail("the Print dialog did not open")
        dialog = dialogs[-1]
        self._wait(
            lambda: dialog.plan is not None and dialog.document.pageCount() > 0,
            "the plan's preview",
            lambda: self._previewed(dialog),
        )

    def _previewed(self, dialog: PrintDialog) -> None:
        pages = dialog.document.pageCount()
        self._say(f"print preview: {pages} page(s) laid out by QtPdf")
        dialog.close()
        self._finish()

    # -- plumbing -------------------------------------------------------------------------

    def _wait(
        self,
        ready: Callable[[], bool],
        what: str,
        then: Callable[[], None],
        *,
        refused: Callable[[], str | None] = lambda: None,
    ) -> None:
        deadline = time.monotonic() + STEP_TIMEOUT_S

        def poll() -> None:
            if ready():
                then()
            elif reason := refused():
                self._fail(reason)
            elif time.monotonic() > deadline:
                self._fail(f"timed out waiting for {what}")
            else:
                QTimer.singleShot(POLL_MS, poll)

        poll()

    def _say(self, text: str) -> None:
        print(f"smoke: {text}", flush=True)

    def _finish(self) -> None:
        self._say("ok")
        self._app.exit(0)

    def _fail(self, reason: str) -> None:
        print(f"smoke: FAILED: {reason}", file=sys.stderr, flush=True)
        self._app.exit(1)


def _first_printable(workspace: Workspace) -> tuple[str, str] | None:
    """The first person whose whole record this user may see (need-to-know)."""
    _total, rows = caseload.fetch(workspace, caseload.CaseloadQuery(limit=50))
    for row in rows:
        if not row.limited:
            return row.nhs_number, f"{row.given_name} {row.family_name}"
    return None
