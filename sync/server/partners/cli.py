"""`onerecord-server partner|agreement|duty-to-share`: sharing with partner servers.

onerecord-server partner identity                 this server's identity card and fingerprint
onerecord-server partner add --name N --url URL --identity CARD [--ca CERT]
onerecord-server partner list
onerecord-server partner remove --name N          refuse its requests, stop pulling from it
onerecord-server partner sync [--name N]          pull now from one partner (or all)
onerecord-server agreement add --partner P --categories health,care_plan --team T
onerecord-server agreement list
onerecord-server agreement end --partner P
onerecord-server duty-to-share add|end --person NHS --partner P --by USER [--reason R]
"""

from __future__ import annotations

import argparse
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.errors import OneRecordError
from sync.server import directory
from sync.server.partners import agreements as partners
from sync.server.partners import duty as partner_duty
from sync.server.partners.pull import pull_from
from sync.server.store import ServerStore

logger = logging.getLogger(__name__)
COMMANDS = ("partner", "agreement", "duty-to-share")


def add_commands(
    sub: Any,
    db: Callable[[argparse.ArgumentParser], None],
    parser_class: type[argparse.ArgumentParser],
) -> None:
    partner = sub.add_parser("partner", help="partner servers").add_subparsers(
        dest="partner_command", required=True, parser_class=parser_class
    )
    p = partner.add_parser("identity", help="print this server's identity card for a partner")
    db(p)
    p = partner.add_parser("add", help="enrol a partner server from its identity card")
    db(p)
    p.add_argument("--name", required=True)
    p.add_argument("--url", required=True, help="the partner server's address (https://...)")
    p.add_argument("--identity", required=True, help="the card its administrator sent you")
    p.add_argument("--ca", help="the CA certificate (PEM) the partner's TLS certificate is from")
    p = partner.add_parser("remove", help="end a partnership: refuse its requests, stop pulling")
    db(p)
    p.add_argument("--name", required=True)
    p = partner.add_parser("list", help="list partner servers")
    db(p)
    p = partner.add_parser("sync", help="pull now from one partner, or from all")
    db(p)
    p.add_argument("--name")
    agreement = sub.add_parser("agreement", help="sharing agreements").add_subparsers(
        dest="agreement_command", required=True, parser_class=parser_class
    )
    p = agreement.add_parser("add", help="what this server sends a partner (replaces any current)")
    db(p)
    p.add_argument("--partner", required=True)
    p.add_argument("--categories", required=True, help="e.g. health,care_plan or all")
    p.add_argument("--team", required=True, help="our team that receives the partner's people")
    p = agreement.add_parser("list", help="list agreements")
    db(p)
    p = agreement.add_parser("end", help="stop sending to a partner")
    db(p)
    p.add_argument("--partner", required=True)
    duty = sub.add_parser(
        "duty-to-share", help="share safeguarding without consent"
    ).add_subparsers(dest="duty_command", required=True, parser_class=parser_class)
    for name in ("add", "end"):
        p = duty.add_parser(name, help=f"{name} a duty to share for one person and partner")
        db(p)
        p.add_argument("--person", required=True, help="NHS number (or record id)")
        p.add_argument("--partner", required=True)
        p.add_argument("--by", required=True, help="the coordinator or IG lead deciding")
        if name == "add":
            p.add_argument("--reason", required=True)


def run(args: argparse.Namespace, store: ServerStore) -> int:
    """Run one command; a plain error becomes directory.AdminError."""
    try:
        return _run(args, store)
    except OneRecordError as exc:
        raise directory.AdminError(str(exc)) from None
    except ValueError as exc:
        raise directory.AdminError(str(exc)) from None
    except OSError:
        raise directory.AdminError("That CA certificate file cannot be read.") from None


