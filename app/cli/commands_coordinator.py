"""Coordinator commands: import, team, allocate, weekly-summary, charts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.cli.commands_profile import open_workspace
from app.cli.output import Progress, british_date, write_json, write_table
from app.errors import InvalidInputError, UsageError
from app.services.team_caseload import SORTS, TeamQuery, TeamRow

Common = Callable[[argparse.ArgumentParser], None]
MAX_BAD_ROWS_PRINTED = 50


def _import(args: argparse.Namespace) -> int:
    from app.services.caseload_import import ImportRefusedError, import_caseload
    from app.services.caseload_import_rows import parse_mapping, read_csv_file

    mapping = parse_mapping(args.map or [])
    text = read_csv_file(args.csv)
    workspace = open_workspace(args)
    try:
        report = import_caseload(
            workspace,
            text,
            mapping=mapping,
            on_duplicate=args.on_duplicate,
            dry_run=args.dry_run,
            progress=None if args.dry_run else Progress("Importing"),
        )
    except ImportRefusedError as refused:
        for bad in refused.report.bad[:MAX_BAD_ROWS_PRINTED]:
            print(f"  {bad}", file=sys.stderr)
        if len(refused.report.bad) > MAX_BAD_ROWS_PRINTED:
            print(f"  … and {len(refused.report.bad) - MAX_BAD_ROWS_PRINTED} more", file=sys.stderr)
        raise
    finally:
        workspace.close()
    for dup in report.duplicates:
        how = "NHS number" if dup.by == "nhs_number" else "name and date of birth"
        note = " (another NHS number: not merged)" if dup.different_nhs_number else ""
        print(f"  line {dup.line}: already in the profile by {how}{note}", file=sys.stderr)
    verb = "Would import" if args.dry_run else "Imported"
    print(
        f"{verb} {report.created:,} new people from {report.rows:,} rows; "
        f"merged {report.merged:,}, skipped {report.skipped:,} already in the profile."
        + (" Nothing was written (dry run)." if args.dry_run else "")
    )
    return 0


# --filter NAME[=VALUE] -> TeamQuery fields.
_FLAGS = {
    "unallocated": {"unallocated": True},
    "at_risk": {"min_risk": 15},
    "consent_review_overdue": {"consent_review_overdue": True},
    "risk_review_overdue": {"risk_review_overdue": True},
    "conflicts": {"with_conflicts": True},
    "closed": {"include_closed": True},
    "overdue_visits": {"next_visit": "overdue"},
    "overdue_plan_reviews": {"plan_review": "overdue"},
}
_VALUED = ("search", "locality", "level_of_need", "lead", "min_risk", "next_visit", "plan_review")


def team_query(filters: list[str], sort: str, descending: bool) -> tuple[TeamQuery, str | None]:
    """The query, and a lead professional's name to look up once the profile is open."""
    query = TeamQuery(sort=sort, descending=descending)
    lead: str | None = None
    for item in filters:
        name, sep, value = item.partition("=")
        name = name.strip().lower().replace("-", "_")
        if not sep and name in _FLAGS:
            query = replace(query, **_FLAGS[name])  # type: ignore[arg-type]
        elif sep and name in _VALUED:
            if name == "min_risk":
                if not value.strip().isdigit():
                    raise UsageError("min_risk should be a whole number from 1 to 25.")
                query = replace(query, min_risk=int(value))
            elif name == "level_of_need":
                from app.values.vocab import LevelOfNeed

                query = replace(query, level_of_need=LevelOfNeed.parse(value).value)
            elif name == "lead":
                lead = value.strip()
            else:
                query = replace(query, **{name: value.strip()})  # type: ignore[arg-type]
        else:
            choices = ", ".join([*_FLAGS, *(f"{v}=VALUE" for v in _VALUED)])
            raise UsageError(f"'{item}' is not a team filter. Filters: {choices}.")
    return query, lead


def _json_row(r: TeamRow) -> dict[str, Any]:
    return {
        "nhs_number": r.nhs_number,
        "given_name": r.given_name,
        "family_name": r.family_name,
        "date_of_birth": r.date_of_birth,
        "locality": r.locality,
        "level_of_need": r.level_of_need,
        "lead_professional": r.lead_professional,
        "highest_risk": r.highest_risk,
        "last_contact": r.last_contact,
        "next_visit_due": r.next_visit_due,
        "plan_review_due": r.plan_review_due,
        "consent_review_due": r.consent_review_due,
        "open_conflicts": r.open_conflicts,
    }


