"""The one reader of a person as this server holds them: their record is a chain of
changes (a create, then field by field), never a row of its own.

Every read here passes over a value this server cannot read (spoilt in its own
database, by hand or by a bug) rather than failing: the search, the break-glass,
the same-person check and the duty commands that use it would otherwise fail for
everyone whose request met that person, request after request.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, or_, select

from sync.server import schema as s
from sync.server.journal_rows import stored_object


def current_fields(
    conn: Connection, person_ids: Iterable[str], fields: Iterable[str], *, deleted: bool = False
) -> dict[str, dict[str, Any]]:
    """Each person's named fields as their newest changes say. A deleted person is no
    one (left out) unless `deleted` (an audit report still names whom staff looked at);
    a value that cannot be read is left out, the rest kept."""
    c = s.changes.c
    wanted = tuple(fields)
    people: dict[str, dict[str, Any]] = {}
    gone: set[str] = set()
    for row in conn.execute(
        select(c.entity_id, c.op, c.field, c.value)
        .where(c.entity == "person", c.entity_id.in_(sorted(set(person_ids))))
        .where(or_(c.op != "set", c.field.in_(wanted)))
        .order_by(c.hlc, c.device_id)
    ):
        values = people.setdefault(row.entity_id, {})
        if row.op == "delete":
            gone.add(row.entity_id)
        elif row.op == "create":
            whole = stored_object(row.value)
            if whole is not None:
                values.update({k: v for k, v in whole.items() if k in wanted})
        elif row.op == "set":
            try:
                values[row.field] = json.loads(row.value) if row.value else None
            except (ValueError, RecursionError):
                # Not the value it had before: an NHS number corrected to something
                # unreadable must not go on matching the old number.
                values.pop(row.field, None)
    return {p: v for p, v in people.items() if deleted or p not in gone}


def with_nhs_number(conn: Connection, digits: str, *, deleted: bool = False) -> list[str]:
    """Everyone whose NHS number (ten digits) is this one now, as this server holds them
    (a number corrected since registration counts; a deleted person only if `deleted`).
    More than one is possible: a partner's copy of someone, or a bug."""
    c = s.changes.c
    candidates: list[str] = list(
        conn.execute(
            select(c.entity_id)
            .where(c.entity == "person", c.value.contains(digits, autoescape=True))
            .distinct()
            .order_by(c.entity_id)
        ).scalars()
    )
    found = current_fields(conn, candidates, ("nhs_number",), deleted=deleted)
    return [person_id for person_id, now in found.items() if now.get("nhs_number") == digits]
