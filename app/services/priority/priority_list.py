"""The priority list: the people in the viewer's relationship, highest score first, each
with the factors that make up their score and where in the record each came from.

A prompt for the multi-disciplinary team's discussion, not a clinical decision
(docs/clinical-safety.md, H15; the screen and every print say so: `CAUTION`).

Whose: a coordinator's or IG lead's list is their team's open caseload (the Team
view's scope, `team_scope`); a practitioner's is the people they are lead
professional for, within their legitimate relationship (`access.legitimate_clause`).
No one else is scored: a person outside the relationship (another team's, one opened
by break-glass) is never read. Administrators have no list.

Weights: the team's own (`team_weights.current_weights`, a synced team setting), or
those given (the weights dialog's preview). Reading only; nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.errors import AccessDeniedError
from app.gc_pause import gc_paused
from app.services import clock
from app.services.need_to_know.access import legitimate_clause, viewer_of
from app.services.need_to_know.access_policy import CLINICAL_ROLES, Viewer
from app.services.priority.scoring import Scored, score
from app.services.priority.signals import Listed, read_signals
from app.services.priority.team_weights import current_weights
from app.services.priority.weights import DEFAULT_WEIGHTS, checked
from app.services.team.team_scope import READERS, TeamScope
from app.workspace import Workspace
from storage.actor import Actor
from storage.tables import Person

CAUTION = (
    "A prompt for the team's discussion, not a clinical decision: it counts only what"
    " the shared record holds, and knows nothing the record does not."
)
NO_LIST = "Administrators have no priority list: it is for the people a practitioner works with."


@dataclass(frozen=True)
class PriorityRow:
    person: Listed
    scored: Scored


@dataclass(frozen=True)
class PriorityList:
    rows: tuple[PriorityRow, ...]  # highest score first, then by name
    weights: dict[str, int]
    # "team": the coordinator's team; "mine": the people the viewer leads.
    whose: str
    as_of: date
    # What OneRecord suggests, to show which weights the team changed.
    defaults: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))


def _people(viewer: Viewer) -> tuple[Select[Any], str]:
    if viewer.role in READERS:
        return select(Person.id).where(TeamScope(viewer).people()), "team"
    me = viewer.user_id
    return (
        select(Person.id).where(Person.lead_professional_id == me, legitimate_clause(viewer)),
        "mine",
    )


def list_in(
    session: Session,
    actor: Actor,
    *,
    weights: Mapping[str, int] | None = None,
    now: datetime | None = None,
) -> PriorityList:
    """The list inside the caller's read; AccessDeniedError for an administrator."""
    viewer = viewer_of(session, actor)
    if viewer.role not in CLINICAL_ROLES or viewer.user_id is None:
        raise AccessDeniedError(NO_LIST)
    used = checked(weights) if weights is not None else current_weights(session, viewer.team_id)
    people, whose = _people(viewer)
    at = now or clock.now()
    with gc_paused():  # thousands of small rows, no cycles (app/gc_pause.py)
        rows = [
            PriorityRow(who, score(signals, used))
            for who, signals in read_signals(session, people, now=at)
        ]
    rows.sort(key=lambda r: (-r.scored.score, r.person.family_name, r.person.given_name))
    return PriorityList(tuple(rows), used, whose, clock.local(at).date())


def priority_list(
    workspace: Workspace,
    *,
    weights: Mapping[str, int] | None = None,
    now: datetime | None = None,
) -> PriorityList:
    """The viewer's priority list, in one short read."""
    with workspace.store.read() as session:
        return list_in(session, workspace.actor, weights=weights, now=now)
