"""Who may use the coordinator's team tools, and which people those tools show.

The team view, its counts, charts, weekly summary and export are for the team's
coordinator, and read-only for the information-governance lead; allocating lead
professionals and importing a caseload are for the coordinator alone. Every one
of those services asks here first, inside its own read or write, so the desktop,
the command line and anything else that calls them are refused alike
(AccessDeniedError: exit code 5 on the command line).

Need-to-know: the team tools list the viewer's team's people only (a person with
no team yet counts as the team's, and on an enrolled laptop a partner's person
the server placed with the team, as in `access.legitimate_clause`). People of
other teams on the laptop are not listed, so none of their clinical figures
(risk, last contact, reviews) reach the team view, its counts or its charts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from app.errors import AccessDeniedError
from app.services.need_to_know.access import viewer_of
from app.services.need_to_know.access_policy import Viewer
from app.services.write_rules.write_policy import ALLOCATORS
from app.values.vocab import Role
from storage.actor import Actor
from storage.tables import Person, Team

READERS = frozenset({Role.COORDINATOR.value, Role.IG_LEAD.value})
WRITERS = ALLOCATORS  # the same list the write policy applies to every change
READ_DENIED = "The team view and its reports are for the team's coordinator and the IG lead."
WRITE_DENIED = "Only the team's coordinator can allocate lead professionals or import a caseload."


@dataclass(frozen=True)
class TeamScope:
    """A viewer allowed to use the team tools, and the people they may see there."""

    viewer: Viewer

    def people(self) -> ColumnElement[bool]:
        """SQL: the person is one of the viewer's team's people."""
        clauses: list[ColumnElement[bool]] = [Person.team_id.is_(None)]
        if self.viewer.team_id is not None:
            clauses.append(Person.team_id == self.viewer.team_id)
        if self.viewer.enrolled:
            clauses.append(
                and_(Person.team_id.is_not(None), Person.team_id.not_in(select(Team.id)))
            )
        return or_(*clauses)


def team_scope(session: Session, actor: Actor, *, write: bool = False) -> TeamScope:
    """The viewer's scope, or AccessDeniedError if their role may not use the team tools
    (or may only read them and this is a write)."""
    viewer = viewer_of(session, actor)
    if viewer.role not in READERS:
        raise AccessDeniedError(READ_DENIED)
    if write and viewer.role not in WRITERS:
        raise AccessDeniedError(WRITE_DENIED)
    return TeamScope(viewer)
