"""The coordinator's outcome report on the laptop: the team's facts read from the
encrypted store (`laptop_facts`), the measures computed and suppressed (`measures`),
and saved where the user chooses as PDF or CSV (atomic, audited).

For the team's coordinator and the IG lead (`team_scope`): the report counts the
team's whole caseload, and those are the two roles that review the team's work. Its
figures are counts and averages with small numbers suppressed: no one's personal data.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Literal

from app.reports.outcomes.draft import OutcomeReport
from app.reports.outcomes.laptop_facts import facts_for
from app.reports.outcomes.measures import compute
from app.reports.outcomes.published import to_csv
from app.reports.outcomes.published_pdf import render_pdf
from app.services import clock
from app.services.output_file import check_output_path, write_output
from app.services.team.team_scope import team_scope
from app.workspace import Workspace
from storage import settings
from storage.audit_log import append as audit
from storage.tables import Team

logger = logging.getLogger(__name__)

PDF_NAME = "outcomes.pdf"  # no names in file names
CSV_NAME = "outcomes.csv"
Format = Literal["pdf", "csv"]


def outcome_report(
    workspace: Workspace, start: date, end: date, *, as_of: date | None = None
) -> OutcomeReport:
    """The team's report for [start, end], as the records stand today (or `as_of`)."""
    as_of = as_of or clock.today()
    with workspace.store.read() as session:
        scope = team_scope(session, workspace.actor)
        team_id = settings.get(session, settings.HOME_TEAM)
        team = session.get(Team, team_id) if team_id else None
        name = team.name if team else "Locality team"
        facts = facts_for(session, scope.people(), as_of)
    return compute(facts, start, end, scope=name)


def save_report(workspace: Workspace, report: OutcomeReport, path: Path, kind: Format) -> None:
    """Write the report (atomic) with an `outcome_report_saved` audit event."""
    path = check_output_path(path)
    data = render_pdf(report).data if kind == "pdf" else to_csv(report).encode("utf-8")
    existed = path.exists()
    written = False
    try:
        with workspace.store.write(workspace.actor) as session:
            detail = {
                "format": kind,
                "from": report.start.isoformat(),
                "to": report.end.isoformat(),
            }
            audit(session, "outcome_report_saved", detail=detail)
            write_output(path, data)
            written = True
    except BaseException:
        if written and not existed:
            path.unlink(missing_ok=True)
        raise
