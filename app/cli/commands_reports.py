"""Report commands: print-plan (the PDF for the home folder) and export (FHIR R4)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cli.break_glass_option import add_break_glass_argument, apply_break_glass
from app.cli.commands_profile import open_workspace
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
