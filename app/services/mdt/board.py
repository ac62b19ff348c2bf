"""The Team view's Meeting tab in one call: the team's next meeting, its list and what
the record suggests for it, and whether the viewer may build it (the coordinator)."""

from __future__ import annotations

from dataclasses import dataclass

from app.services import clock
from app.services.mdt.agenda import Listed, meeting_list, offered
from app.services.mdt.meetings import Meeting, next_meeting
from app.services.need_to_know.access import viewer_of
from app.services.write_rules.write_policy import ALLOCATORS
from app.workspace import Workspace


@dataclass(frozen=True)
class Board:
    meeting: Meeting | None
    listed: tuple[Listed, ...]
    offered: tuple[Listed, ...]
    may_build: bool
    # The list is changing less than 24 hours before the meeting (or after it began).
    list_late: bool


def meeting_board(workspace: Workspace) -> Board:
    with workspace.store.read() as session:
        role = viewer_of(session, workspace.actor).role
    found = next_meeting(workspace)
    if found is None:
        return Board(None, (), (), role in ALLOCATORS, False)
    return Board(
        found,
        tuple(meeting_list(workspace, found.id)),
        tuple(offered(workspace, found.id)),
        role in ALLOCATORS,
        clock.now() >= found.list_closes_at,
    )
