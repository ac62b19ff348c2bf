"""Record commands: list, show, note add, note amend, edit."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.cli.break_glass_option import add_break_glass_argument, apply_break_glass
from app.cli.choices import CASELOAD_SORTS, EDITABLE_FIELDS
from app.cli.commands_profile import open_workspace
from app.cli.output import british_date, write_csv, write_json, write_table
from app.errors import InvalidInputError
from app.values.nhs_number import format_nhs_number
from app.values.vocab import ContactType

Common = Callable[[argparse.ArgumentParser], None]
_HEADERS = ["NHS number", "Name", "Date of birth", "Locality", "Lead professional"]


def _list(args: argparse.Namespace) -> int:
    from app.services.caseload import caseload
    from app.services.need_to_know.access import viewer_of
    from storage.audit_log import append as audit

    workspace = open_workspace(args)
    try:
        query = caseload.CaseloadQuery(
            search=args.search or "",
            sort=args.sort,
            limit=args.limit,
            include_closed=args.include_closed,
        )
        with workspace.store.write(workspace.actor) as session:
            # Need-to-know: people outside the user's relationship come limited.
            viewer = viewer_of(session, workspace.actor)
            rows = caseload.list_people(session, query, viewer)
            audit(session, "caseload_listed", detail={"rows": len(rows), "format": args.format})
    finally:
        workspace.close()
    if args.format == "json":
        write_json(
            [
                {
                    "nhs_number": r.nhs_number,
                    "given_name": r.given_name,
                    "family_name": r.family_name,
                    "date_of_birth": None if r.limited else r.date_of_birth,
                    "year_of_birth": r.year_of_birth,
                    "locality": r.locality,
                    "lead_professional": r.lead_professional,
                    "level_of_need": r.level_of_need,
                    "status": r.status,
                }
                for r in rows
            ]
        )
    elif args.format == "csv":
        write_csv(
            _HEADERS,
            [
                [
                    r.nhs_number,
                    r.display_name,
                    str(r.year_of_birth) if r.limited else r.date_of_birth.isoformat(),
                    r.locality or "",
                    r.lead_professional or "",
                ]
                for r in rows
            ],
        )
    else:
        write_table(
            _HEADERS,
            [
                [
                    format_nhs_number(r.nhs_number) if r.nhs_number else "",
                    r.display_name,
                    str(r.year_of_birth) if r.limited else british_date(r.date_of_birth),
                    r.locality,
                    "(not your caseload)"
                    if r.limited
                    else (r.lead_professional or "(unallocated)"),
                ]
                for r in rows
            ],
        )
    return 0


def _show(args: argparse.Namespace) -> int:
    from app.services.record.record_view import person_record

    workspace = open_workspace(args)
    try:
        apply_break_glass(workspace, args, args.nhs)
        record = person_record(workspace, args.nhs, notes=args.notes)
    finally:
        workspace.close()
    write_json(record)
    return 0


def _note_add(args: argparse.Namespace) -> int:
    from app.services.care.notes import add_note

    occurred = None
    if args.at:
        try:
            occurred = datetime.fromisoformat(args.at)
        except ValueError:
            raise InvalidInputError(
                "'{at}' is not a date and time like 2026-11-22T09:30+00:00.", at=args.at
            ) from None
        if occurred.tzinfo is None:
            occurred = occurred.astimezone()
    workspace = open_workspace(args)
    try:
        add_note(
            workspace,
            args.nhs,
            args.text,
            contact_type=args.type,
            occurred_at=occurred,
            location=args.location,
            sensitive=args.sensitive,
        )
    finally:
        workspace.close()
    print("Note saved.")
    return 0


def _note_amend(args: argparse.Namespace) -> int:
    from app.services.care.amend import amend_note
    from app.services.record import people

    workspace = open_workspace(args)
    try:
        with workspace.store.read() as session:
            person_id = people.find(session, args.nhs).id
        amend_note(
            workspace,
            note_id=args.note,
            narrative=args.text,
            reason=args.reason,
            person_id=person_id,
        )
    finally:
        workspace.close()
    print("Correction saved beside the note.")
    return 0


def _edit(args: argparse.Namespace) -> int:
    from app.services.record import people

    changes = people.parse_assignments(args.set or [])
    if not changes:
        raise InvalidInputError("Say what to change with --set FIELD=VALUE.")
    workspace = open_workspace(args)
    try:
        changed = people.edit(workspace, args.nhs, changes)
    finally:
        workspace.close()
    print(
        f"Updated: {', '.join(changed)}."
        if changed
        else "Nothing changed: the record already had those values."
    )
    return 0


def register(sub: Any, common: Common) -> None:
    p = sub.add_parser("list", help="the people in this profile")
    common(p)
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument("--search", help="name, NHS number or postcode")
    p.add_argument("--sort", choices=sorted(CASELOAD_SORTS), default="name")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--include-closed", action="store_true")
    p.set_defaults(handler=_list)

    p = sub.add_parser("show", help="one person's whole record")
    common(p)
    p.add_argument("--nhs", required=True, help="NHS number, with or without spaces")
    p.add_argument("--format", choices=["json"], default="json")
    p.add_argument("--notes", type=int, default=50, help="how many recent contact notes to include")
    add_break_glass_argument(p)
    p.set_defaults(handler=_show)

    note = sub.add_parser("note", help="contact notes")
    note_sub = note.add_subparsers(
        dest="note_command", required=True, parser_class=sub._parser_class
    )
    p = note_sub.add_parser("add", help="record a visit or contact note")
    common(p)
    p.add_argument("--nhs", required=True)
    p.add_argument("--text", required=True)
    p.add_argument(
        "--type", default=ContactType.HOME_VISIT.value, help=", ".join(c.value for c in ContactType)
    )
    p.add_argument("--at", help="when the contact happened (ISO 8601; default now)")
    p.add_argument("--location")
    p.add_argument(
        "--sensitive",
        action="store_true",
        help="only you, the lead professional and your profession may read it",
    )
    p.set_defaults(handler=_note_add)
    p = note_sub.add_parser(
        "amend", help="correct a note: a correction with its reason, beside the note"
    )
    common(p)
    p.add_argument("--nhs", required=True)
    p.add_argument("--note", required=True, help="the note's id (from 'show')")
    p.add_argument("--text", required=True, help="the corrected note")
    p.add_argument("--reason", required=True, help="why it is being corrected")
    p.set_defaults(handler=_note_amend)

    p = sub.add_parser("edit", help="change fields of a person's record")
    common(p)
    p.add_argument("--nhs", required=True)
    p.add_argument(
        "--set",
        action="append",
        metavar="FIELD=VALUE",
        help=f"repeatable; fields: {', '.join(sorted(EDITABLE_FIELDS))}",
    )
    p.set_defaults(handler=_edit)
