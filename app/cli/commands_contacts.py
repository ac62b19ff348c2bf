"""`onerecord contact add | about-me | consent`: family, carers and professionals,
the person's own words (About me), and their consent to share, from a script, with
the app's own checks (one plain line, nothing half-written)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from app.cli.commands_profile import open_workspace
from app.cli.person_reference import person_id
from app.errors import InvalidInputError
from app.values.about_me_fields import ABOUT_ME_FIELDS
from app.values.vocab import ConsentCategory, ConsentDecision, ConsentMethod

Common = Callable[[argparse.ArgumentParser], None]
PERSONAL = (
    "name, relationship, phone, is_main_carer, carers_assessment, carers_assessment_date, "
    "is_key_holder, lasting_power_of_attorney, is_emergency_contact, comments"
)
PROFESSIONAL = (
    "name, role, team, organisation_id, contact_details, is_key_worker, start_date, end_date"
)


def _pairs(items: list[str] | None) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InvalidInputError("'{item}' should look like FIELD=VALUE.", item=item)
        values[name.strip().replace("-", "_")] = value
    return values


def _contact(args: argparse.Namespace) -> int:
    from app.services.record.contacts import save_personal_contact, save_professional_contact

    values = _pairs(args.set)
    allowed = PROFESSIONAL if args.professional else PERSONAL
    unknown = sorted(set(values) - {f.strip() for f in allowed.split(",")})
    if unknown:
        raise InvalidInputError(
            "'{name}' is not a contact field. Fields: {fields}.", name=unknown[0], fields=allowed
        )
    save = save_professional_contact if args.professional else save_personal_contact
    workspace = open_workspace(args)
    try:
        change = save(workspace, person_id=person_id(workspace, args.nhs), values=values)
    finally:
        workspace.close()
    print(f"Contact saved (id {change.entity_id}).")
    return 0


def _about_me(args: argparse.Namespace) -> int:
    """Only the prompts given change: the rest stay as the person said them."""
    from app.services.record.about_me import save_about_me
    from app.services.record.record import open_record

    given = _pairs(args.set)
    known = set(ABOUT_ME_FIELDS)
    unknown = sorted(set(given) - known)
    if unknown:
        raise InvalidInputError(
            "'{name}' is not an About me prompt. Prompts: {fields}.",
            name=unknown[0],
            fields=", ".join(sorted(known)),
        )
    workspace = open_workspace(args)
    try:
        whose = person_id(workspace, args.nhs)
        record = open_record(workspace, whose)
        current: dict[str, Any] = dict(record.about_me)
        save_about_me(workspace, person_id=whose, values=current | given)
    finally:
        workspace.close()
    print("About me saved.")
    return 0


def _consent(args: argparse.Namespace) -> int:
    from app.services.care.consent import record_consent

    workspace = open_workspace(args)
    try:
        record_consent(
            workspace,
            person_id=person_id(workspace, args.nhs),
            partner_organisation_id=None if args.partner == "all" else args.partner,
            category=args.category,
            decision=args.decision,
            given_by=args.given_by,
            method=args.method,
            reason_refused=args.reason,
        )
    finally:
        workspace.close()
    print("Consent decision recorded.")
    return 0


def register(sub: Any, common: Common) -> None:
    contact = sub.add_parser("contact", help="family, carers and professionals")
    c_sub = contact.add_subparsers(
        dest="contact_command", required=True, parser_class=sub._parser_class
    )
    p = c_sub.add_parser("add", help="add a carer, family member or professional")
    common(p)
    p.add_argument("--nhs", required=True, help="NHS number (or person id)")
    p.add_argument("--professional", action="store_true", help="a professional, not family")
    p.add_argument(
        "--set",
        action="append",
        metavar="FIELD=VALUE",
        help=f"family: {PERSONAL}; professional: {PROFESSIONAL}",
    )
    p.set_defaults(handler=_contact)

    p = sub.add_parser("about-me", help="the person's own words, prompt by prompt")
    common(p)
    p.add_argument("--nhs", required=True, help="NHS number (or person id)")
    p.add_argument(
        "--set",
        action="append",
        metavar="PROMPT=TEXT",
        help=", ".join(ABOUT_ME_FIELDS),
    )
    p.set_defaults(handler=_about_me)

    p = sub.add_parser("consent", help="record a consent to share decision")
    common(p)
    p.add_argument("--nhs", required=True, help="NHS number (or person id)")
    p.add_argument("--partner", default="all", help="partner organisation id, or all")
    p.add_argument("--category", required=True, help=", ".join(c.value for c in ConsentCategory))
    p.add_argument("--decision", required=True, help=", ".join(d.value for d in ConsentDecision))
    p.add_argument("--given-by", default="the person", help="who gave it")
    p.add_argument(
        "--method",
        default=ConsentMethod.VERBAL.value,
        help=", ".join(m.value for m in ConsentMethod),
    )
    p.add_argument("--reason", help="why it was refused")
    p.set_defaults(handler=_consent)
