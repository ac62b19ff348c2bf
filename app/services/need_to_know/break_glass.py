"""Break-glass: open a record outside a legitimate relationship, for a stated
reason, for a limited time, audited, and journalled so it syncs to the person's
coordinator and the IG lead."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.errors import AccessDeniedError, InvalidInputError, NotFoundError
from app.services import clock
from app.services.need_to_know.access import ADMIN_DENIED, access_to, viewer_of
from app.services.need_to_know.access_policy import (
    DEFAULT_BREAK_GLASS,
    check_reason,
    may_break_glass,
)
from app.services.record.people import find
from app.workspace import Workspace
from storage import settings
from storage.audit_log import append as audit
from storage.tables import BreakGlassGrant, Person

logger = logging.getLogger(__name__)

# Device setting: how long a grant lasts, in minutes (default 120).
BREAK_GLASS_MINUTES = "break_glass_minutes"


@dataclass(frozen=True)
class Grant:
    person_id: str
    expires_at: datetime
    # False when the viewer already had a legitimate relationship: no grant was needed.
    granted: bool


def duration(session: Session) -> timedelta:
    minutes = settings.get(session, BREAK_GLASS_MINUTES)
    return timedelta(minutes=int(minutes)) if minutes else DEFAULT_BREAK_GLASS


def set_duration(workspace: Workspace, minutes: int) -> None:
    if not 5 <= minutes <= 24 * 60:
        raise InvalidInputError("Break-glass lasts between 5 minutes and 24 hours.")
    with workspace.store.write(workspace.actor) as session:
        settings.put(session, BREAK_GLASS_MINUTES, minutes)


def _grant(session: Session, workspace: Workspace, person: Person, reason: str) -> Grant:
    actor = workspace.actor
    viewer = viewer_of(session, actor)
    if not may_break_glass(viewer):
        raise AccessDeniedError(ADMIN_DENIED)
    existing = access_to(session, actor, person)
    if existing is not None and existing.legitimate:
        return Grant(person.id, clock.now(), granted=False)
    cleaned = check_reason(reason)
    started = clock.now()
    expires = started + duration(session)
    session.add(
        BreakGlassGrant(
            person_id=person.id,
            staff_member_id=actor.user_id,
            staff_role=viewer.role,
            reason=cleaned,
            started_at=started,
            expires_at=expires,
        )
    )
    audit(
        session,
        "break_glass",
        person_id=person.id,
        reason=cleaned,
        detail={"expires_at": expires.isoformat()},
    )
    logger.info("break-glass grant written")
    return Grant(person.id, expires, granted=True)


def break_glass(workspace: Workspace, person_id: str, reason: str) -> Grant:
    """Grant this user access to one person's record until the grant expires."""
    with workspace.store.write(workspace.actor) as session:
        person = session.get(Person, person_id)
        if person is None:
            raise NotFoundError("That person is no longer in this profile.")
        return _grant(session, workspace, person, reason)


def break_glass_by_nhs(workspace: Workspace, nhs_number: str, reason: str) -> Grant:
    with workspace.store.write(workspace.actor) as session:
        return _grant(session, workspace, find(session, nhs_number), reason)


def grant_in_force(workspace: Workspace, person_id: str) -> datetime | None:
    """When this user's break-glass for the person ends, or None."""
    with workspace.store.read() as session:
        person = session.get(Person, person_id)
        access = access_to(session, workspace.actor, person) if person is not None else None
        return access.break_glass_until if access is not None else None


def who(workspace: Workspace, person_id: str) -> str:
    """What anyone may know of a person (name and year of birth), for the break-glass
    question: enough to be sure it is the right person, nothing from the record."""
    with workspace.store.read() as session:
        person = session.get(Person, person_id)
        if person is None:
            raise NotFoundError("That person is no longer in this profile.")
        return f"{person.given_name} {person.family_name} (born {person.date_of_birth.year})"


def may_ask(workspace: Workspace) -> bool:
    """Whether this user may break glass at all (administrators may not)."""
    with workspace.store.read() as session:
        return may_break_glass(viewer_of(session, workspace.actor))


def grant_length(workspace: Workspace) -> timedelta:
    with workspace.store.read() as session:
        return duration(session)
