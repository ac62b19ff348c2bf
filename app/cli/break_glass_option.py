"""`--break-glass REASON` for the commands that open a record (show, print-plan,
export): the same grant, audit event and expiry as the desktop's break-glass."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.workspace import Workspace


def add_break_glass_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--break-glass",
        metavar="REASON",
        default=None,
        help=(
            "open a record outside your or your team's caseload, saying why; "
            "audited and reported to your coordinator and the IG lead"
        ),
    )


def apply_break_glass(workspace: Workspace, args: argparse.Namespace, nhs_number: str) -> None:
    """Grant break-glass first when asked for; a user with a legitimate relationship
    needs none, so none is written (and nothing is audited as break-glass)."""
    from app.services import clock
    from app.services.need_to_know.break_glass import break_glass_by_nhs

    reason = getattr(args, "break_glass", None)
    if reason is None:
        return
    grant = break_glass_by_nhs(workspace, nhs_number, reason)
    if grant.granted:
        until = clock.local(grant.expires_at).strftime("%H:%M")
        print(f"Break-glass access until {until}: this is audited and reported.", file=sys.stderr)
