"""Printing and saving the care plan: render in memory, write atomically, audit.

Used by `onerecord print-plan` and by the desktop app's Print dialog (through
`PlanPrintJob`, whose methods run on the task runner, never the GUI thread).
Every print or save is a "plan_printed" audit event with the plan version; the
event and the file are one unit: if the file cannot be written the event is
rolled back, and if the event cannot be recorded the file is removed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.reports.plan_content import plan_content
from app.reports.plan_model import PlanContent
from app.reports.plan_pdf import build_plan_pdf
from app.services.output_file import check_output_path, write_output
from app.services.record.people import find
from app.services.record.record_snapshot import load_snapshot
from app.values.nhs_number import NhsNumber
from app.workspace import Workspace
from storage.audit_log import append as audit


@dataclass(frozen=True)
class PrintablePlan:
    """A rendered plan, ready to preview, save or print."""

    pdf: bytes
    pages: int
    person_id: str
    version: int
    draft: bool
    large_print: bool
    # Suggested file name (no name or NHS number in it: file names end up in
    # recent-file lists, backups and sync tools).
    file_name: str

    def audit_detail(self, to: str) -> dict[str, object]:
        return {
            "version": self.version,
            "status": "draft" if self.draft else "agreed",
            "pages": self.pages,
            "large_print": self.large_print,
            "to": to,
        }


def load_plan(workspace: Workspace, nhs_number: str, *, now: datetime | None = None) -> PlanContent:
    with workspace.store.read() as session:
        # Need-to-know first (the snapshot): a plan is printed only by someone who may
        # open the record.
        snap = load_snapshot(session, workspace.actor, find(session, nhs_number).id)
        return plan_content(snap, now=now)


def render_plan(
    workspace: Workspace,
    nhs_number: str,
    *,
    large_print: bool | None = None,
    now: datetime | None = None,
) -> PrintablePlan:
    """Read the plan (one read session) and lay it out. `large_print=None` follows the
    person's own preference recorded in their record."""
    content = load_plan(workspace, nhs_number, now=now)
    large = content.person.large_print if large_print is None else large_print
    rendered = build_plan_pdf(content, large_print=large)
    plan = content.plan
    suffix = "-draft" if plan.draft else ""
    return PrintablePlan(
        pdf=rendered.data,
        pages=rendered.pages,
        person_id=content.person.person_id,
        version=plan.version,
        draft=plan.draft,
        large_print=large,
        file_name=f"care-plan-v{plan.version}{suffix}{'-large-print' if large else ''}.pdf",
    )


def save_plan(workspace: Workspace, plan: PrintablePlan, path: Path) -> None:
    """Write the PDF where the user chose and record that it was printed to a file."""
    path = check_output_path(path)
    existed = path.exists()
    written = False
    try:
        with workspace.store.write(workspace.actor) as session:
            audit(
                session, "plan_printed", person_id=plan.person_id, detail=plan.audit_detail("file")
            )
            write_output(path, plan.pdf)
            written = True
    except BaseException:
        # The file went out but the event did not commit: take the file back.
        if written and not existed:
            path.unlink(missing_ok=True)
        raise


def record_printed(workspace: Workspace, plan: PrintablePlan, *, copies: int = 1) -> None:
    """A plan sent to a printer (the print itself happens in the desktop app)."""
    detail = plan.audit_detail("printer")
    detail["copies"] = max(1, copies)
    with workspace.store.write(workspace.actor) as session:
        audit(session, "plan_printed", person_id=plan.person_id, detail=detail)


class PlanPrintJob:
    """One person's plan, bound to an unlocked workspace, for the Print dialog.

    Every method touches the store: call them on the task runner.
    """

    def __init__(self, workspace: Workspace, nhs_number: str) -> None:
        self._workspace = workspace
        self._nhs = NhsNumber.parse(nhs_number).digits

    def render(self, large_print: bool | None = None) -> PrintablePlan:
        return render_plan(self._workspace, self._nhs, large_print=large_print)

    def save(self, plan: PrintablePlan, path: Path) -> None:
        save_plan(self._workspace, plan, path)

    def printed(self, plan: PrintablePlan, copies: int = 1) -> None:
        record_printed(self._workspace, plan, copies=copies)
