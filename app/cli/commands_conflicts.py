"""`onerecord conflicts list|resolve`: see both values of a sync conflict, and choose."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.cli.commands_profile import open_workspace
from app.cli.output import british_date
from app.errors import InvalidInputError

if TYPE_CHECKING:
    from app.services.record.conflicts import ConflictValue

Common = Callable[[argparse.ArgumentParser], None]


def _list(args: argparse.Namespace) -> int:
    from app.services.record.conflicts import list_conflicts

    workspace = open_workspace(args)
    try:
        found = list_conflicts(workspace)
    finally:
        workspace.close()
    if not found:
        print("No open conflicts.")
        return 0
    for conflict in found:
        what = f"{conflict.entity.replace('_', ' ')} {conflict.field}"
        print(f"{conflict.key}  {conflict.person_name}: {what}")
        for n, value in enumerate(conflict.values, start=1):
            print(
                f"  {n}. {_shown(value)}  by {value.author} "
                f"({value.organisation}), {british_date(value.recorded)} {value.recorded:%H:%M}"
            )
    return 0


def _shown(value: ConflictValue) -> str:
    """The value as JSON, or the withheld line (never the marker)."""
    if value.withheld is not None:
        return value.withheld
    return json.dumps(value.value, ensure_ascii=False)


def _resolve(args: argparse.Namespace) -> int:
    from app.services.record.conflicts import list_conflicts, resolve

    workspace = open_workspace(args)
    try:
        if args.keep is not None:
            match = [c for c in list_conflicts(workspace) if c.key == args.key]
            if not match:
                raise InvalidInputError(
                    "That conflict is not open (it may have been resolved already)."
                )
            values = match[0].values
            if not 1 <= args.keep <= len(values):
                raise InvalidInputError("--keep should be from 1 to {values}.", values=len(values))
            chosen: Any = values[args.keep - 1].value
        else:
            try:
                chosen = json.loads(args.value)
            except ValueError:
                chosen = args.value
        resolve(workspace, args.key, chosen)
    finally:
        workspace.close()
    print("Conflict resolved. Your choice will reach the other laptops when you next sync.")
    return 0


def register(sub: Any, common: Common) -> None:
    conflicts = sub.add_parser("conflicts", help="sync conflicts to resolve")
    inner = conflicts.add_subparsers(
        dest="conflicts_command", required=True, parser_class=sub._parser_class
    )
    p = inner.add_parser("list", help="open conflicts, with both values")
    common(p)
    p.set_defaults(handler=_list)
    p = inner.add_parser("resolve", help="choose a value")
    common(p)
    p.add_argument("key", help="the conflict, as 'conflicts list' shows it")
    choice = p.add_mutually_exclusive_group(required=True)
    choice.add_argument("--keep", type=int, help="keep value number N from the list")
    choice.add_argument("--value", help="write a new value instead")
    p.set_defaults(handler=_resolve)
