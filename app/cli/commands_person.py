"""`onerecord person add | nhs-number | close | reopen`: register someone from a
referral or a first visit, with the same checks as the app (fields, then the same
person looked for first), record a first NHS number, close and reopen a case."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from app.cli.commands_profile import open_workspace
from app.cli.output import write_json
from app.cli.person_reference import person_id
from app.errors import InvalidInputError
from app.services import clock
from app.values.nhs_number import format_nhs_number
from app.values.vocab import ClosedReason, LevelOfNeed, ReferralSource, ReferralUrgency

Common = Callable[[argparse.ArgumentParser], None]

# Where `person add` finds the team server check: set by the sync layer's commands
# (sync/cli.py) on the `person` parser; app never imports sync. Absent: no server.
TEAM_SERVER_CHECK = "team_server_check"


def _add(args: argparse.Namespace) -> int:
    from app.services.caseload.allocation import staff_id_for
    from app.services.record.referrals import NewReferral
    from app.services.record.registration import NewPerson, register_person
    from app.services.record.team_server_check import check_team_server

    new = NewPerson(
        nhs_number=args.nhs or "",
        given_name=args.given,
        family_name=args.family,
        date_of_birth=args.born,
        postcode=args.postcode,
        address_line1=args.address or "",
        address_line2=args.address2,
        town=args.town,
        phone=args.phone,
        preferred_name=args.preferred_name,
        level_of_need=args.level,
    )
    referral = (
        NewReferral(
            source=args.referred_by,
            reason=args.referral_reason or "",
            referrer_name=args.referrer,
            urgency=args.urgency,
            received_on=args.received,
            first_contact_due=args.first_contact,
        )
        if args.referred_by
        else None
    )
    workspace = open_workspace(args)
    try:
        # The team server first (when online): someone registered on another laptop
        # or with another team is offered, not made twice. Then this laptop's check,
        # inside the write.
        server = check_team_server(
            workspace,
            new,
            getattr(args, TEAM_SERVER_CHECK, None),
            different_person=args.different_person,
        )
        lead = None
        if args.lead:
            with workspace.store.read() as session:
                lead = staff_id_for(session, args.lead)
        change = register_person(
            workspace,
            new,
            different_person=args.different_person,
            referral=referral,
            first_visit_at=parse_visit_time(args.first_visit) if args.first_visit else None,
            lead_professional_id=lead,
        )
    finally:
        workspace.close()
    if server.note:
        print(server.note, file=sys.stderr)
    digits = "".join(ch for ch in new.nhs_number if ch.isdigit())
    if args.format == "json":
        write_json({"person_id": change.person_id, "nhs_number": digits or None})
        return 0
    number = (
        f"NHS number {format_nhs_number(digits)}"
        if digits
        else f"NHS number not yet known; person id {change.person_id}"
    )
    print(
        f"Registered {' '.join(new.given_name.split())} {' '.join(new.family_name.split())} "
        f"({number})."
    )
    return 0


def parse_visit_time(text: str) -> datetime:
    """'2026-12-07T10:30' or '2026-12-07 10:30', read on England's wall clock."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInputError(
            "'{text}' is not a date and time: write it as 2026-12-07T10:30.", text=text
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.LOCAL)
    return moment.astimezone(UTC)


def _nhs_number(args: argparse.Namespace) -> int:
    from app.services.record.registration import record_nhs_number

    workspace = open_workspace(args)
    try:
        record_nhs_number(workspace, args.person, args.number)
    finally:
        workspace.close()
    print("NHS number recorded.")
    return 0


def _close(args: argparse.Namespace) -> int:
    from app.services.record.case import close_case

    workspace = open_workspace(args)
    try:
        close_case(
            workspace,
            person_id=person_id(workspace, args.nhs),
            reason=args.reason,
            closed_on=args.on,
            others_told=args.others_told,
        )
    finally:
        workspace.close()
    print("Case closed: off the active lists, the record kept.")
    return 0


def _referral(args: argparse.Namespace) -> int:
    from app.services.record.referrals import NewReferral, add_referral

    workspace = open_workspace(args)
    try:
        add_referral(
            workspace,
            person_id=person_id(workspace, args.nhs),
            referral=NewReferral(
                source=args.referred_by,
                reason=args.reason or "",
                referrer_name=args.referrer,
                urgency=args.urgency,
                received_on=args.received,
                first_contact_due=args.first_contact,
            ),
        )
    finally:
        workspace.close()
    print("Referral recorded.")
    return 0


