"""Visit and contact notes: append-only, with when it happened and when it was written."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError
from app.services import clock
from app.services.need_to_know.access import require_access_to_write
from app.services.record.people import find
from app.values.vocab import ContactOutcome, ContactType
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import ContactNote, Goal

# A laptop clock a little ahead of the server's should not block a note.
_CLOCK_SKEW = timedelta(minutes=5)
MAX_NOTE_CHARS = 20_000


def checked_note(
    text: str | None, contact_type: str, occurred_at: datetime | None
) -> tuple[str, str, datetime]:
    """(narrative, contact type code, when) or InvalidInputError: the rules for any note."""
    narrative = (text or "").strip()
    if not narrative:
        raise InvalidInputError("A note needs some text.")
    if len(narrative) > MAX_NOTE_CHARS:
        raise InvalidInputError(
            "A note can be {MAX_NOTE_CHARS:,} characters at most.", MAX_NOTE_CHARS=MAX_NOTE_CHARS
        )
    kind = ContactType.parse(contact_type).value
    now = clock.now()
    when = occurred_at or now
    if when.tzinfo is None:
        raise InvalidInputError("Say which time zone the visit time is in.")
    if when > now + _CLOCK_SKEW:
        raise InvalidInputError("A note cannot be for a visit in the future.")
    return narrative, kind, when


def write_note(
    session: Session,
    workspace: Workspace,
    person_id: str,
    *,
    narrative: str,
    contact_type: str,
    occurred_at: datetime,
    location: str | None = None,
    goal_ids: Sequence[str] = (),
    outcome: str | None = None,
    sensitive: bool = False,
) -> ContactNote:
    """Add a checked note inside the caller's write; linked goals must be this person's."""
    # Need-to-know at the write itself (the desktop's visit note, `note add`): a
    # break-glass grant may have expired since the record opened.
    require_access_to_write(session, person_id)
    goals = list(dict.fromkeys(goal_ids))
    if goals:
        known = set(
            session.execute(
                select(Goal.id).where(Goal.person_id == person_id, Goal.id.in_(goals))
            ).scalars()
        )
        if unknown := [g for g in goals if g not in known]:
            raise InvalidInputError(
                "{unknown} linked goal(s) are not this person's goals.", unknown=len(unknown)
            )
    note = ContactNote(
        person_id=person_id,
        contact_type=contact_type,
        occurred_at=occurred_at,
        location=location,
        narrative=narrative,
        outcome=ContactOutcome.parse(outcome).value if outcome else None,
        author_id=workspace.actor.user_id,
        author_role=workspace.actor.role,
        organisation_id=workspace.actor.organisation_id,
        linked_goal_ids=json.dumps(goals),
        # Sensitive: read only by the author, the lead professional and the author's
        # profession (app.services.need_to_know.access_policy); others see whom to ask.
        sensitive=bool(sensitive),
    )
    session.add(note)
    session.flush()
    return note


def add_note(
    workspace: Workspace,
    nhs_number: str,
    text: str,
    *,
    contact_type: str = ContactType.HOME_VISIT.value,
    occurred_at: datetime | None = None,
    location: str | None = None,
    goal_ids: list[str] | None = None,
    sensitive: bool = False,
) -> str:
    narrative, kind, when = checked_note(text, contact_type, occurred_at)
    with workspace.store.write(workspace.actor) as session:
        person = find(session, nhs_number)
        # Writing to a record needs the same access as reading it: write_note checks.
        note = write_note(
            session,
            workspace,
            person.id,
            narrative=narrative,
            contact_type=kind,
            occurred_at=when,
            location=location,
            goal_ids=goal_ids or [],
            sensitive=sensitive,
        )
        audit(session, "note_added", person_id=person.id, detail={"note_id": note.id})
        return note.id
