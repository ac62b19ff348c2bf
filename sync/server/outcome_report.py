"""`onerecord-server report outcomes`: the outcome report for the whole organisation,
one of its teams or one locality, from what this server holds.

The facts come from the journal (`outcome_facts`); the measures, the small-number
suppression and every format are the laptop's own (`app.reports.outcomes`), so a
coordinator's report on the laptop and this one count by the same code. The figures
are counts and averages with small numbers suppressed: no one's personal data.
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.reports.outcomes.draft import OutcomeReport
from app.reports.outcomes.measures import compute
from app.reports.outcomes.periods import PERIOD_HELP, chosen
from app.services import clock
from sync.server import schema as s
from sync.server.journal_rows import stored_object
from sync.server.outcome_facts import Scope, UnknownScopeError, server_facts
from sync.server.store import ServerStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServerReport:
    report: OutcomeReport
    # kind -> records left out because a value could not be read (the facts' count)
    unreadable: dict[str, int]


def _organisation_name(store: ServerStore) -> str:
    org_id = store.meta("organisation_id")
    with store.engine.connect() as conn:
        value = conn.execute(
            select(s.changes.c.value).where(
                s.changes.c.entity == "organisation",
                s.changes.c.entity_id == org_id,
                s.changes.c.op == "create",
            )
        ).scalar()
    row = stored_object(value)
    name = row.get("name") if row is not None else None
    return name if name and isinstance(name, str) else "Partner organisation"


def _team(store: ServerStore, given: str) -> tuple[str, str]:
    """(team id, name) for an id or a name this server keeps."""
    with store.engine.connect() as conn:
        for row in conn.execute(select(s.teams.c.team_id, s.teams.c.name)):
            if given in (row.team_id, row.name):
                return str(row.team_id), str(row.name)
    raise UnknownScopeError("This server keeps no team with that id or name.")


def scope_of(store: ServerStore, team: str | None, locality: str | None) -> tuple[Scope, str]:
    """The scope asked for and the name the report gives it."""
    organisation = _organisation_name(store)
    if team:
        team_id, name = _team(store, team)
        return Scope(team_id=team_id), f"{name}, {organisation}"
    if locality:
        return Scope(locality_id=locality), f"Locality {locality}, {organisation}"
    return Scope(), organisation


def outcome_report(
    store: ServerStore,
    start: date,
    end: date,
    *,
    team: str | None = None,
    locality: str | None = None,
    as_of: date | None = None,
) -> ServerReport:
    """The report for [start, end], as the journal stands now (or `as_of`)."""
    scope, name = scope_of(store, team, locality)
    found = server_facts(store, scope, as_of=as_of)
    return ServerReport(compute(found.facts, start, end, scope=name), found.unreadable)


# --- the command ------------------------------------------------------------------


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="start", help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", help="last day, inclusive")
    p.add_argument("--period", help=PERIOD_HELP)
    whose = p.add_mutually_exclusive_group()
    whose.add_argument("--team", help="one team (its id or name; default: the organisation)")
    whose.add_argument("--locality", help="one locality (its id)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--csv", type=Path, help="save as CSV (default: text on standard output)")
    where.add_argument("--pdf", type=Path, help="save as PDF")


def run(args: argparse.Namespace, store: ServerStore) -> int:
    from app.reports.outcomes.published import to_csv, to_pdf, to_text
    from app.services.output_file import check_output_path, write_output

    # Everything that can be refused is refused before the journal is read.
    period = chosen(args.start, args.end, args.period, clock.today())
    start, end = period.start, period.end
    out = check_output_path(args.csv or args.pdf) if (args.csv or args.pdf) else None
    try:
        made = outcome_report(store, start, end, team=args.team, locality=args.locality)
    except UnknownScopeError as err:
        print(f"onerecord-server: {err}", file=sys.stderr)
        return 1
    if made.unreadable:
        left_out = sum(made.unreadable.values())
        print(
            f"onerecord-server: {left_out:,} record(s) could not be read and were left out "
            "(the server's log says of which kinds).",
            file=sys.stderr,
        )
    if out is None:
        sys.stdout.write(to_text(made.report))
        return 0
    if args.csv:
        write_output(out, to_csv(made.report).encode("utf-8"))
    else:
        to_pdf(made.report, out)
    print(f"Saved the outcome report to {out}.", file=sys.stderr)
    return 0
