"""`onerecord plan end`: end a strength, a need or a contingency plan (no longer
true, met, or no longer needed). It stays in the record's history; the plan as it
stands leaves it out. The ids are in `onerecord show`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from app.cli.commands_profile import open_workspace
from app.services.care.plan_endings import ENDABLE, end_entry

Common = Callable[[argparse.ArgumentParser], None]


def _end(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    try:
        end_entry(workspace, kind=args.kind, entry_id=args.id, ended_on=args.on)
    finally:
        workspace.close()
    print("Ended: kept in the record, out of the plan as it stands.")
    return 0


def register(sub: Any, common: Common) -> None:
    plan = sub.add_parser("plan", help="the care and support plan")
    plan_sub = plan.add_subparsers(
        dest="plan_command", required=True, parser_class=sub._parser_class
    )
    p = plan_sub.add_parser("end", help="end a strength, need or contingency plan")
    common(p)
    p.add_argument("--kind", required=True, choices=sorted(ENDABLE))
    p.add_argument("--id", required=True, help="its id (onerecord show lists them)")
    p.add_argument("--on", help="the date it ended (default today)")
    p.set_defaults(handler=_end)