def _run(args: argparse.Namespace, store: ServerStore) -> int:
    if args.command == "partner":
        return _partner(args, store)
    if args.command == "agreement":
        if args.agreement_command == "add":
            partners.add_agreement(store, args.partner, args.categories, args.team)
            print(f"Agreement with '{args.partner}' started: {args.categories}.")
        elif args.agreement_command == "end":
            partners.end_agreement(store, args.partner)
            print(f"Agreement with '{args.partner}' ended: nothing more is sent to it.")
        else:
            for a in partners.list_agreements(store):
                state = "ended " + a["ended_at"].strftime("%d %b %Y") if a["ended_at"] else "active"
                print(f"{a['name']:<30} {a['categories']:<40} team {a['team'] or '-':<24} {state}")
        return 0
    if args.duty_command == "add":
        partner_duty.record(store, args.person, args.partner, args.reason, args.by)
        print(f"Duty to share recorded: safeguarding goes to '{args.partner}' (audited).")
    else:
        partner_duty.end(store, args.person, args.partner, args.by)
        print(f"Duty to share ended for '{args.partner}'.")
    return 0


def _partner(args: argparse.Namespace, store: ServerStore) -> int:
    command = args.partner_command
    if command == "identity":
        card = partners.identity_card(store)
        key = partners.read_card(card)["public_key"]
        print(card)
        print(f"Fingerprint: {partners.fingerprint(key)}  (read it to the partner to check)")
    elif command == "add":
        ca = Path(args.ca).read_text(encoding="ascii") if args.ca else None
        row = partners.add_partner(store, args.name, args.url, args.identity, ca)
        print(
            f"Added partner '{row['name']}'. Fingerprint: {partners.fingerprint(row['public_key'])}"
        )
        print("Check it with the partner's administrator, then add an agreement.")
    elif command == "remove":
        partners.remove_partner(store, args.name)
        print(f"Removed partner '{args.name}': its requests are refused from now on.")
    elif command == "list":
        for p in partners.list_partners(store):
            pulled = (
                p["last_pulled_at"].strftime("%d %b %Y %H:%M") if p["last_pulled_at"] else "never"
            )
            state = "  REMOVED" if p["removed_at"] else ""
            print(
                f"{p['name']:<30} {p['url']:<40} last pulled {pulled:<18} "
                f"{p['refused']} refused{state}"
            )
    else:
        names = (
            [args.name]
            if args.name
            else [p["name"] for p in partners.list_partners(store) if p["removed_at"] is None]
        )
        for name in names:
            # Bounded, as the background round is: a partner whose cursor moves for ever
            # with "more" held this command for ever.
            done = pull_from(store, name, max_pages=SYNC_PAGES)
            more = " More to come: run it again." if done.more else ""
            print(f"{name}: {done.received} received, {len(done.refused)} refused.{more}")
    return 0


# Pages taken from one partner in one round of the background pull (pull_from's
# pages, up to 2,000 changes each): a first replication of a large partner goes on
# at the next round.
PAGES_PER_ROUND = 20
# Pages one `partner sync` takes from a partner (up to 2,000 changes each).
SYNC_PAGES = 500


def replicate_in_background(store: ServerStore, every: float) -> threading.Event:
    """Pull from every partner every `every` seconds, on a daemon thread, while serving.
    Set the returned event to stop it."""
    stop = threading.Event()
    if every <= 0:
        return stop

    def loop() -> None:
        while not stop.wait(every):
            for peer in partners.list_partners(store):
                if peer["removed_at"] is not None or stop.is_set():
                    continue
                try:
                    # A round takes a bounded share from each partner, so one that
                    # never stops sending holds no other partner's pull.
                    pull_from(store, peer["partner_id"], max_pages=PAGES_PER_ROUND)
                except (OneRecordError, ValueError) as exc:  # unreachable, refused: next time
                    logger.warning("partner pull failed: %s", type(exc).__name__)
                except Exception as exc:  # a bug: logged without data, the loop goes on
                    logger.error("partner pull failed unexpectedly: %s", type(exc).__name__)

    threading.Thread(target=loop, daemon=True, name="onerecord-partner-pull").start()
    return stop
