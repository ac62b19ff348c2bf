"""The Print dialog, offscreen: preview, large print, Save as PDF, and printing to a
QPrinter that writes a PDF file (no real printer is needed or touched)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.errors import NotFoundError
from app.reports.printing import PlanPrintJob, PrintablePlan
from app.workspace import Workspace
from storage.tables import AuditEvent
from tests.reports.conftest import Planted
from ui.kit.tasks import TaskRunner
from ui.record.print_dialog import PrintDialog, close_print_dialogs, printers_available

pytestmark = pytest.mark.gui


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    task_runner = TaskRunner()
    yield task_runner
    task_runner.shutdown()


def _printed_events(workspace: Workspace) -> list[dict[str, object]]:
    with workspace.store.read() as session:
        rows = session.execute(
            select(AuditEvent.detail)
            .where(AuditEvent.action == "plan_printed")
            .order_by(AuditEvent.device_seq)
        ).scalars()
        return [json.loads(d) for d in rows]


def _pages(path: Path) -> int:
    with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
        return len(pdf.pages)


def test_preview_save_and_print(
    qtbot: QtBot, runner: TaskRunner, demo: Workspace, planted: Planted, tmp_path: Path
) -> None:
    dialog = PrintDialog(runner, PlanPrintJob(demo, planted.nhs), "Print the plan")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10_000)
    plan = dialog.plan
    assert plan is not None and not plan.large_print
    assert dialog.document.pageCount() == plan.pages
    assert f"Version {planted.version}, agreed." in dialog.summary.text()
    assert dialog.save_button.isEnabled()
    assert dialog.print_button.isEnabled() == printers_available()

    # The same plan in large print, re-rendered off the GUI thread.
    dialog.large_print.setChecked(True)
    qtbot.waitUntil(lambda: dialog.plan is not None and dialog.plan.large_print, timeout=10_000)
    large = dialog.plan
    assert large is not None and large.pages > plan.pages
    assert dialog.document.pageCount() == large.pages
    dialog.large_print.setChecked(False)
    qtbot.waitUntil(lambda: dialog.plan is not None and not dialog.plan.large_print, timeout=10_000)

    # Save as PDF: the bytes previewed, with .pdf added, audited.
    dialog.save_to(tmp_path / "for the home folder")
    saved = tmp_path / "for the home folder.pdf"
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=10_000)
    assert "Saved to" in dialog.message.text()
    current = dialog.plan
    assert current is not None
    assert saved.read_bytes() == current.pdf

    # Print: audited first, then every page painted to the printer (a PDF file here).
    out = tmp_path / "printer.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    dialog.message.hide()
    dialog.print_to(printer)
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=30_000)
    assert "Sent" in dialog.message.text(), dialog.message.text()
    assert _pages(out) == current.pages

    events = _printed_events(demo)
    assert [e["to"] for e in events] == ["file", "printer"]
    assert all(e["version"] == planted.version for e in events)

    dialog.close()
    assert dialog.plan is None


def test_save_errors_are_shown_plainly(
    qtbot: QtBot, runner: TaskRunner, demo: Workspace, planted: Planted, tmp_path: Path
) -> None:
    dialog = PrintDialog(runner, PlanPrintJob(demo, planted.nhs), "Print the plan")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10_000)
    dialog.save_to(tmp_path / "missing" / "plan.pdf")
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=10_000)
    assert "does not exist" in dialog.message.text()
    assert dialog.message.property("error") is True
    assert not (tmp_path / "missing").exists()
    assert _printed_events(demo) == []


class _Unknown:
    def render(self, large_print: bool | None = None) -> PrintablePlan:
        raise NotFoundError("No one with NHS number 999 000 0018 is in this profile.")

    def save(self, plan: PrintablePlan, path: Path) -> None:  # pragma: no cover
        raise AssertionError("nothing to save")

    def printed(self, plan: PrintablePlan, copies: int = 1) -> None:  # pragma: no cover
        raise AssertionError("nothing to print")


def test_a_plan_that_cannot_be_prepared(qtbot: QtBot, runner: TaskRunner) -> None:
    dialog = PrintDialog(runner, _Unknown(), "Print the plan")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=10_000)
    assert "No one with NHS number" in dialog.message.text()
    assert not dialog.save_button.isEnabled()
    assert not dialog.print_button.isEnabled()


def test_lock_closes_open_dialogs(
    qtbot: QtBot, runner: TaskRunner, demo: Workspace, planted: Planted
) -> None:
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    qtbot.addWidget(window)
    dialog = PrintDialog(runner, PlanPrintJob(demo, planted.nhs), "Print the plan", window)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10_000)
    close_print_dialogs(window)
    assert dialog.plan is None
    assert not dialog.isVisible()
    assert dialog.document.pageCount() == 0
