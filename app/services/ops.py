"""The one way an app operation writes: a journalled transaction that also drops
the work-in-progress draft it came from, so saving and clearing the draft
commit (or fail) together."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app import rules
from app.errors import InvalidInputError
from app.workspace import Workspace
from storage.tables import Draft


@contextmanager
def operation(workspace: Workspace, *, draft_key: str | None = None) -> Iterator[Session]:
    with workspace.store.write(workspace.actor) as session:
        yield session
        if draft_key:
            discard_draft_in(session, workspace, draft_key)


def discard_draft_in(session: Session, workspace: Workspace, key: str) -> None:
    owner = workspace.actor.user_id
    who = Draft.user_id.is_(None) if owner is None else Draft.user_id == owner
    session.execute(delete(Draft).where(who, Draft.key == key))


def optional_date(value: date | str | None, what: str) -> date | None:
    """A date typed or picked; blank means none."""
    if value is None or isinstance(value, date):
        return value
    if not value.strip():
        return None
    return rules.parse_date(value, what)


def required_date(value: date | str | None, what: str) -> date:
    parsed = optional_date(value, what)
    if parsed is None:
        raise InvalidInputError("Enter the {what}.", what=what)
    return parsed


def text(value: str | None, what: str, *, limit: int = 2000, required: bool = False) -> str:
    """Trimmed text (line breaks kept); required text cannot be blank."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise InvalidInputError("Enter the {what}.", what=what)
    if len(cleaned) > limit:
        raise InvalidInputError(
            "The {what} is too long ({limit:,} characters at most).", what=what, limit=limit
        )
    return cleaned
