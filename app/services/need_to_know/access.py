"""The access policy applied to the store: who the viewer is, how they relate to a
person, whether a break-glass grant is in force, and what restricted content shows.

Every path that opens a record (the desktop's record and timeline, `onerecord
show`, printing, FHIR export) calls `require_access` in its own read, so expiry
is checked on every access against `clock.now()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.orm import Session

from app.errors import AccessDeniedError, NotFoundError
from app.services import clock
from app.services.need_to_know.access_policy import (
    Relationship,
    Restricted,
    Viewer,
    category_of_alert,
    legitimate,
    may_break_glass,
    restricted_visible,
    whom_to_ask,
)
from app.values.vocab import Role
from storage import settings
from storage.actor import Actor
from storage.journal import context_of
from storage.tables import (
    BreakGlassGrant,
    Person,
    PlannedVisit,
    ProfessionalContact,
    StaffMember,
    Team,
)

DENIED = (
    "This person is not on your or your team's caseload: opening their record needs "
    "break-glass with a reason, which is audited and reported to your coordinator."
)
ADMIN_DENIED = "Administrators do not open clinical records."


def viewer_of(session: Session, actor: Actor) -> Viewer:
    staff = session.get(StaffMember, actor.user_id) if actor.user_id else None
    team = staff.team_id if staff is not None and staff.team_id else None
    if team is None:
        team = settings.get(session, settings.HOME_TEAM)
    role = staff.role if staff is not None else actor.role
    enrolled = bool(settings.get(session, settings.SYNC_SERVER))
    return Viewer(user_id=actor.user_id, role=role, team_id=team, enrolled=enrolled)


def _foreign_team() -> ColumnElement[bool]:
    """The person's team is none of this laptop's directory's teams: a partner
    organisation's team (teams are never shared between organisations, and an
    enrolled laptop receives its own organisation's teams before any person)."""
    return and_(Person.team_id.is_not(None), Person.team_id.not_in(select(Team.id)))


def legitimate_clause(viewer: Viewer) -> ColumnElement[bool]:
    """SQL for "on my caseload or my team's", to mark or filter caseload rows."""
    if viewer.role == Role.ADMINISTRATOR.value:
        return false()
    # A person with no team yet (registered on this laptop before its team's record
    # arrived, or a standalone profile without teams) counts as the user's team's.
    clauses: list[ColumnElement[bool]] = [
        Person.team_id.is_(None),
        Person.team_id == viewer.team_id,
    ]
    if viewer.enrolled:
        clauses.append(_foreign_team())
    if viewer.user_id is not None:
        me = viewer.user_id
        clauses += [
            Person.lead_professional_id == me,
            exists().where(PlannedVisit.person_id == Person.id, PlannedVisit.assigned_to_id == me),
            exists().where(
                ProfessionalContact.person_id == Person.id,
                ProfessionalContact.staff_member_id == me,
            ),
        ]
    return or_(*clauses)


def relationship(session: Session, viewer: Viewer, person: Person) -> Relationship:
    same_team = person.team_id is None or person.team_id == viewer.team_id
    placed = (
        viewer.enrolled
        and not same_team
        and bool(
            session.execute(
                select(exists().where(Person.id == person.id, _foreign_team()))
            ).scalar()
        )
    )
    visits = contact = False
    if viewer.user_id is not None:
        me = viewer.user_id
        visits = bool(
            session.execute(
                select(
                    exists().where(
                        PlannedVisit.person_id == person.id, PlannedVisit.assigned_to_id == me
                    )
                )
            ).scalar()
        )
        contact = bool(
            session.execute(
                select(
                    exists().where(
                        ProfessionalContact.person_id == person.id,
                        ProfessionalContact.staff_member_id == me,
                    )
                )
            ).scalar()
        )
    return Relationship(same_team, person.lead_professional_id, visits, contact, placed)


def active_grant(
    session: Session, viewer: Viewer, person_id: str, now: datetime | None = None
) -> BreakGlassGrant | None:
    """The viewer's break-glass grant for this person in force now, if any."""
    if viewer.user_id is None:
        return None
    at = now or clock.now()
    return session.execute(
        select(BreakGlassGrant)
        .where(
            BreakGlassGrant.staff_member_id == viewer.user_id,
            BreakGlassGrant.person_id == person_id,
            BreakGlassGrant.started_at <= at,
            BreakGlassGrant.expires_at > at,
        )
        .order_by(BreakGlassGrant.expires_at.desc())
        .limit(1)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class Access:
    """What one viewer may see of one person's record, decided once per read."""

    viewer: Viewer
    legitimate: bool
    break_glass_until: datetime | None
    lead_professional_id: str | None
    lead_name: str | None

    def alert_detail(self, kind: str, detail: str | None) -> tuple[str | None, str | None]:
        """(the detail if this viewer may see it, else None; whom to ask if withheld)."""
        if not detail:
            return None, None
        category = category_of_alert(kind)
        if restricted_visible(
            self.viewer,
            category,
            legitimate=self.legitimate,
            lead_professional_id=self.lead_professional_id,
        ):
            return detail, None
        return None, whom_to_ask(category, lead_name=self.lead_name, author_name=None)

    def note_text(
        self,
        text: str,
        *,
        sensitive: bool,
        author_id: str | None,
        author_role: str | None,
        author_name: str | None,
    ) -> tuple[str, str | None]:
        """(the narrative, or "" if withheld; whom to ask if withheld)."""
        if not sensitive or restricted_visible(
            self.viewer,
            Restricted.SENSITIVE_NOTE,
            legitimate=self.legitimate,
            lead_professional_id=self.lead_professional_id,
            author_id=author_id,
            author_role=author_role,
        ):
            return text, None
        return "", whom_to_ask(
            Restricted.SENSITIVE_NOTE, lead_name=self.lead_name, author_name=author_name
        )


def access_to(session: Session, actor: Actor, person: Person) -> Access | None:
    """The viewer's access to this person, or None when they may not open the record."""
    viewer = viewer_of(session, actor)
    lead = (
        session.get(StaffMember, person.lead_professional_id)
        if person.lead_professional_id
        else None
    )
    lead_name = lead.display_name if lead is not None else None
    if legitimate(viewer, relationship(session, viewer, person)):
        return Access(viewer, True, None, person.lead_professional_id, lead_name)
    if not may_break_glass(viewer):
        return None
    grant = active_grant(session, viewer, person.id)
    if grant is None:
        return None
    return Access(viewer, False, grant.expires_at, person.lead_professional_id, lead_name)


def require_access(session: Session, actor: Actor, person_id: str) -> Access:
    """The viewer's access, or AccessDeniedError (a plain line, no patient data)."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError("That person is no longer in this profile.")
    found = access_to(session, actor, person)
    if found is None:
        viewer = viewer_of(session, actor)
        raise AccessDeniedError(ADMIN_DENIED if not may_break_glass(viewer) else DENIED)
    return found


def require_access_to_write(session: Session, person_id: str) -> Access:
    """Writing to a record needs the same access as reading it, checked inside the
    write itself: a break-glass grant may have expired since the record opened."""
    return require_access(session, context_of(session).actor, person_id)


def writable_person(session: Session, person_id: str) -> Person:
    """The person a write is about, once the writer's access is checked inside the
    write (NotFoundError if they are gone, AccessDeniedError outside need-to-know)."""
    require_access_to_write(session, person_id)
    person = session.get(Person, person_id)  # loaded by the check: no second query
    assert person is not None
    return person
