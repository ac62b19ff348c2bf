"""A team's meetings: set up by its coordinator (a team record that syncs to every
laptop of the team, kept as set up: `storage.tables.MdtMeeting`), read by everyone
on the team.

The list "goes out" as it syncs: LIST_CLOSES before the meeting the list is due to
be final, so every attendee's laptop has each brief before the room. A list changed
later still works; the screen and the CLI say it went out late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import AccessDeniedError, InvalidInputError, NotFoundError
from app.services import clock
from app.services.changes import MEETINGS, Change
from app.services.need_to_know.access import viewer_of
from app.services.ops import operation, text
from app.services.write_rules.write_policy import ALLOCATORS, ONLY_COORDINATOR_MEETINGS
from app.workspace import Workspace
from storage.actor import Actor
from storage.audit_log import append as audit
from storage.tables import MdtMeeting

LIST_CLOSES = timedelta(hours=24)
NO_TEAM = "You are not a member of a team here, so there are no team meetings."
NO_MEETING = "There is no such team meeting on this laptop."
PLACE_MOST = 200


@dataclass(frozen=True)
class Meeting:
    id: str
    team_id: str
    meets_at: datetime  # UTC
    place: str | None

    @property
    def list_closes_at(self) -> datetime:
        return self.meets_at - LIST_CLOSES


def _meeting(row: MdtMeeting) -> Meeting:
    return Meeting(row.id, row.team_id, row.meets_at, row.place)


def team_of(session: Session, actor: Actor) -> str:
    """The viewer's team (every role with a team reads its meetings)."""
    team = viewer_of(session, actor).team_id
    if team is None:
        raise AccessDeniedError(NO_TEAM)
    return team


def meetings_in(session: Session, team_id: str) -> list[Meeting]:
    """The team's meetings, soonest first."""
    rows = session.execute(
        select(MdtMeeting).where(MdtMeeting.team_id == team_id).order_by(MdtMeeting.meets_at)
    ).scalars()
    return [_meeting(r) for r in rows]


def meeting_in(session: Session, actor: Actor, meeting_id: str) -> Meeting:
    """One of the viewer's team's meetings (NotFoundError for any other)."""
    row = session.get(MdtMeeting, meeting_id)
    if row is None or row.team_id != team_of(session, actor):
        raise NotFoundError(NO_MEETING)
    return _meeting(row)


def previous_in(session: Session, meeting: Meeting) -> Meeting | None:
    """The team's meeting before this one: what changed since it is in the briefs."""
    earlier = [m for m in meetings_in(session, meeting.team_id) if m.meets_at < meeting.meets_at]
    return earlier[-1] if earlier else None


def team_meetings(workspace: Workspace) -> list[Meeting]:
    with workspace.store.read() as session:
        return meetings_in(session, team_of(session, workspace.actor))


def next_meeting(workspace: Workspace, *, now: datetime | None = None) -> Meeting | None:
    """The team's next meeting (one under way counts until three hours after it began)."""
    at = now or clock.now()
    later = [m for m in team_meetings(workspace) if m.meets_at + timedelta(hours=3) >= at]
    return later[0] if later else None


def set_up_meeting(workspace: Workspace, *, meets_at: datetime, place: str | None = None) -> Change:
    """The coordinator sets up their team's next meeting (a time still to come)."""
    if meets_at.tzinfo is None:
        raise InvalidInputError("Say which time zone the meeting time is in.")
    if meets_at <= clock.now():
        raise InvalidInputError("A meeting is set up for a time still to come.")
    where = text(place, "place", limit=PLACE_MOST) or None
    with operation(workspace) as session:
        viewer = viewer_of(session, workspace.actor)
        if viewer.role not in ALLOCATORS:
            raise AccessDeniedError(ONLY_COORDINATOR_MEETINGS)
        team = team_of(session, workspace.actor)
        row = MdtMeeting(team_id=team, meets_at=meets_at, place=where)
        session.add(row)
        session.flush()
        audit(session, "mdt_meeting_set_up", detail={"meeting_id": row.id})
        meeting_id = row.id
    return Change("mdt_meeting_set_up", entity_id=meeting_id, areas=frozenset({MEETINGS}))
