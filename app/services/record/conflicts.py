"""Sync conflicts: two people changed the same thing on different laptops without
seeing each other's change. Both values are kept until a person chooses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import attributes

from app.errors import InvalidInputError, NotFoundError
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.codec import decode_row
from storage.journal import context_of
from storage.tables import Organisation, Person, StaffMember, SyncConflict, journalled_tables
from storage.withheld import PLACEHOLDER, is_withheld


@dataclass(frozen=True)
class ConflictValue:
    change_id: str
    value: Any
    author: str
    organisation: str
    recorded: datetime
    # Set when the server withheld this value from this laptop (storage.withheld):
    # the line to show instead of the marker, saying whom to ask.
    withheld: str | None = None


@dataclass(frozen=True)
class Conflict:
    entity: str
    entity_id: str
    field: str
    person_id: str | None
    person_name: str
    values: list[ConflictValue]

    @property
    def key(self) -> str:
        return f"{self.entity}:{self.entity_id}:{self.field}"


def _stamp_time(hlc: int) -> datetime:
    from datetime import UTC

    return datetime.fromtimestamp((hlc >> 16) / 1000, tz=UTC)


def list_conflicts(workspace: Workspace, person_id: str | None = None) -> list[Conflict]:
    with workspace.store.read() as session:
        stmt = select(SyncConflict).order_by(SyncConflict.detected_at, SyncConflict.entity_id)
        if person_id:
            stmt = stmt.where(SyncConflict.person_id == person_id)
        rows = list(session.execute(stmt).scalars())
        staff = dict(session.execute(select(StaffMember.id, StaffMember.display_name)).all())
        orgs = dict(session.execute(select(Organisation.id, Organisation.name)).all())
        names: dict[str, str] = {}
        leads: dict[str, str | None] = {}
        for pid, given, family, lead in session.execute(
            select(
                Person.id, Person.given_name, Person.family_name, Person.lead_professional_id
            ).where(Person.id.in_({r.person_id for r in rows if r.person_id}))
        ):
            names[pid] = f"{given} {family}"
            leads[pid] = lead
    return [
        Conflict(
            entity=row.entity,
            entity_id=row.entity_id,
            field=row.field,
            person_id=row.person_id,
            person_name=names.get(row.person_id or "", "(not on this laptop)"),
            values=[
                ConflictValue(
                    change_id=head["change_id"],
                    value=head["value"],
                    author=staff.get(head.get("author_id") or "", "someone"),
                    organisation=orgs.get(head.get("organisation_id") or "", "an organisation"),
                    recorded=_stamp_time(int(head["hlc"])),
                    withheld=(
                        _whom(row.entity, head, staff, leads.get(row.person_id or ""))
                        if is_withheld(head["value"])
                        else None
                    ),
                )
                for head in json.loads(row.heads)
            ],
        )
        for row in rows
    ]


def _whom(entity: str, head: dict[str, Any], staff: dict[str, str], lead: str | None) -> str:
    """'Withheld (restricted) — ask <whom>': a sensitive note's writer, otherwise
    the person's lead professional (as the record itself says, access_policy)."""
    lead_name = staff.get(lead) if lead else None
    author_name = staff.get(head.get("author_id") or "")
    if entity == "contact_note":
        who = author_name or lead_name or "the author of this note"
    else:
        who = lead_name or "the lead professional"
    return f"Withheld (restricted) — ask {who}"


def resolve(workspace: Workspace, key: str, value: Any) -> None:
    """Settle a conflict with `value` (one of the values, or a new one). The choice is
    a change like any other: it syncs, and settles the conflict on every laptop."""
    if is_withheld(value) or value == PLACEHOLDER:
        # The server withheld it (storage.withheld): keeping it would turn a
        # placeholder into a real value that wins everywhere.
        raise InvalidInputError(
            "That value was withheld from this laptop: keep the other value, or ask "
            "the lead professional to settle it."
        )
    entity, _, rest = key.partition(":")
    entity_id, _, field = rest.partition(":")
    cls = journalled_tables().get(entity)
    if cls is None or not field:
        raise InvalidInputError(
            "'{key}' is not a conflict: copy it from 'onerecord conflicts list'.", key=key
        )
    with workspace.store.write(workspace.actor) as session:
        conflict = session.get(SyncConflict, (entity, entity_id, field))
        if conflict is None:
            raise NotFoundError("That conflict is not open (it may have been resolved already).")
        record = session.get(cls, entity_id)
        if record is None:
            raise NotFoundError("The record in conflict is not on this laptop.")
        heads = [head["change_id"] for head in json.loads(conflict.heads)]
        context_of(session).resolving[(entity, entity_id, field)] = heads
        decoded = decode_row(cls, {field: value})[field]
        setattr(record, field, decoded)
        # Keeping the value already shown is still a decision: journal it.
        attributes.flag_modified(record, field)
        session.flush()
        audit(
            session,
            "conflict_resolved",
            person_id=conflict.person_id,
            detail={"entity": entity, "field": field},
        )
