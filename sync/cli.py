"""The laptop's sync commands, added to `onerecord` by the launcher:

onerecord enrol --server URL --code CODE [--ca FILE]
onerecord sync [--server URL]
onerecord find-beyond-team QUERY, onerecord break-glass (sync/cli_beyond.py)
and, for `onerecord person add`, the team server's same-person check
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli import passphrase
from app.cli.commands_person import TEAM_SERVER_CHECK
from app.cli.output import Progress
from app.errors import OneRecordError, UsageError
from app.store_step import StoreStep, direct
from sync import cli_beyond

if TYPE_CHECKING:
    from app.services.record.team_server_check import ServerAnswer
    from app.values.same_person import Sought
    from app.workspace import Workspace
    from sync.client import problems

Common = Callable[[argparse.ArgumentParser], None]


def _enrol(args: argparse.Namespace) -> int:
    from app import workspace as workspaces
    from sync.client.enrol import enrol

    ca_pem = None
    if args.ca:
        try:
            ca_pem = Path(args.ca).read_text(encoding="ascii")
        except OSError:
            raise UsageError("Cannot read the CA certificate {ca}.", ca=args.ca) from None
    workspace = workspaces.unlock(
        args.profile, passphrase.read(args.passphrase_file), for_sync=True
    )
    try:
        answer = enrol(workspace, args.server, args.code, ca_pem=ca_pem, device_name=args.name)
    finally:
        if workspace.store.is_open:
            workspace.close()
    print(
        f"Enrolled as {answer.identity.display_name}. "
        "Run 'onerecord sync' to fetch your team's caseload."
    )
    return 0


def _sync(args: argparse.Namespace) -> int:
    from app import workspace as workspaces
    from sync.client import problems
    from sync.client.enrol import wipe
    from sync.client.session import SyncSession
    from sync.transport import RevokedError

    workspace = workspaces.unlock(
        args.profile, passphrase.read(args.passphrase_file), for_sync=True
    )
    try:
        session = SyncSession(workspace, progress=_progress())
        try:
            report = session.run()
        finally:
            session.close()
        held = problems.list_problems(workspace)
    except RevokedError:
        wipe(workspace)
        raise OneRecordError(
            "This laptop's access was revoked by your administrator: "
            "its records have been removed from it."
        ) from None
    finally:
        if workspace.store.is_open:
            workspace.close()
    print(
        f"Synced in {report.seconds:.1f} s: sent {report.pushed:,}, received {report.pulled:,}"
        + (f", {report.evicted} left the caseload" if report.evicted else "")
        + (f", {report.open_conflicts} conflict(s) to resolve" if report.open_conflicts else "")
        + "."
    )
    _print_problems(held)
    # New refusals or changes kept aside in this sync: a script running sync hears of it.
    return 1 if report.refused or report.kept_aside else 0


def _print_problems(held: list[problems.SyncProblem]) -> None:
    """Every change still held back, refused by the server or kept aside here, as
    plain lines grouped by what and why (never a value)."""
    for refused, heading in (
        (True, "{n} change(s) made here were refused by the server; they stay on this laptop:"),
        (False, "{n} change(s) from the server could not be applied; they are kept aside:"),
    ):
        mine = [p for p in held if p.refused is refused]
        if not mine:
            continue
        print(heading.format(n=f"{len(mine):,}"), file=sys.stderr)
        grouped = Counter((p.record, p.field, p.reason) for p in mine)
        for (record, field, reason), count in sorted(grouped.items(), key=str):
            what = f"{record}, {field}" if field else record
            times = f" ({count} changes)" if count > 1 else ""
            print(f"  {what}: {reason}{times}", file=sys.stderr)


def _progress() -> Callable[[str, int, int], None]:
    bars = {"push": Progress("Sending"), "pull": Progress("Receiving")}

    def show(stage: str, done: int, total: int) -> None:
        if total >= 2000:  # small syncs finish before a bar would help
            bars[stage](done, total)

    return show


def _check_same_person(
    workspace: Workspace, sought: Sought, /, *, on_store: StoreStep = direct
) -> ServerAnswer:
    """sync.client.same_person.check_same_person, imported only when `person add`
    asks: building the parser loads no HTTP client (see app/cli/main.py)."""
    from sync.client.same_person import check_same_person

    return check_same_person(workspace, sought, on_store=on_store)


def register(sub: Any, common: Common) -> None:
    p = sub.add_parser("enrol", help="enrol this laptop with your organisation's server")
    common(p)
    p.add_argument(
        "--server",
        required=True,
        help="the server's address, e.g. https://onerecord.example.nhs.uk",
    )
    p.add_argument(
        "--code", required=True, help="the one-time enrolment code from your administrator"
    )
    p.add_argument(
        "--ca", help="the server's CA certificate (PEM), if your administrator gave you one"
    )
    p.add_argument("--name", default="", help="a name for this laptop")
    p.set_defaults(handler=_enrol)

    p = sub.add_parser("sync", help="send and receive changes now")
    common(p)
    p.set_defaults(handler=_sync)

    cli_beyond.register(sub, common)

    # `person add` asks the team server too, when this laptop is enrolled and online.
    # A default on the `person` parser reaches its `add` (argparse copies it down).
    person = sub.choices.get("person")
    if person is not None:
        person.set_defaults(**{TEAM_SERVER_CHECK: _check_same_person})
