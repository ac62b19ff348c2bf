"""`onerecord-server`: run a partner server, and administer it.

onerecord-server [serve] [--db URL] [--host 127.0.0.1] [--port 8443] [--cert F --key F]
onerecord-server team add NAME
onerecord-server user add --name N --role ROLE --team TEAM
onerecord-server enrol --user NAME [--hours 24]
onerecord-server devices
onerecord-server revoke --device ID
onerecord-server audit verify
onerecord-server audit report [--from D] [--to D] [--kind K] [--staff S] [--nhs N] [--format F]
onerecord-server report outcomes (--from D --to D | --period P) [--team T | --locality L]
                                 [--csv F | --pdf F]
onerecord-server partner|agreement|duty-to-share ...   (see sync/server/partners/cli.py)
onerecord-server admin-log [--verify]   (what the administrators did: sync/server/admin_log.py)
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, NoReturn

from app.errors import OneRecordError
from sync.server import admin_log, directory
from sync.server.partners import cli as partner_cli
from sync.server.store import ServerStore

logger = logging.getLogger(__name__)
DEFAULT_DB = "sqlite:///onerecord-server.db"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"onerecord-server: {message} (see '{self.prog} --help')\n")


def _db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=os.environ.get("ONERECORD_SERVER_DB", DEFAULT_DB),
        help="sqlite:///path or postgresql+psycopg://user@host/db (default: $ONERECORD_SERVER_DB)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="onerecord-server", description="A OneRecord partner server.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    serve = sub.add_parser("serve", help="run the server (the default)")
    for p in (parser, serve):
        _db(p)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8443)
        p.add_argument(
            "--cert", help="TLS certificate (PEM); serve plain HTTP without it only on loopback"
        )
        p.add_argument("--key", help="TLS private key (PEM)")
        p.add_argument(
            "--organisation", default=None, help="this server's organisation name (first run)"
        )
        p.add_argument(
            "--organisation-kind",
            default=None,
            help="council, community_trust, gp_practice, ... (first run; decides what its notes "
            "count as when shared)",
        )
        p.add_argument(
            "--partner-every",
            type=float,
            default=60.0,
            help="pull from partner servers every N seconds (0: only by 'partner sync')",
        )
    team = sub.add_parser("team", help="teams").add_subparsers(
        dest="team_command", required=True, parser_class=_Parser
    )
    p = team.add_parser("add", help="add a team")
    _db(p)
    p.add_argument("name")
    user = sub.add_parser("user", help="staff").add_subparsers(
        dest="user_command", required=True, parser_class=_Parser
    )
    p = user.add_parser("add", help="add a member of staff")
    _db(p)
    p.add_argument("--name", required=True)
    p.add_argument("--role", required=True)
    p.add_argument("--team", required=True)
    p = sub.add_parser("enrol", help="print a one-time enrolment code for a user's laptop")
    _db(p)
    p.add_argument("--user", required=True)
    p.add_argument("--hours", type=float, default=24.0, help="how long the code lasts")
    p = sub.add_parser("devices", help="list enrolled laptops")
    _db(p)
    p = sub.add_parser("revoke", help="revoke a laptop: it wipes its records at its next contact")
    _db(p)
    p.add_argument("--device", required=True)
    p = sub.add_parser(
        "admin-log",
        help="what this server's administrators did (enrolments, laptops, partners,"
        " agreements, reports), newest first",
    )
    _db(p)
    p.add_argument("--limit", type=int, default=200)
    p.add_argument("--verify", action="store_true", help="check the trail's hash chain")
    _audit_parsers(sub)
    _report_parsers(sub)
    partner_cli.add_commands(sub, _db, _Parser)
    return parser


def _audit_parsers(sub: Any) -> None:
    from app.cli.commands_audit import report_arguments

    audit = sub.add_parser("audit", help="every laptop's audit chain, held here").add_subparsers(
        dest="audit_command", required=True, parser_class=_Parser
    )
    p = audit.add_parser("verify", help="re-verify every device's hash chain")
    _db(p)
    p = audit.add_parser("report", help="the team's access report (who looked at whom)")
    _db(p)
    report_arguments(p)
    p.add_argument("--nhs", help="only events about this person")


def _report_parsers(sub: Any) -> None:
    from sync.server import outcome_report

    report = sub.add_parser("report", help="reports from what this server holds").add_subparsers(
        dest="report_command", required=True, parser_class=_Parser
    )
    p = report.add_parser(
        "outcomes",
        help="the outcome report for the organisation, a team or a locality"
        " (numbers under 5 are not shown)",
        description="Referrals, first contact, reablement, still at home at 91 days, goals,"
        " unplanned admissions, plan reviews and people's experience, from every laptop's"
        " records this server holds; counts from 1 to 4 are shown as <5.",
    )
    _db(p)
    outcome_report.add_arguments(p)
    p = report.add_parser(
        "rebuild",
        help="make the outcome report's tables again from the journal"
        " (after restoring the journal alone, or loading changes past the server)",
    )
    _db(p)


def _audit(args: argparse.Namespace, store: ServerStore) -> int:
    from app.cli.commands_audit import print_rows, query_of
    from sync.server import audit_report, audit_verify

    if args.audit_command == "verify":
        report = audit_verify.verify_server(store)
        for p in report.problems[:50]:
            print(f"device {p.device_id[:8]} event {p.device_seq}: {p.problem}")
        if not report.ok:
            print(
                f"onerecord-server: the audit log has been tampered with: "
                f"{len(report.problems)} problem(s) in {report.events:,} events.",
                file=sys.stderr,
            )
            return 1
        print(
            f"Audit log intact: {report.events:,} events from {len(report.devices)} device(s), "
            "every hash chain verified."
        )
        return 0
    rows, total = audit_report.fetch(store, query_of(args))
    print_rows(rows, args.format, total)
    return 0


def _serve(args: argparse.Namespace, store: ServerStore) -> int:
    import uvicorn

    from sync.server.app import create_app

    if not args.cert and args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            "onerecord-server: give --cert and --key to listen beyond this computer.",
            file=sys.stderr,
        )
        return 2
    directory.organisation(store, args.organisation, args.organisation_kind)
    partner_cli.replicate_in_background(store, args.partner_every)
    uvicorn.run(
        create_app(store),
        host=args.host,
        port=args.port,
        ssl_certfile=args.cert,
        ssl_keyfile=args.key,
        log_level="warning",
        access_log=False,  # request lines would name people's ids; keep them out of logs
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        store = ServerStore(args.db)
    except Exception as exc:  # a bad URL, an unreachable database
        print(
            f"onerecord-server: cannot open the database ({type(exc).__name__}).", file=sys.stderr
        )
        return 1
    action = admin_log.action_of(vars(args))
    outcome = "refused"
    try:
        code = _run(args, store)
        outcome = "done" if code == 0 else "refused"
        return code
    finally:
        if action is not None:
            try:
                admin_log.record(store, action, outcome, admin_log.kept(action, vars(args)))
            except Exception:  # the command's own answer stands; say the trail failed
                logger.exception("the administrator's trail could not be written")
        store.close()


def _run(args: argparse.Namespace, store: ServerStore) -> int:
    try:
        command = args.command or "serve"
        if command == "serve":
            return _serve(args, store)
        if command in partner_cli.COMMANDS:
            return partner_cli.run(args, store)
        if command == "team":
            team_id = directory.add_team(store, args.name)
            print(f"Added team '{args.name}' ({team_id}).")
        elif command == "user":
            user_id = directory.add_user(store, args.name, args.role, args.team)
            print(f"Added {args.name} ({user_id}).")
        elif command == "enrol":
            code = directory.new_enrolment_code(store, args.user, timedelta(hours=args.hours))
            print(f"Enrolment code for {args.user}: {code}  (one use, {args.hours:g} hours)")
        elif command == "devices":
            devices = directory.list_devices(store)
            if not devices:
                print("No laptops are enrolled: give a user a code with 'onerecord-server enrol'.")
            for d in devices:
                seen = d.last_seen_at.strftime("%d %b %Y %H:%M") if d.last_seen_at else "never"
                state = "REVOKED" if d.revoked else "active"
                print(
                    f"{d.device_id}  {d.user:<24} {d.name:<20} last seen {seen:<18} "
                    f"refused {d.refused:<6,} {state}"
                )
        elif command == "audit":
            return _audit(args, store)
        elif command == "report" and args.report_command == "rebuild":
            records, contacts = store.rebuild_outcome_records()
            print(
                f"Rebuilt the outcome report's tables: {records:,} records, {contacts:,} contacts."
            )
        elif command == "report":
            from sync.server import outcome_report

            return outcome_report.run(args, store)
        elif command == "revoke":
            directory.revoke(store, args.device)
            print(f"Revoked {args.device}: it wipes its records at its next contact.")
        elif command == "admin-log":
            return _admin_log(args, store)
        return 0
    except directory.AdminError as err:
        print(f"onerecord-server: {err}", file=sys.stderr)
        return 1
    except OneRecordError as err:  # a bad date, kind or NHS number in a report filter
        print(f"onerecord-server: {err}", file=sys.stderr)
        return err.exit_code


def _admin_log(args: argparse.Namespace, store: ServerStore) -> int:
    if args.verify:
        count, broken = admin_log.verify(store)
        if broken:
            print(
                f"onerecord-server: the administrator's trail has been tampered with:"
                f" {len(broken)} of {count:,} entries do not hold (first: {broken[0]}).",
                file=sys.stderr,
            )
            return 1
        print(f"Administrator's trail intact: {count:,} entries, the hash chain verified.")
        return 0
    for e in admin_log.entries(store, limit=args.limit):
        detail = ", ".join(f"{k}={v}" for k, v in sorted(e.detail.items()))
        print(
            f"{e.seq:>6}  {e.at:%d %b %Y %H:%M:%S}  {e.account:<16} {e.action:<22}"
            f" {e.outcome:<8} {detail}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
