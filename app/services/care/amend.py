"""Correcting a note. Notes are append-only: a wrong note is never edited or
removed; it is corrected by a new note that amends it, written by whoever corrects
it, with the reason, and shown beside the original. The original keeps its words
for anyone entitled to read them; the correction says what should be read instead.
"""

from __future__ import annotations

from datetime import datetime

from app.errors import InvalidInputError, NotFoundError
from app.services.care.notes import MAX_NOTE_CHARS
from app.services.changes import TIMELINE, Change
from app.services.need_to_know.access import require_access_to_write
from app.services.ops import operation, text
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import ContactNote, StaffMember

REASON_CHARS = 500


def amend_note(
    workspace: Workspace,
    *,
    note_id: str,
    narrative: str,
    reason: str,
    person_id: str | None = None,
    draft_key: str | None = None,
) -> Change:
    """Write the correction of `note_id`: its new words and why (`person_id`, when
    given, must be the note's: the command line names the person too)."""
    why = text(reason, "reason for the correction", limit=REASON_CHARS, required=True)
    words = (narrative or "").strip()
    if not words:
        raise InvalidInputError("A correction needs the note's corrected text.")
    if len(words) > MAX_NOTE_CHARS:
        raise InvalidInputError("A note can be {limit:,} characters at most.", limit=MAX_NOTE_CHARS)
    with operation(workspace, draft_key=draft_key) as session:
        original = session.get(ContactNote, note_id)
        if original is None or (person_id is not None and original.person_id != person_id):
            raise NotFoundError("That note is not in this person's record.")
        access = require_access_to_write(session, original.person_id)
        author = session.get(StaffMember, original.author_id) if original.author_id else None
        readable, _ask = access.note_text(
            original.narrative,
            sensitive=original.sensitive,
            author_id=original.author_id,
            author_role=original.author_role,
            author_name=author.display_name if author else None,
        )
        if original.sensitive and not readable:
            raise InvalidInputError(
                "This note is restricted: only someone who may read it can correct it."
            )
        if words == original.narrative:
            raise InvalidInputError("The corrected text is the same as the note's.")
        occurred: datetime = original.occurred_at
        correction = ContactNote(
            person_id=original.person_id,
            contact_type=original.contact_type,
            occurred_at=occurred,
            location=original.location,
            narrative=words,
            outcome=original.outcome,
            author_id=workspace.actor.user_id,
            author_role=workspace.actor.role,
            organisation_id=workspace.actor.organisation_id,
            linked_goal_ids=original.linked_goal_ids,
            amends_id=original.id,
            amendment_reason=why,
            # A correction of a restricted note is as restricted as the note.
            sensitive=original.sensitive,
        )
        session.add(correction)
        session.flush()
        audit(
            session,
            "note_amended",
            person_id=original.person_id,
            detail={"note_id": correction.id, "amends_id": original.id},
        )
    return Change(
        "note_amended",
        person_id=correction.person_id,
        entity_id=correction.id,
        areas=frozenset({TIMELINE}),
        fields=("narrative", "amendment_reason"),
    )
