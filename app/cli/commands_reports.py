"""Report commands: print-plan (the PDF for the home folder), export (FHIR R4) and
report outcomes (the team's outcome report)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cli.break_glass_option import add_break_glass_argument, apply_break_glass
from app.cli.commands_profile import open_workspace
from app.reports.outcomes.periods import PERIOD_HELP
from app.values.nhs_number import NhsNumber

Common = Callable[[argparse.ArgumentParser], None]


def _print_plan(args: argparse.Namespace) -> int:
    from app.reports.printing import render_plan, save_plan
    from app.services.output_file import check_output_path

    # Everything that can be refused is refused before the passphrase is used.
    number = NhsNumber.parse(args.nhs)
    out = check_output_path(args.out)
    workspace = open_workspace(args)
    try:
        apply_break_glass(workspace, args, number.digits)
        plan = render_plan(workspace, number.digits, large_print=args.large_print or None)
        save_plan(workspace, plan, out)
    finally:
        workspace.close()
    state = "draft, not yet agreed" if plan.draft else "agreed"
    edition = ", large print" if plan.large_print else ""
    print(
        f"Saved the care and support plan (version {plan.version}, {state}{edition}, "
        f"{plan.pages} pages) to {out}."
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from app.reports.fhir import export_fhir, pretty, record_exported, save_export
    from app.services.output_file import check_output_path

    number = NhsNumber.parse(args.nhs)
    out = check_output_path(args.out) if args.out else None
    workspace = open_workspace(args)
    try:
        apply_break_glass(workspace, args, number.digits)
        export = export_fhir(workspace, number.digits)
        text = pretty(export.json)
        if out is None:
            record_exported(workspace, export, to="stdout")
            sys.stdout.write(text)
        else:
            save_export(workspace, export, text, out)
    finally:
        workspace.close()
    if out is not None:
        print(
            f"Exported {export.resources} FHIR resources (R4 transaction Bundle) to {out}.",
            file=sys.stderr,
        )
    return 0


def _outcomes(args: argparse.Namespace) -> int:
    from app.reports.outcomes.laptop_report import outcome_report, save_report
    from app.reports.outcomes.periods import chosen
    from app.reports.outcomes.published import to_text
    from app.services import clock
    from app.services.output_file import check_output_path

    period = chosen(args.start, args.end, args.period, clock.today())
    start, end = period.start, period.end
    out = check_output_path(args.csv or args.pdf) if (args.csv or args.pdf) else None
    workspace = open_workspace(args)
    try:
        report = outcome_report(workspace, start, end)
        if out is not None:
            save_report(workspace, report, out, "csv" if args.csv else "pdf")
    finally:
        workspace.close()
    if out is None:
        sys.stdout.write(to_text(report))
    else:
        print(f"Saved the outcome report to {out}.", file=sys.stderr)
    return 0


def register(sub: Any, common: Common) -> None:
    p = sub.add_parser(
        "print-plan", help="save a person's care and support plan as a PDF for the home folder"
    )
    common(p)
    p.add_argument("--nhs", required=True, help="NHS number, with or without spaces")
    p.add_argument("--out", required=True, type=Path, help="the PDF file to write")
    p.add_argument(
        "--large-print",
        action="store_true",
        help="16 pt text and larger headings (default: the person's recorded preference)",
    )
    add_break_glass_argument(p)
    p.set_defaults(handler=_print_plan)

    p = sub.add_parser("export", help="export a person's record (FHIR R4 transaction Bundle)")
    common(p)
    p.add_argument("--nhs", required=True, help="NHS number, with or without spaces")
    p.add_argument("--format", choices=["fhir"], default="fhir")
    p.add_argument(
        "--out", type=Path, default=None, help="the JSON file to write (default: standard output)"
    )
    add_break_glass_argument(p)
    p.set_defaults(handler=_export)

    report = sub.add_parser("report", help="reports on the team's work")
    report_sub = report.add_subparsers(
        dest="report_command", required=True, parser_class=sub._parser_class
    )
    p = report_sub.add_parser(
        "outcomes",
        help="the team's outcome report (coordinator and IG lead: it covers the whole"
        " team's caseload; numbers under 5 are not shown)",
        description="Referrals, first contact, reablement, still at home at 91 days,"
        " goals, unplanned admissions, plan reviews and people's experience for the"
        " coordinator's team. Only the coordinator and the IG lead may run it, because it"
        " counts the whole team's caseload; counts from 1 to 4 are shown as <5.",
    )
    common(p)
    p.add_argument("--from", dest="start", help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", help="last day, inclusive")
    p.add_argument("--period", help=PERIOD_HELP)
    where = p.add_mutually_exclusive_group()
    where.add_argument("--csv", type=Path, help="save as CSV (default: text on standard output)")
    where.add_argument("--pdf", type=Path, help="save as PDF")
    p.set_defaults(handler=_outcomes)
