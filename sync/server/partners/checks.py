"""What a receiving server refuses from a partner, whatever the partner's server says.

A partner may send its people's records and its own directory entries. It may
not write in our name (our server, laptops, staff or organisation), send another
organisation's directory entries, any audit event or a team's settings, or bring a
second record with an NHS number one of ours already has (the two must be matched by
a person first). Refused changes are kept with the reason, never silently dropped.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, or_, select

from app.services.write_rules.row_validity import row_problem
from app.services.write_rules.write_policy import (
    NO_REMOVAL,
    PROVENANCE_FIXED,
    RECORDED_FIELDS,
    SIGNATURE_FIXED,
    SIGNED_BY,
    row_provenance,
)
from sync.protocol import Change
from sync.server import schema as s
from sync.server.categories import SHARED_DIRECTORY
from sync.server.validation import TEAM_SETTINGS, json_object, refusal


def partner_refusal(
    change: Change, peer: dict[str, Any], ours: set[str], own_org: str | None
) -> str | None:
    """Why a change from a partner is refused, or None."""
    if (
        change.device_id in ours
        or (change.author_id is not None and change.author_id in ours)
        or (own_org and change.organisation_id == own_org)
    ):
        return "A partner cannot send changes in this organisation's name."
    if change.entity in SHARED_DIRECTORY:
        try:
            row = json.loads(change.value or "null") if change.op == "create" else None
        except (ValueError, RecursionError):
            return "A directory entry from a partner must be a whole, readable record."
        whose = (
            change.entity_id
            if change.entity == "organisation"
            else (row or {}).get("organisation_id")
        )
        if not isinstance(row, dict) or whose != peer["organisation_id"]:
            return "A partner can only send its own organisation's directory entries."
        return row_problem(change.entity, row)
    if change.entity == "audit_event":
        return "Audit events stay with the organisation that wrote them."
    if change.entity in TEAM_SETTINGS:
        # Never sent to a partner (categories.NEVER_SHARED), so never taken from one.
        return "A team's settings stay with the organisation that wrote them."
    if reason := refusal(change, change.device_id):
        return reason
    return _as_a_laptop_may(change)


def _as_a_laptop_may(change: Change) -> str | None:
    """The write policy's rules that hold whoever writes (write_policy.decide): records
    are never removed (a tombstone wins over every edit, for good), who recorded or
    signed an entry never changes, and a whole row names as its writer only its
    change's own author, organisation and device (a partner's staff roles are not
    known here). Before, a partner could remove our records, and send a note in our
    nurse's name, from our laptop, under our organisation."""
    if change.op == "delete":
        return NO_REMOVAL
    if change.op == "set":
        if change.field in RECORDED_FIELDS:
            return PROVENANCE_FIXED
        if change.field == SIGNED_BY.get(change.entity):
            return SIGNATURE_FIXED
        return None
    row = json_object(change.value)
    if row is None:
        return None  # refusal() has said whether a whole row must be readable
    return row_provenance(
        change.entity,
        row,
        change.author_id,
        change.organisation_id,
        change.device_id,
        None,
        any_role=True,
    )


DUPLICATE = (
    "This server already holds another record with this NHS number: "
    "the two records must be matched before this one can be shared."
)


def same_nhs_number(conn: Connection, changes: list[Change]) -> list[Change]:
    """Partner person records whose NHS number one of our own records already has, or
    another person on the same page has (all but the first): storing them would put
    two people with one NHS number on our laptops."""
    incoming: dict[str, Change] = {}
    clashes: list[Change] = []
    for change in changes:
        if change.entity != "person" or change.value is None:
            continue
        if change.op not in ("create", "set") or (
            change.op == "set" and change.field != "nhs_number"
        ):
            continue
        value = _json_value(change.value)
        number = value.get("nhs_number") if isinstance(value, dict) else value
        if not (isinstance(number, str) and number.isdigit()):
            continue
        first = incoming.setdefault(number, change)
        if first.entity_id != change.entity_id:
            clashes.append(change)
    c = s.changes
    numbers = sorted(incoming)
    for start in range(0, len(numbers), 200):
        chunk = numbers[start : start + 200]
        for row in conn.execute(
            select(c.c.entity_id, c.c.op, c.c.value).where(
                c.c.entity == "person",
                (c.c.op == "create") | (c.c.field == "nhs_number"),
                or_(*[c.c.value.contains(n) for n in chunk]),
            )
        ):
            value = _json_value(row.value)
            if row.op == "create":
                value = value.get("nhs_number") if isinstance(value, dict) else None
            number = value
            found = incoming.get(number) if isinstance(number, str) else None
            if found is not None and row.entity_id != found.entity_id and found not in clashes:
                clashes.append(found)
    return clashes


_UNREAD: Any = object()


def _json_value(text: str | None) -> Any:
    """A stored or sent value, or a stand-in naming no number when it cannot be read
    (spoilt on a server, by hand or a bug): never an error that fails the page."""
    try:
        return json.loads(text or "null")
    except (ValueError, RecursionError):
        return _UNREAD


def held_back(conn: Connection, changes: list[Change]) -> list[tuple[Change, str]]:
    """Changes to keep out for now, with the reason: a person whose NHS number one
    of ours has, and any record of a person this server does not hold."""
    out: list[tuple[Change, str]] = [(c, DUPLICATE) for c in same_nhs_number(conn, changes)]
    refused = {c.change_id for c, _ in out}
    created = {c.entity_id for c in changes if c.entity == "person" and c.change_id not in refused}
    owners: dict[str, str] = {}
    for change in changes:
        if change.op in ("create", "append") and change.entity != "person" and change.value:
            owner = json.loads(change.value).get("person_id")
            if isinstance(owner, str):
                owners[change.change_id] = owner
    wanted = sorted(set(owners.values()) - created)
    known: set[str] = set()
    for start in range(0, len(wanted), 500):
        known.update(
            conn.execute(
                select(s.changes.c.entity_id).where(
                    s.changes.c.entity == "person",
                    s.changes.c.entity_id.in_(wanted[start : start + 500]),
                )
            ).scalars()
        )
    for change in changes:
        owner = owners.get(change.change_id)
        if owner is not None and owner not in created and owner not in known:
            out.append((change, "The person this record belongs to is not held here."))
    return out
