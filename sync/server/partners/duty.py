"""The duty to share: safeguarding information sent to a partner without consent.

Only a coordinator or the information-governance lead may decide it, and must
say why. The decision is kept in `duty_to_share` (what the partner feed reads)
and journalled as a server-authored, hash-chained audit event (`duty_to_share`,
with the reason), which stays on this server: audit events never go to laptops
or partners. Ending it stops the flow at the partner's next pull.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, insert, select, update

from app.values.vocab import Role
from storage import wallclock
from sync.server import directory, person_rows
from sync.server import schema as s
from sync.server.categories import SAFEGUARDING
from sync.server.own_audit import append_event
from sync.server.partners.agreements import partner
from sync.server.store import ServerStore, _transaction

PERMITTED = frozenset({Role.COORDINATOR.value, Role.IG_LEAD.value})


def find_person(conn: Connection, person: str) -> str:
    """A person's id from their id or NHS number (as the server holds them)."""
    digits = "".join(ch for ch in person if ch.isdigit())
    if len(digits) == 10 and len(person.replace(" ", "")) == 10:
        found = person_rows.with_nhs_number(conn, digits)
        if len(found) > 1:
            # Guessing could open, or share, the wrong person's record.
            raise SeveralWithThatNumber()
        if found:
            return found[0]
    elif conn.execute(
        select(s.changes.c.seq).where(s.changes.c.person_id == person).limit(1)
    ).first():
        return person
    raise directory.AdminError("This server holds no record of that person.")


class SeveralWithThatNumber(directory.AdminError):
    def __init__(self) -> None:
        super().__init__(
            "More than one record on this server holds that NHS number: "
            "give the record's id instead, and ask the coordinator to merge them."
        )


def _decider(store: ServerStore, by: str) -> dict[str, Any]:
    staff = directory.user_by_name(store, by)
    if staff["role"] not in PERMITTED:
        raise directory.AdminError(
            "Only a coordinator or the information governance lead can decide a duty to share."
        )
    return staff


def record(store: ServerStore, person: str, partner_name: str, reason: str, by: str) -> str:
    reason = " ".join(reason.split())
    if len(reason) < 10:
        raise directory.AdminError("Say why safeguarding information must be shared (the reason).")
    staff = _decider(store, by)
    duty_id = str(uuid.uuid4())
    with _transaction(store.engine) as conn:
        found = partner(conn, partner_name)
        person_id = find_person(conn, person)
        conn.execute(
            insert(s.duty_to_share),
            [
                {
                    "duty_id": duty_id,
                    "partner_id": found["partner_id"],
                    "person_id": person_id,
                    "reason": reason,
                    "decided_by": staff["user_id"],
                    "decided_at": wallclock.utcnow(),
                }
            ],
        )
        append_event(
            conn,
            store,
            staff,
            person_id,
            "duty_to_share",
            reason,
            duty_id=duty_id,
            partner_id=found["partner_id"],
            category=SAFEGUARDING,
        )
    return duty_id


def end(store: ServerStore, person: str, partner_name: str, by: str) -> None:
    staff = _decider(store, by)
    d = s.duty_to_share
    with _transaction(store.engine) as conn:
        found = partner(conn, partner_name)
        person_id = find_person(conn, person)
        done = conn.execute(
            update(d)
            .where(
                d.c.partner_id == found["partner_id"],
                d.c.person_id == person_id,
                d.c.ended_at.is_(None),
            )
            .values(ended_at=wallclock.utcnow())
        )
        if not done.rowcount:
            raise directory.AdminError("There is no duty to share in force for that person.")
        append_event(
            conn,
            store,
            staff,
            person_id,
            "duty_to_share_ended",
            partner_id=found["partner_id"],
            category=SAFEGUARDING,
        )
