"""The team caseload as the coordinator is looking at it, saved as CSV.

Exactly the rows of the current view (its filters and sort), every page of it,
fetched in SQL pages. Cells that a spreadsheet would run as a formula are
defused as `app.cli.output` does. The file is written atomically where the user
chose, and the export is a `caseload_exported` audit event (counts and filter
names only); if the event cannot be recorded the file is taken back.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from app.services.output_file import check_output_path, write_output
from app.services.team.team_caseload import TeamQuery, TeamRow, list_team
from app.services.team.team_scope import team_scope
from app.workspace import Workspace
from storage.audit_log import append as audit

logger = logging.getLogger(__name__)

HEADERS = (
    "NHS number",
    "Family name",
    "Given name",
    "Date of birth",
    "Locality",
    "Level of need",
    "Lead professional",
    "Highest risk",
    "Last contact",
    "Next visit due",
    "Plan review due",
    "Consent review due",
    "Open conflicts",
)
PAGE = 1000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A cell starting with = + - @ (or a tab or return) would run as a formula."""
    if isinstance(value, str) and value[:1] in _FORMULA_START:
        return "'" + value
    return value


def _iso(value: object) -> str:
    return "" if value is None else value.isoformat()  # type: ignore[attr-defined]


def cells(row: TeamRow) -> list[object]:
    return [
        row.nhs_number_formatted,
        row.family_name,
        row.given_name,
        _iso(row.date_of_birth),
        row.locality or "",
        row.level_of_need,
        row.lead_professional or "Unallocated",
        "" if row.highest_risk is None else row.highest_risk,
        _iso(row.last_contact.date() if row.last_contact else None),
        _iso(row.next_visit_due.date() if row.next_visit_due else None),
        _iso(row.plan_review_due),
        _iso(row.consent_review_due),
        row.open_conflicts,
    ]


def to_csv(rows: Iterable[TeamRow]) -> tuple[str, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    count = 0
    for row in rows:
        writer.writerow([safe_cell(c) for c in cells(row)])
        count += 1
    return buffer.getvalue(), count


def _filters_used(query: TeamQuery) -> list[str]:
    defaults = TeamQuery()
    skip = {"sort", "descending", "limit", "offset", "as_of"}
    return sorted(
        name
        for name, value in vars(query).items()
        if name not in skip and value != getattr(defaults, name)
    )


def export_team_csv(workspace: Workspace, query: TeamQuery, path: Path) -> int:
    """Write every row the view shows to `path`; returns how many people were written."""
    path = check_output_path(path)
    existed = path.exists()
    written = False
    try:
        with workspace.store.write(workspace.actor) as session:
            scope = team_scope(session, workspace.actor)
            rows: list[TeamRow] = []
            offset = 0
            while True:
                page = list_team(session, replace(query, offset=offset, limit=PAGE), scope)
                rows.extend(page)
                offset += PAGE
                if len(page) < PAGE:
                    break
            text, count = to_csv(rows)
            audit(
                session,
                "caseload_exported",
                detail={"rows": count, "filters": _filters_used(query), "format": "csv"},
            )
            # Excel reads UTF-8 with a byte-order mark as UTF-8 (names with accents survive).
            write_output(path, ("\ufeff" + text).encode("utf-8"))
            written = True
    except BaseException:
        if written and not existed:
            path.unlink(missing_ok=True)
        raise
    return count


def team_listing(
    workspace: Workspace, query: TeamQuery, *, fmt: str, limit: int | None = None
) -> list[TeamRow]:
    """The view's rows for the command line, recorded as a listing (who, how many, format)."""
    with workspace.store.write(workspace.actor) as session:
        scope = team_scope(session, workspace.actor)
        rows = list_team(session, replace(query, limit=limit, offset=0), scope)
        audit(
            session,
            "team_caseload_listed",
            detail={"rows": len(rows), "filters": _filters_used(query), "format": fmt},
        )
    return rows