def _team(args: argparse.Namespace) -> int:
    from app.services.allocation import staff_id_for
    from app.services.caseload_export import export_team_csv, team_listing

    query, lead_name = team_query(args.filter or [], args.sort, args.descending)
    workspace = open_workspace(args)
    try:
        if lead_name is not None:
            with workspace.store.read() as session:
                lead = staff_id_for(session, lead_name)
            query = replace(query, lead_professional_id=lead, unallocated=lead is None)
        if args.out is not None:
            count = export_team_csv(workspace, query, args.out)
            print(f"Saved {count:,} people to {args.out}.", file=sys.stderr)
            return 0
        rows = team_listing(workspace, query, fmt=args.format, limit=args.limit)
    finally:
        workspace.close()
    if args.format == "json":
        write_json([_json_row(r) for r in rows])
    elif args.format == "csv":
        from app.services.caseload_export import to_csv

        sys.stdout.write(to_csv(rows)[0])
    else:
        headers = ["NHS number", "Name", "Need", "Lead", "Risk", "Last contact", "Next visit"]
        headers += ["Plan review", "Consent review", "Conflicts"]
        write_table(
            headers,
            [
                [
                    r.nhs_number_formatted,
                    r.display_name,
                    r.level_of_need,
                    r.lead_professional or "(unallocated)",
                    r.highest_risk or "",
                    british_date(r.last_contact),
                    british_date(r.next_visit_due),
                    british_date(r.plan_review_due),
                    british_date(r.consent_review_due),
                    r.open_conflicts or "",
                ]
                for r in rows
            ],
        )
    return 0


def _allocate(args: argparse.Namespace) -> int:
    from app.services.allocation import allocate_by_nhs

    workspace = open_workspace(args)
    try:
        change = allocate_by_nhs(workspace, nhs_numbers=args.nhs, staff=args.to)
    finally:
        workspace.close()
    if not change.fields:
        print(f"Nothing to change: already led by {args.to}.")
    else:
        print(f"Lead professional set to {args.to}. The change syncs at the next sync.")
    return 0


def _weekly_summary(args: argparse.Namespace) -> int:
    from app.reports.printing import check_output_path
    from app.reports.weekly_summary import save_summary

    out = check_output_path(args.out)
    workspace = open_workspace(args)
    try:
        pages = save_summary(workspace, out)
    finally:
        workspace.close()
    print(f"Saved the weekly caseload summary ({pages} pages) to {out}.")
    return 0


def _charts(args: argparse.Namespace) -> int:
    from app.reports.team_charts import save_charts

    folder: Path = args.out_dir.expanduser()
    if not folder.is_dir():
        raise InvalidInputError(f"The folder {folder} does not exist: choose another.")
    workspace = open_workspace(args)
    try:
        written = save_charts(workspace, folder)
    finally:
        workspace.close()
    print(f"Saved {len(written)} charts to {folder}: {', '.join(p.name for p in written)}.")
    return 0


def register(sub: Any, common: Common) -> None:
    p = sub.add_parser("import", help="import a caseload from a CSV file (all rows or none)")
    common(p)
    p.add_argument("--csv", required=True, type=Path, help="the CSV file (first row: headings)")
    p.add_argument("--map", action="append", metavar="COLUMN=FIELD", help="which column is which")
    p.add_argument("--on-duplicate", choices=["skip", "merge"], default="skip")
    p.add_argument("--dry-run", action="store_true", help="check every row; write nothing")
    p.set_defaults(handler=_import)

    p = sub.add_parser("team", help="the team caseload, with overdue work and conflicts")
    common(p)
    p.add_argument("--filter", action="append", metavar="NAME[=VALUE]")
    p.add_argument("--sort", choices=sorted(SORTS), default="name")
    p.add_argument("--descending", action="store_true")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--out", type=Path, default=None, help="save the whole view as CSV here")
    p.set_defaults(handler=_team)

    p = sub.add_parser("allocate", help="set the lead professional of one or more people")
    common(p)
    p.add_argument("--nhs", required=True, action="append", help="NHS number (repeatable)")
    p.add_argument("--to", required=True, help="staff member's name or id; 'none' unallocates")
    p.set_defaults(handler=_allocate)

    p = sub.add_parser("weekly-summary", help="the weekly caseload summary PDF for the team")
    common(p)
    p.add_argument("--out", required=True, type=Path, help="the PDF file to write")
    p.set_defaults(handler=_weekly_summary)

    p = sub.add_parser("charts", help="save the team's charts as PNG files")
    common(p)
    p.add_argument("--out-dir", required=True, type=Path, help="an existing folder")
    p.set_defaults(handler=_charts)
