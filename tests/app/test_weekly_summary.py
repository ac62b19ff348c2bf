"""The weekly caseload summary: a real PDF, parsed back with pdfplumber."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pdfplumber
from sqlalchemy import select

from app.reports.weekly_summary import save_summary
from app.workspace import Workspace
from storage.tables import AuditEvent
from tests.app.team_data import NOW, build_team


def test_the_summary_holds_counts_loads_charts_and_who_needs_a_decision(
    workspace: Workspace, tmp_path: Path
) -> None:
    build_team(workspace)
    out = tmp_path / "weekly.pdf"
    pages = save_summary(workspace, out, now=NOW)
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == pages >= 3
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        images = sum(len(page.images) for page in pdf.pages)
        assert pdf.metadata.get("Title") == "Weekly caseload summary"
        assert not pdf.metadata.get("Author")
    assert images == 3  # the three charts
    assert b"DejaVuSans" in data  # the embedded Unicode font
    assert "Week commencing 16 November 2026" in text
    # Counts: 4 open people, 1 unallocated, 2 visits overdue, 2 at high risk.
    first_page = text.split("Caseload per practitioner")[0]
    assert "People open to" in first_page
    assert "4 1 1 2 2 1 1 1" in first_page
    assert "Ceri Jones Social worker 2 0 1 1 5 1 1" in text
    assert "Ola Nowak Occupational therapist 1 1 0 0 1 0 0" in text
    assert "Unallocated: no lead professional (1)" in text
    assert "Kumar, Dev 999 000 0042 Unallocated 16" in text
    assert "High risk (score 15 or more) (2)" in text
    assert "Care plan review overdue (1)" in text and "Ashworth, Ada" in text
    assert "Evans" not in text  # Efa's case is closed
    assert "Confidential: contains personal data" in text
    with workspace.store.read() as s:
        event = s.execute(
            select(AuditEvent).where(AuditEvent.action == "weekly_summary_printed")
        ).scalar_one()
    assert json.loads(event.detail) == {"pages": pages, "to": "file"}
