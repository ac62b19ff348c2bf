"""`onerecord audit verify` and `onerecord audit report`.

verify: every hash chain in the profile, this laptop's pruned links and its anchor
        (the newest events removed are caught too).
report: the access report for coordinators and the IG lead (who looked at whom,
        break-glass with reasons, failed unlocks, prints, exports), filtered by
        date, kind, staff and person; table, CSV or JSON.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from app.cli.choices import ACCESS_KINDS
from app.cli.commands_profile import open_workspace
from app.cli.output import write_csv, write_json, write_table
from app.rules import parse_date

if TYPE_CHECKING:
    from app.services.need_to_know.access_report import AccessRow, ReportQuery

Common = Callable[[argparse.ArgumentParser], None]
HEADERS = ["When", "Kind", "Staff", "Role", "Organisation", "Person", "Reason", "Detail"]


def _verify(args: argparse.Namespace) -> int:
    from storage.audit_anchor import verify_store

    workspace = open_workspace(args)
    try:
        checked, problems = verify_store(workspace.store)
    finally:
        workspace.close()
    for p in problems[:50]:
        print(f"device {p.device_id[:8]} event {p.device_seq}: {p.problem}")
    if problems:
        print(
            f"The audit log has been tampered with: {len(problems)} problem(s) "
            f"in {checked:,} events.",
            file=sys.stderr,
        )
        return 1
    print(f"Audit log intact: {checked:,} events, every hash chain verified.")
    return 0


def _detail_text(row: AccessRow) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(row.detail.items()))


def print_rows(rows: Sequence[AccessRow], fmt: str, total: int) -> None:
    """The report on stdout; the server's report prints through this too."""
    if fmt == "json":
        write_json(
            [
                {
                    "at": r.at.isoformat(),
                    "kind": r.kind,
                    "action": r.action,
                    "staff": r.staff,
                    "role": r.role,
                    "organisation": r.organisation,
                    "device": r.device,
                    "person": r.person,
                    "reason": r.reason,
                    "detail": r.detail,
                }
                for r in rows
            ]
        )
        return
    cells = [
        [
            r.at.isoformat(timespec="seconds") if fmt == "csv" else r.at.strftime("%d %b %Y %H:%M"),
            r.kind.upper() if r.highlighted and fmt == "table" else r.kind,
            r.staff,
            r.role,
            r.organisation,
            r.person,
            r.reason,
            _detail_text(r),
        ]
        for r in rows
    ]
    if fmt == "csv":
        write_csv(HEADERS, cells)
        return
    write_table(HEADERS, cells)
    shown = f"{len(rows):,} of {total:,}" if total > len(rows) else f"{total:,}"
    print(f"{shown} event(s).", file=sys.stderr)


def query_of(args: argparse.Namespace) -> ReportQuery:
    from app.services.need_to_know.access_report import ReportQuery

    return ReportQuery(
        start=parse_date(args.start, "from date") if args.start else None,
        end=parse_date(args.end, "to date") if args.end else None,
        kinds=frozenset(args.kind or ()),
        staff=args.staff,
        nhs_number=getattr(args, "nhs", None),
        limit=args.limit,
    )


def _report(args: argparse.Namespace) -> int:
    from app.services.need_to_know.access_report import fetch

    query = query_of(args)
    workspace = open_workspace(args)
    try:
        rows, total = fetch(workspace, query)
    finally:
        workspace.close()
    print_rows(rows, args.format, total)
    return 0


def report_arguments(p: argparse.ArgumentParser) -> None:
    """The filters, shared with `onerecord-server audit report`."""
    p.add_argument("--from", dest="start", help="first day (e.g. 01/11/2026 or 2026-11-01)")
    p.add_argument("--to", dest="end", help="last day, inclusive")
    p.add_argument(
        "--kind", action="append", choices=ACCESS_KINDS, help="only this kind (repeatable)"
    )
    p.add_argument("--staff", help="part of a member of staff's name, or their id")
    p.add_argument("--limit", type=int, default=500, help="at most this many rows (newest first)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")


def register(sub: Any, common: Common) -> None:
    audit = sub.add_parser("audit", help="the tamper-evident audit log")
    audit_sub = audit.add_subparsers(
        dest="audit_command", required=True, parser_class=sub._parser_class
    )
    p = audit_sub.add_parser("verify", help="verify every event's hash chain")
    common(p)
    p.set_defaults(handler=_verify)
    p = audit_sub.add_parser(
        "report", help="who looked at whom, break-glass, failed unlocks (coordinators, IG lead)"
    )
    common(p)
    report_arguments(p)
    p.add_argument("--nhs", help="only events about this person")
    p.set_defaults(handler=_report)
