"""Work in progress kept inside the encrypted store: a visit note half typed
when the laptop locks, the app closes or the battery dies.

A draft belongs to the signed-in user and a key saying what it is a draft of
(`visit_note:<person id>`, `goal:<goal id>`). Saving replaces the previous
draft under that key. Drafts are device-local (never journalled, never
synced, no audit event); the operation that finally saves the real thing
discards its draft in the same transaction (`app.services.ops.operation`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from app.errors import InvalidInputError
from app.services import clock
from app.services.changes import DRAFTS, Change
from app.services.ops import discard_draft_in
from app.workspace import Workspace
from storage.tables import Draft, Person

MAX_PAYLOAD_CHARS = 200_000


@dataclass(frozen=True)
class SavedDraft:
    key: str
    person_id: str | None
    values: dict[str, Any]
    updated_at: datetime


def visit_note_key(person_id: str) -> str:
    return f"visit_note:{person_id}"


def key_for(kind: str, entity_id: str) -> str:
    """`goal:<id>`, `new_action:<goal id>`...: one draft per thing being edited."""
    if not kind or ":" in kind:
        raise InvalidInputError("A draft needs a plain kind.")
    return f"{kind}:{entity_id}"


def _owned(workspace: Workspace, key: str) -> Any:
    owner = workspace.actor.user_id
    who = Draft.user_id.is_(None) if owner is None else Draft.user_id == owner
    return (who, Draft.key == key)


def save_draft(
    workspace: Workspace, *, key: str, values: dict[str, Any], person_id: str | None = None
) -> Change:
    payload = json.dumps(values, ensure_ascii=False, sort_keys=True)
    if len(payload) > MAX_PAYLOAD_CHARS:
        raise InvalidInputError("This draft is too long to keep: save it or shorten it.")
    with workspace.store.write(workspace.actor) as session:
        # Delete then insert: NULL user ids never clash in a UNIQUE constraint.
        session.execute(delete(Draft).where(*_owned(workspace, key)))
        session.add(
            Draft(
                user_id=workspace.actor.user_id,
                key=key,
                person_id=person_id,
                payload=payload,
                updated_at=clock.now(),
            )
        )
    return Change("draft_saved", person_id=person_id, areas=frozenset({DRAFTS}))


def load_draft(workspace: Workspace, *, key: str) -> SavedDraft | None:
    with workspace.store.read() as session:
        row = session.execute(select(Draft).where(*_owned(workspace, key))).scalar_one_or_none()
        if row is None:
            return None
        return SavedDraft(row.key, row.person_id, json.loads(row.payload), row.updated_at)


def discard_draft(workspace: Workspace, *, key: str) -> Change:
    with workspace.store.write(workspace.actor) as session:
        discard_draft_in(session, workspace, key)
    return Change("draft_discarded", areas=frozenset({DRAFTS}))


def drafts_for_person(workspace: Workspace, *, person_id: str) -> list[str]:
    """Keys of this user's drafts about one person (to say 'you have unsaved work')."""
    owner = workspace.actor.user_id
    who = Draft.user_id.is_(None) if owner is None else Draft.user_id == owner
    with workspace.store.read() as session:
        stmt = select(Draft.key).where(who, Draft.person_id == person_id).order_by(Draft.key)
        return list(session.execute(stmt).scalars())


@dataclass(frozen=True)
class WaitingDraft:
    """A draft of this user's about a person, waiting to be finished (after a crash,
    a lock or a closed form): what it is, whose record, when it was last typed."""

    key: str
    kind: str  # the editor's kind: visit_note, goal, new_action...
    entity_id: str  # what it edits (a goal id...), or the person for new things
    person_id: str
    person_name: str
    updated_at: datetime


def waiting_drafts(workspace: Workspace) -> list[WaitingDraft]:
    """This user's drafts about people, the most recently typed first."""
    owner = workspace.actor.user_id
    who = Draft.user_id.is_(None) if owner is None else Draft.user_id == owner
    with workspace.store.read() as session:
        rows = session.execute(
            select(Draft.key, Person.id, Draft.updated_at, Person.given_name, Person.family_name)
            .join(Person, Person.id == Draft.person_id)
            .where(who)
            .order_by(Draft.updated_at.desc(), Draft.key)
        ).all()
    waiting = []
    for key, person_id, updated_at, given, family in rows:
        kind, _, entity_id = key.partition(":")
        name = f"{given or ''} {family or ''}".strip()
        waiting.append(WaitingDraft(key, kind, entity_id, person_id, name, updated_at))
    return waiting
