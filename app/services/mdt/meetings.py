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
from app.values.vocab import MdtReason
from app.workspace import Workspace
from storage.actor import Actor
from storage.audit_log import append as audit
from storage.tables import MdtItem, MdtMeeting

LIST_CLOSES = timedelta(hours=24)
NO_TEAM = "You are not a member of a team here, so there are no team meetings."
NO_MEETING = "There is no such team meeting on this laptop."
PLACE_MOST = 200
REPLACED = "That meeting was moved or cancelled: choose the one that stands."


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
    """The team's meetings that stand, soonest first: one moved counts where it moved
    to; one cancelled not at all."""
    rows = list(
        session.execute(
            select(MdtMeeting).where(MdtMeeting.team_id == team_id).order_by(MdtMeeting.meets_at)
        ).scalars()
    )
    replaced = {r.replaces_id for r in rows if r.replaces_id}
    return [_meeting(r) for r in rows if not r.cancelled and r.id not in replaced]


def meeting_in(session: Session, actor: Actor, meeting_id: str) -> Meeting:
    """One of the viewer's team's meetings (NotFoundError for any other, or for a
    cancellation, which is no meeting)."""
    row = session.get(MdtMeeting, meeting_id)
    if row is None or row.cancelled or row.team_id != team_of(session, actor):
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


def _checked_time(meets_at: datetime) -> datetime:
    if meets_at.tzinfo is None:
        raise InvalidInputError("Say which time zone the meeting time is in.")
    if meets_at <= clock.now():
        raise InvalidInputError("A meeting is set up for a time still to come.")
    return meets_at


def _coordinators_team(session: Session, actor: Actor) -> str:
    if viewer_of(session, actor).role not in ALLOCATORS:
        raise AccessDeniedError(ONLY_COORDINATOR_MEETINGS)
    return team_of(session, actor)


def _standing(session: Session, actor: Actor, meeting_id: str) -> Meeting:
    found = meeting_in(session, actor, meeting_id)
    if found.id not in {m.id for m in meetings_in(session, found.team_id)}:
        raise InvalidInputError(REPLACED)
    return found


def set_up_meeting(workspace: Workspace, *, meets_at: datetime, place: str | None = None) -> Change:
    """The coordinator sets up their team's next meeting (a time still to come)."""
    when = _checked_time(meets_at)
    where = text(place, "place", limit=PLACE_MOST) or None
    with operation(workspace) as session:
        team = _coordinators_team(session, workspace.actor)
        row = MdtMeeting(team_id=team, meets_at=when, place=where)
        session.add(row)
        session.flush()
        audit(session, "mdt_meeting_set_up", detail={"meeting_id": row.id})
        meeting_id = row.id
    return Change("mdt_meeting_set_up", entity_id=meeting_id, areas=frozenset({MEETINGS}))


def move_meeting(
    workspace: Workspace, meeting_id: str, *, meets_at: datetime, place: str | None = None
) -> Change:
    """The coordinator moves a meeting: a new one replaces it, and everyone on its list
    not yet discussed moves with it (kept as set up: the old meeting stays on record)."""
    when = _checked_time(meets_at)
    where = text(place, "place", limit=PLACE_MOST) or None
    with operation(workspace) as session:
        team = _coordinators_team(session, workspace.actor)
        old = _standing(session, workspace.actor, meeting_id)
        row = MdtMeeting(team_id=team, meets_at=when, place=where, replaces_id=old.id)
        session.add(row)
        session.flush()
        for item in _undecided(session, old.id):
            item.meeting_id = row.id
        audit(session, "mdt_meeting_moved", detail={"meeting_id": row.id, "from": old.id})
        new_id = row.id
    return Change("mdt_meeting_moved", entity_id=new_id, areas=frozenset({MEETINGS}))


def cancel_meeting(workspace: Workspace, meeting_id: str) -> Change:
    """The coordinator cancels a meeting: flags on its list wait for the next one, the
    rest are taken off; what was already decided stays."""
    with operation(workspace) as session:
        team = _coordinators_team(session, workspace.actor)
        old = _standing(session, workspace.actor, meeting_id)
        session.add(
            MdtMeeting(team_id=team, meets_at=old.meets_at, replaces_id=old.id, cancelled=True)
        )
        for item in _undecided(session, old.id):
            if item.reason == MdtReason.FLAGGED.value:
                item.meeting_id = None
            else:
                item.taken_off_on = clock.today()
        audit(session, "mdt_meeting_cancelled", detail={"meeting_id": old.id})
    return Change("mdt_meeting_cancelled", entity_id=meeting_id, areas=frozenset({MEETINGS}))


def _undecided(session: Session, meeting_id: str) -> list[MdtItem]:
    return list(
        session.execute(
            select(MdtItem).where(
                MdtItem.meeting_id == meeting_id,
                MdtItem.decision.is_(None),
                MdtItem.taken_off_on.is_(None),
            )
        ).scalars()
    )
