"""Someone beyond the team, from the command line (enrolled and online):

onerecord find-beyond-team QUERY
onerecord break-glass (--nhs N | --person ID) --reason R
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from app.cli import passphrase
from app.errors import UsageError

if TYPE_CHECKING:
    from app.workspace import Workspace

Common = Any


def _open(args: argparse.Namespace) -> Workspace:
    from app import workspace as workspaces

    return workspaces.unlock(args.profile, passphrase.read(args.passphrase_file), for_sync=True)


def _find(args: argparse.Namespace) -> int:
    from sync.client.beyond_team import find_beyond_team

    workspace = _open(args)
    try:
        found = find_beyond_team(workspace, args.query)
    finally:
        if workspace.store.is_open:
            workspace.close()
    if not found:
        print("No one beyond your team matches.")
        return 0
    for person in found:
        born = person.year_of_birth or "?"
        print(f"{person.person_id}  {person.name}  born {born}  {person.locality or ''}".rstrip())
    print(
        "Opening any of these needs break-glass: "
        "onerecord break-glass --person ID --reason '...' (audited, reported)."
    )
    return 0


def _break_glass(args: argparse.Namespace) -> int:
    from sync.client.beyond_team import break_glass_beyond_team

    if not (args.nhs or args.person):
        raise UsageError("Say whose record: --nhs NUMBER or --person ID (from find-beyond-team).")
    workspace = _open(args)
    try:
        granted = break_glass_beyond_team(
            workspace, args.reason, person_id=args.person, nhs_number=args.nhs
        )
    finally:
        if workspace.store.is_open:
            workspace.close()
    print(
        f"Break-glass access until {granted.expires_at.astimezone():%H:%M}: audited and "
        "reported to the coordinator. The record is on this laptop now "
        f"(received {granted.report.pulled:,} changes)."
    )
    return 0


def register(sub: Any, common: Common) -> None:
    p = sub.add_parser(
        "find-beyond-team",
        help="search your organisation's people beyond your team (online; name, "
        "year of birth and locality only; audited)",
    )
    common(p)
    p.add_argument("query", help="at least 3 letters of the name")
    p.set_defaults(handler=_find)

    p = sub.add_parser(
        "break-glass",
        help="open someone's record beyond your team (online; a reason, time-limited, "
        "audited and reported to the coordinator)",
    )
    common(p)
    who = p.add_mutually_exclusive_group()
    who.add_argument("--nhs", help="their NHS number")
    who.add_argument("--person", help="their id, from find-beyond-team")
    p.add_argument("--reason", required=True, help="why you need the record now")
    p.set_defaults(handler=_break_glass)
