"""`onerecord team`: the coordinator's team caseload on the command line, filtered,
sorted, as a table, CSV or JSON, or saved as CSV (audited either way)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.choices import TEAM_SORTS
from app.cli.commands_profile import open_workspace
from app.cli.output import british_date, write_json, write_table
from app.errors import UsageError

if TYPE_CHECKING:
    from app.services.team.team_caseload import TeamQuery, TeamRow

Common = Callable[[argparse.ArgumentParser], None]


# --filter NAME[=VALUE] -> TeamQuery fields.
_FLAGS = {
    "unallocated": {"unallocated": True},
    "at_risk": {"min_risk": 15},
    "consent_review_overdue": {"consent_review_overdue": True},
    "risk_review_overdue": {"risk_review_overdue": True},
    "conflicts": {"with_conflicts": True},
    "closed": {"include_closed": True},
    "overdue_visits": {"next_visit": "overdue"},
    "overdue_plan_reviews": {"plan_review": "overdue"},
    "telecare_due": {"telecare_due": True},
}
_VALUED = ("search", "locality", "level_of_need", "lead", "min_risk", "next_visit", "plan_review")


def team_query(filters: list[str], sort: str, descending: bool) -> tuple[TeamQuery, str | None]:
    """The query, and a lead professional's name to look up once the profile is open."""
    from app.services.team.team_caseload import TeamQuery

    query = TeamQuery(sort=sort, descending=descending)
    lead: str | None = None
    for item in filters:
        name, sep, value = item.partition("=")
        name = name.strip().lower().replace("-", "_")
        if not sep and name in _FLAGS:
            query = replace(query, **_FLAGS[name])  # type: ignore[arg-type]
        elif sep and name in _VALUED:
            if name == "min_risk":
                if not value.strip().isdigit():
                    raise UsageError("min_risk should be a whole number from 1 to 25.")
                query = replace(query, min_risk=int(value))
            elif name == "level_of_need":
                from app.values.vocab import LevelOfNeed

                query = replace(query, level_of_need=LevelOfNeed.parse(value).value)
            elif name == "lead":
                lead = value.strip()
            else:
                query = replace(query, **{name: value.strip()})  # type: ignore[arg-type]
        else:
            choices = ", ".join([*_FLAGS, *(f"{v}=VALUE" for v in _VALUED)])
            raise UsageError(
                "'{item}' is not a team filter. Filters: {choices}.", item=item, choices=choices
            )
    return query, lead


def _json_row(r: TeamRow) -> dict[str, Any]:
    return {
        "nhs_number": r.nhs_number,
        "given_name": r.given_name,
        "family_name": r.family_name,
        "date_of_birth": r.date_of_birth,
        "locality": r.locality,
        "level_of_need": r.level_of_need,
        "lead_professional": r.lead_professional,
        "highest_risk": r.highest_risk,
        "last_contact": r.last_contact,
        "next_visit_due": r.next_visit_due,
        "plan_review_due": r.plan_review_due,
        "consent_review_due": r.consent_review_due,
        "open_conflicts": r.open_conflicts,
    }


def _team(args: argparse.Namespace) -> int:
    if args.listing == "telecare-due":
        from app.cli.commands_telecare import telecare_due

        return telecare_due(args)
    from app.services.caseload.allocation import staff_id_for
    from app.services.caseload.caseload_export import export_team_csv, team_listing

    query, lead_name = team_query(args.filter or [], args.sort, args.descending)
    workspace = open_workspace(args)
    try:
        if lead_name is not None:
            with workspace.store.read() as session:
                lead = staff_id_for(session, lead_name)
            query = replace(query, lead_professional_id=lead, unallocated=lead is None)
        if args.out is not None:
            count = export_team_csv(workspace, query, args.out)
            print(f"Saved {count:,} people to {args.out}.", file=sys.stderr)
            return 0
        rows = team_listing(workspace, query, fmt=args.format, limit=args.limit)
    finally:
        workspace.close()
    if args.format == "json":
        write_json([_json_row(r) for r in rows])
    elif args.format == "csv":
        from app.services.caseload.caseload_export import to_csv

        sys.stdout.write(to_csv(rows)[0])
    else:
        headers = ["NHS number", "Name", "Need", "Lead", "Risk", "Last contact", "Next visit"]
        headers += ["Plan review", "Consent review", "Conflicts"]
        write_table(
            headers,
            [
                [
                    r.nhs_number_formatted,
                    r.display_name,
                    r.level_of_need,
                    r.lead_professional or "(unallocated)",
                    r.highest_risk or "",
                    british_date(r.last_contact),
                    british_date(r.next_visit_due),
                    british_date(r.plan_review_due),
                    british_date(r.consent_review_due),
                    r.open_conflicts or "",
                ]
                for r in rows
            ],
        )
    return 0


def register(sub: Any, common: Common) -> None:
    p = sub.add_parser("team", help="the team caseload, with overdue work and conflicts")
    common(p)
    p.add_argument(
        "listing",
        nargs="?",
        choices=["telecare-due"],
        help="telecare-due: the telecare tests due among the team's open cases",
    )
    p.add_argument("--filter", action="append", metavar="NAME[=VALUE]")
    p.add_argument("--sort", choices=sorted(TEAM_SORTS), default="name")
    p.add_argument("--descending", action="store_true")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--out", type=Path, default=None, help="save the whole view as CSV here")
    p.set_defaults(handler=_team)
