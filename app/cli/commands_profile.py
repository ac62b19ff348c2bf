"""Profile commands: init, demo, passwd, check (audit commands: commands_audit)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli import passphrase
from app.cli.output import Progress
from app.demo.roles import DEMO_ROLES, DEMO_SEATS
from app.errors import InvalidInputError
from app.values.vocab import Role

if TYPE_CHECKING:
    from app.workspace import Workspace

Common = Callable[[argparse.ArgumentParser], None]


def open_workspace(args: argparse.Namespace) -> Workspace:
    from app import workspace as workspaces

    return workspaces.unlock(args.profile, passphrase.read(args.passphrase_file))


def _init(args: argparse.Namespace) -> int:
    from app import workspace as workspaces

    secret = passphrase.read_new(args.passphrase_file)
    workspace = workspaces.create(
        args.profile,
        secret,
        user_name=args.user,
        role=Role.parse(args.role),  # type: ignore[arg-type]
        organisation_name=args.organisation,
    )
    workspace.close()
    print(f"Created an encrypted profile in {args.profile}.")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from app.services.profile.demo_profile import create_demo_profile

    if args.people < 1 or args.people > 50_000:
        raise InvalidInputError("--people should be from 1 to 50,000.")
    secret = passphrase.read_new(args.passphrase_file)
    workspace, summary = create_demo_profile(
        args.profile,
        secret,
        people=args.people,
        seed=args.seed,
        progress=Progress("Building the demo caseload"),
        role=args.role,
    )
    signed_in = f"{workspace.user_name} ({Role(args.role).label})"
    workspace.close()
    print(
        f"Created a demo profile in {args.profile}: {summary.people:,} people, "
        f"{summary.notes:,} contact notes, {summary.goals:,} goals "
        "(synthetic: NHS numbers from the 999 test range). "
        f"Signed in as {signed_in}."
    )
    return 0


def _passwd(args: argparse.Namespace) -> int:
    from app import workspace as workspaces

    old = passphrase.read(args.passphrase_file, prompt="Current passphrase: ")
    new = passphrase.read_new(args.new_passphrase_file, env=passphrase.NEW_ENV)
    workspaces.change_passphrase(args.profile, old, new)
    print("Passphrase changed. The old passphrase no longer unlocks this profile.")
    return 0


def _check(args: argparse.Namespace) -> int:
    from app.services.profile.integrity import check

    workspace = open_workspace(args)
    try:
        report = check(workspace)
    finally:
        workspace.close()
    for line in report.lines():
        print(line)
    print(
        "All checks passed."
        if report.ok
        else "Some checks FAILED: restore from a backup and tell your administrator."
    )
    return 0 if report.ok else 1


def register(sub: Any, common: Common) -> None:
    p = sub.add_parser("init", help="create an encrypted profile")
    common(p)
    p.add_argument("--user", default="Local user", help="your name as colleagues should see it")
    p.add_argument(
        "--role",
        default=Role.COMMUNITY_NURSE.value,
        help="your role, e.g. community_nurse, social_worker",
    )
    p.add_argument("--organisation", default="Local organisation", help="your organisation's name")
    p.set_defaults(handler=_init)

    p = sub.add_parser(
        "demo",
        help="create a demo profile with a synthetic caseload",
        description="Create a demo profile: a made-up locality team and its caseload\n"
        "(synthetic people only). --role chooses whom it signs in as; the team\n"
        "and the people are the same for every role.",
        epilog="roles:\n" + "\n".join(f"  {seat.role.value:<24}{seat.sees}" for seat in DEMO_SEATS),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common(p)
    p.add_argument("--people", type=int, default=200, help="how many made-up people")
    p.add_argument("--seed", type=int, default=1, help="the same seed makes the same caseload")
    p.add_argument(
        "--role",
        choices=DEMO_ROLES,
        default=Role.COMMUNITY_NURSE.value,
        help="sign in as this member of the demo team (default: community_nurse; "
        "coordinator for the Team view, ig_lead for access reports)",
    )
    p.set_defaults(handler=_demo)

    p = sub.add_parser("passwd", help="change the profile's passphrase")
    common(p)
    p.add_argument("--new-passphrase-file", type=Path, default=None)
    p.set_defaults(handler=_passwd)

    p = sub.add_parser(
        "check", help="check encryption, structure, the change journal and the audit chain"
    )
    common(p)
    p.set_defaults(handler=_check)
