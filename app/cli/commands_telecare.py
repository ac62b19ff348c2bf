"""`onerecord team telecare-due`: the telecare tests due among the team's open cases
(person, NHS number, equipment, due date, who responds, the phone line), the longest
overdue first; as a table, CSV or JSON. For the coordinator and the IG lead."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from app.cli.commands_profile import open_workspace
from app.cli.output import british_date, write_csv, write_json, write_table
from app.errors import UsageError

if TYPE_CHECKING:
    from app.services.support.telecare_due import TelecareDue


def _line(value: bool | None) -> str:
    return {True: "analogue: needs moving", False: "digital", None: "not known"}[value]


def _cells(r: TelecareDue) -> list[Any]:
    who = f"{r.responder} ({r.responder_detail})" if r.responder_detail else r.responder
    return [
        r.display_name,
        r.nhs_number_formatted,
        r.what,
        british_date(r.due_on) + (" overdue" if r.overdue else ""),
        who,
        _line(r.analogue_line),
        r.lead or "(unallocated)",
    ]


_HEADERS = ["Name", "NHS number", "Equipment", "Test due", "Who responds", "Phone line", "Lead"]


def telecare_due(args: argparse.Namespace) -> int:
    from app.services.support.telecare_due import telecare_due as listing

    if args.filter or args.out is not None:
        raise UsageError(
            "telecare-due takes no --filter or --out: use --format csv and save what it prints."
        )
    workspace = open_workspace(args)
    try:
        rows = listing(workspace)
    finally:
        workspace.close()
    if args.limit is not None:
        rows = rows[: args.limit]
    if args.format == "json":
        write_json(
            [
                {
                    "nhs_number": r.nhs_number,
                    "given_name": r.given_name,
                    "family_name": r.family_name,
                    "equipment": r.kind,
                    "description": r.description,
                    "due_on": r.due_on,
                    "overdue": r.overdue,
                    "responder": r.responder,
                    "responder_detail": r.responder_detail,
                    "analogue_line": r.analogue_line,
                    "lead_professional": r.lead,
                }
                for r in rows
            ]
        )
    elif args.format == "csv":
        write_csv(_HEADERS, [_cells(r) for r in rows])
    else:
        write_table(_HEADERS, [_cells(r) for r in rows])
        print(f"{len(rows):,} telecare tests due.", file=sys.stderr)
    return 0
