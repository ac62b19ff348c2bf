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
from sync.protocol import Change
from sync.server import schema as s
from sync.server.categories import SHARED_DIRECTORY
from sync.server.validation import TEAM_SETTINGS, refusal


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
    return refusal(change, change.device_id)


DUPLICATE = (
    "This server already holds another record with this NHS number: "
    "the two records must be matched before this one can be shared."
)


def same_nhs_number(conn: Connection, changes: list[Change]) -> list[Change]:
    """Partner person records whose NHS number one of our own records already has:
    storing them would put two people with one NHS number on our laptops."""
    incoming: dict[str, Change] = {}
    for change in changes:
        if change.entity != "person" or change.value is None:
            continue
        value = json.loads(change.value)
        number = value.get("nhs_number") if change.op == "create" else value
        if change.op == "set" and change.field != "nhs_number":
            continue
        if isinstance(number, str) and number.isdigit():
            incoming[number] = change
    clashes: list[Change] = []
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
            try:
                value = json.loads(row.value or "null")
            except (ValueError, RecursionError):
                continue  # spoilt on this server (by hand, a bug): it names no number
            if row.op == "create":
                value = value.get("nhs_number") if isinstance(value, dict) else None
            number = value
            found = incoming.get(number) if isinstance(number, str) else None
            if found is not None and row.entity_id != found.entity_id and found not in clashes:
                clashes.append(found)
    return clashes


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