def _reopen(args: argparse.Namespace) -> int:
    from app.services.record.case import reopen_case

    workspace = open_workspace(args)
    try:
        reopen_case(workspace, person_id=person_id(workspace, args.nhs))
    finally:
        workspace.close()
    print("Case reopened.")
    return 0


def register(sub: Any, common: Common) -> None:
    person = sub.add_parser("person", help="register people")
    person_sub = person.add_subparsers(
        dest="person_command", required=True, parser_class=sub._parser_class
    )
    p = person_sub.add_parser(
        "add",
        help="register someone (refused if they may already be here: see --different-person)",
    )
    common(p)
    p.add_argument("--given", required=True, help="given name")
    p.add_argument("--family", required=True, help="family name")
    p.add_argument("--born", required=True, help="date of birth (2026-11-22 or 22/11/2026)")
    p.add_argument("--postcode", required=True)
    p.add_argument("--nhs", help="NHS number, if known (a referral may not have one yet)")
    p.add_argument("--address", help="first line of the address")
    p.add_argument("--address2", help="second line of the address")
    p.add_argument("--town")
    p.add_argument("--phone")
    p.add_argument("--preferred-name", help="what they like to be called")
    p.add_argument(
        "--level",
        default=LevelOfNeed.TARGETED.value,
        help=", ".join(level.value for level in LevelOfNeed),
    )
    p.add_argument(
        "--different-person",
        action="store_true",
        help="register even though someone with the same family name, date of birth "
        "and postcode is already here (never for the same NHS number)",
    )
    p.add_argument(
        "--referred-by", help="a referral's source: " + ", ".join(r.value for r in ReferralSource)
    )
    p.add_argument("--referrer", help="who referred them (name and service)")
    p.add_argument("--referral-reason", help="why they were referred")
    p.add_argument("--urgency", default=ReferralUrgency.ROUTINE.value, help="routine or urgent")
    p.add_argument("--received", help="the date the referral arrived (default today)")
    p.add_argument(
        "--first-contact", help="first contact due by (default: next day if urgent or discharge)"
    )
    p.add_argument(
        "--lead", help="the lead professional, by name or id (the team coordinator's to name)"
    )
    p.add_argument(
        "--first-visit",
        help="plan the first visit: 2026-12-07T10:30 (UK time), for the lead or for you",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(handler=_add)

    p = person_sub.add_parser(
        "nhs-number", help="record the NHS number of someone registered without one"
    )
    common(p)
    p.add_argument("--person", required=True, help="the person id 'person add' printed")
    p.add_argument("--number", required=True, help="their NHS number")
    p.set_defaults(handler=_nhs_number)

    p = person_sub.add_parser("close", help="close a case (the record is kept)")
    common(p)
    p.add_argument("--nhs", required=True, help="NHS number (or person id)")
    p.add_argument("--reason", required=True, help=", ".join(r.value for r in ClosedReason))
    p.add_argument("--on", help="the date it closed (default today)")
    p.add_argument(
        "--others-told",
        action="store_true",
        help="close even though others hold actions in the plan (they have been told)",
    )
    p.set_defaults(handler=_close)

    p = sub.add_parser("referral", help="record a new referral for someone registered")
    common(p)
    p.add_argument("--nhs", required=True, help="NHS number (or person id)")
    p.add_argument("--referred-by", required=True, help=", ".join(r.value for r in ReferralSource))
    p.add_argument("--referrer", help="who referred them (name and service)")
    p.add_argument("--reason", help="why they were referred")
    p.add_argument("--urgency", default=ReferralUrgency.ROUTINE.value, help="routine or urgent")
    p.add_argument("--received", help="the date it arrived (default today)")
    p.add_argument("--first-contact", help="first contact due by")
    p.set_defaults(handler=_referral)

    p = person_sub.add_parser("reopen", help="reopen a closed case")
    common(p)
    p.add_argument("--nhs", required=True, help="NHS number (or person id)")
    p.set_defaults(handler=_reopen)
