"""The weekly caseload summary for the team meeting, saved where the coordinator
chooses (atomic, audited). What it holds: weekly_summary_content.py; its pages:
weekly_summary_pdf.py.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app.reports.weekly_summary_content import gather_summary
from app.reports.weekly_summary_pdf import build_summary_pdf
from app.services.output_file import check_output_path, write_output
from app.workspace import Workspace
from storage.audit_log import append as audit

FILE_NAME = "weekly-caseload-summary.pdf"  # no names in file names


def render_summary(workspace: Workspace, *, now: datetime | None = None) -> tuple[bytes, int]:
    """(PDF bytes, pages)."""
    rendered = build_summary_pdf(gather_summary(workspace, now=now))
    return rendered.data, rendered.pages


def save_summary(workspace: Workspace, path: Path, *, now: datetime | None = None) -> int:
    """Write the PDF (atomic) with a `weekly_summary_printed` audit event; returns pages."""
    path = check_output_path(path)
    data, pages = render_summary(workspace, now=now)
    existed = path.exists()
    written = False
    try:
        with workspace.store.write(workspace.actor) as session:
            audit(session, "weekly_summary_printed", detail={"pages": pages, "to": "file"})
            write_output(path, data)
            written = True
    except BaseException:
        if written and not existed:
            path.unlink(missing_ok=True)
        raise
    return pages
