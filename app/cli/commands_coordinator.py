"""Coordinator commands: import, team, allocate, weekly-summary, charts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cli import commands_team
from app.cli.commands_profile import open_workspace
from app.cli.output import Progress
from app.errors import InvalidInputError

Common = Callable[[argparse.ArgumentParser], None]
MAX_BAD_ROWS_PRINTED = 50


def _import(args: argparse.Namespace) -> int:
    from app.services.caseload.caseload_import import ImportRefusedError, import_caseload
    from app.services.caseload.caseload_import_rows import parse_mapping, read_csv_file

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


def _allocate(args: argparse.Namespace) -> int:
    from app.services.caseload.allocation import allocate_by_nhs

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
    from app.reports.weekly_summary import save_summary
    from app.services.output_file import check_output_path

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
        raise InvalidInputError(
            "The folder {folder} does not exist: choose another.", folder=folder
        )
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

    commands_team.register(sub, common)

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
