"""`onerecord priorities ...`: the team's priority list (issue 20) from a script.

`priorities weights` shows the weights the team gives each factor (beside the
default) and who changed them last; a coordinator changes them with
`--set FACTOR=N` (repeat) and `--reason`. Anyone else is refused in one plain line
(exit 5), as the write policy refuses it on the laptop and on the server.

`priorities list` prints the viewer's list (a coordinator's team, a practitioner's
own people), highest score first, with the reasons in words.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.cli.commands_profile import open_workspace
from app.cli.output import british_date
from app.errors import InvalidInputError
from app.services import clock
from app.services.priority.weights import BY_KEY, FACTORS, MAX_WEIGHT
from app.values.nhs_number import format_nhs_number

if TYPE_CHECKING:
    from app.services.priority import team_weights

Common = Callable[[argparse.ArgumentParser], None]


def parse_settings(pairs: list[str]) -> dict[str, int]:
    """["falls=4", "no_contact=0"] -> {"falls": 4, "no_contact": 0}; the factor and the
    range are checked by the service (weights.checked), with its plain reasons."""
    found: dict[str, int] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lower().replace("-", "_")
        if not sep or not key:
            raise InvalidInputError(
                "Give each weight as FACTOR=N (for example falls=3); factors: {keys}.",
                keys=", ".join(BY_KEY),
            )
        try:
            found[key] = int(value.strip())
        except ValueError:
            raise InvalidInputError(
                "The weight for '{key}' must be a whole number from 0 to {most}.",
                key=key[:60],
                most=MAX_WEIGHT,
            ) from None
    return found


def _last_line(view: team_weights.TeamWeights) -> str:
    last = view.last
    if last is None:
        return "The team uses the default weights (never changed)."
    when = clock.local(last.recorded_at)
    who = last.by_name or "someone not in this laptop's directory yet"
    why = f': "{last.reason}"' if last.reason else ""
    return f"Last changed {british_date(when)} {when:%H:%M} by {who}{why}."


def _weights(args: argparse.Namespace) -> int:
    from app.services.priority import team_weights

    wanted = parse_settings(args.set or [])
    if args.reason and not wanted:
        raise InvalidInputError("A --reason goes with the weights it explains: add --set.")
    workspace = open_workspace(args)
    try:
        if wanted:
            change = team_weights.set_weights(workspace, weights=wanted, reason=args.reason)
            print(
                "Team weights changed."
                if change.fields
                else "Nothing changed: the team's weights were already so."
            )
        view = team_weights.team_weights(workspace)
    finally:
        workspace.close()
    width = max(len(f.key) for f in FACTORS)
    print(f"{'factor':<{width}}  weight  default  counts")
    for factor in FACTORS:
        weight = view.weights[factor.key]
        mark = "*" if weight != factor.default_weight else " "
        print(
            f"{factor.key:<{width}}  {weight:>5}{mark}  {factor.default_weight:>7}  {factor.label}"
        )
    print(_last_line(view))
    if not view.may_change:
        print("Only the team's coordinator can change them.")
    return 0


def _list(args: argparse.Namespace) -> int:
    """The viewer's list: rank, score, name, NHS number, lead, and the reasons."""
    from app.services.priority.priority_list import CAUTION, priority_list

    workspace = open_workspace(args)
    try:
        found = priority_list(workspace)
    finally:
        workspace.close()
    print(CAUTION)
    whose = (
        "Your team's open caseload"
        if found.whose == "team"
        else "The people you are lead professional for"
    )
    print(f"{whose}: {len(found.rows)} people, as of {british_date(found.as_of)}.")
    shown = found.rows if args.all else found.rows[: args.top]
    for rank, row in enumerate(shown, start=1):
        person = row.person
        nhs = format_nhs_number(person.nhs_number) or "NHS number not yet known"
        lead = person.lead_name or "unallocated"
        print(
            f"{rank:>4}. {row.scored.score:>3}  {person.family_name}, {person.given_name}"
            f" ({nhs}; lead: {lead}): {row.scored.explanation}"
        )
    if len(shown) < len(found.rows):
        print(f"… and {len(found.rows) - len(shown)} more (--all to list everyone).")
    return 0


def register(sub: Any, common: Common) -> None:
    group = sub.add_parser("priorities", help="the team's priority list and its weights")
    steps = group.add_subparsers(
        dest="priorities_command", required=True, parser_class=sub._parser_class
    )

    def step(name: str, help_text: str, handler: Callable[[argparse.Namespace], int]) -> Any:
        p = steps.add_parser(name, help=help_text)
        common(p)
        p.set_defaults(handler=handler)
        return p

    p = step("list", "the people you may see, highest priority score first, with why", _list)
    p.add_argument("--top", type=int, default=20, help="how many to list (default 20)")
    p.add_argument("--all", action="store_true", help="list everyone")
    p = step("weights", "show the team's weights; a coordinator changes them with --set", _weights)
    p.add_argument(
        "--set",
        action="append",
        metavar="FACTOR=N",
        help=f"give a factor a weight from 0 to {MAX_WEIGHT} (repeat); factors: "
        + ", ".join(BY_KEY),
    )
    p.add_argument("--reason", help="why the team changed them (kept with the change)")
