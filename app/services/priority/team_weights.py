"""The team's priority weights: a team setting that syncs, changed only by the team's
coordinator, audited, and kept as a history (storage.tables.PriorityWeights: each
change a new row, never edited).

The team's current weights are its newest row's (greatest recorded_at, then id). A
row this version cannot read (a factor it does not know, a weight off the scale:
written by a newer version, or damaged) is skipped for the next newest, and never
stops the list: the defaults (`weights.DEFAULT_WEIGHTS`) stand when none is usable.

The same rules hold on the server (`write_rules.write_policy.decide`,
`record.record_rules`): who may change them, and what a weights row may hold.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import AccessDeniedError, InvalidInputError
from app.services.changes import PRIORITIES, Change
from app.services.need_to_know.access import viewer_of
from app.services.ops import operation, text
from app.services.priority.weights import DEFAULT_WEIGHTS, checked
from app.services.record.record_rules import REASON_MOST
from app.services.write_rules.write_policy import ALLOCATORS, ONLY_COORDINATOR_WEIGHTS
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import PriorityWeights, StaffMember

logger = logging.getLogger(__name__)

NO_TEAM = "You are not a member of a team here, so there are no team weights to change."
AUDIT_ACTION = "priority_weights_changed"


@dataclass(frozen=True)
class WeightsChange:
    """One change of the team's weights, for the weights dialog's history."""

    id: str
    recorded_at: datetime
    recorded_by: str | None
    # Their name as the directory has it (None: not in this laptop's directory yet).
    by_name: str | None
    reason: str | None
    # The whole set (None: this version cannot read it, so it is not in use).
    weights: dict[str, int] | None


@dataclass(frozen=True)
class TeamWeights:
    """The signed-in user's team's weights, as the CLI and the dialog show them."""

    team_id: str | None
    weights: dict[str, int]
    # Newest first; empty: the team has never changed them (the defaults).
    history: tuple[WeightsChange, ...]
    # The signed-in user may change them (their team's coordinator).
    may_change: bool

    @property
    def last(self) -> WeightsChange | None:
        """The change in use now (the newest this version can read)."""
        return next((h for h in self.history if h.weights is not None), None)


def readable(text_value: str | None) -> dict[str, int] | None:
    """A stored row's whole set of weights, or None when this version cannot use it."""
    try:
        parsed: Any = json.loads(text_value) if text_value is not None else None
    except (ValueError, RecursionError):
        return None
    if not isinstance(parsed, dict):
        return None
    try:
        return checked(parsed)
    except InvalidInputError:
        return None


def _newest_first(session: Session, team_id: str) -> Any:
    return session.execute(
        select(PriorityWeights)
        .where(PriorityWeights.team_id == team_id)
        .order_by(PriorityWeights.recorded_at.desc(), PriorityWeights.id.desc())
    ).scalars()


def current_weights(session: Session, team_id: str | None) -> dict[str, int]:
    """The team's weights now: its newest usable row's, or the defaults. Never raises
    for what a row holds."""
    if team_id is None:
        return dict(DEFAULT_WEIGHTS)
    for row in _newest_first(session, team_id):
        found = readable(row.weights)
        if found is not None:
            return found
        # The row's id only: never its values (nor anything of a person: it has none).
        logger.warning("team priority weights %s are not usable here: skipped", row.id)
    return dict(DEFAULT_WEIGHTS)


def weights_history(session: Session, team_id: str | None) -> tuple[WeightsChange, ...]:
    """Every change of the team's weights, newest first: who, when, why, and what."""
    if team_id is None:
        return ()
    rows = list(_newest_first(session, team_id))
    staff_ids = {r.recorded_by for r in rows if r.recorded_by}
    names: dict[str, str] = {}
    if staff_ids:
        found = session.execute(
            select(StaffMember.id, StaffMember.display_name).where(StaffMember.id.in_(staff_ids))
        )
        names = {staff_id: name for staff_id, name in found}
    return tuple(
        WeightsChange(
            id=r.id,
            recorded_at=r.recorded_at,
            recorded_by=r.recorded_by,
            by_name=names.get(r.recorded_by or ""),
            reason=r.reason,
            weights=readable(r.weights),
        )
        for r in rows
    )


def team_weights(workspace: Workspace) -> TeamWeights:
    """The signed-in user's team's weights, history, and whether they may change them."""
    with workspace.store.read() as session:
        viewer = viewer_of(session, workspace.actor)
        team = viewer.team_id
        return TeamWeights(
            team_id=team,
            weights=current_weights(session, team),
            history=weights_history(session, team),
            may_change=team is not None and viewer.role in ALLOCATORS,
        )


def set_weights(workspace: Workspace, *, weights: Mapping[str, int], reason: str | None) -> Change:
    """Change the signed-in coordinator's team's weights: the factors named take the
    weights given, the others keep the team's current ones. All or nothing: a factor
    this version does not know, or a weight off the scale, is refused with nothing
    written. Nothing is written when nothing changes. Refused (AccessDeniedError)
    for anyone but the team's coordinator."""
    why = text(reason, "reason", limit=REASON_MOST) or None
    checked(weights)  # before anything is opened: the plain reason, nothing written
    with operation(workspace) as session:
        viewer = viewer_of(session, workspace.actor)
        # The role is checked here as well as by the write policy: a profile with no
        # server is not checked by it (app.services.write_rules.write_check).
        if viewer.role not in ALLOCATORS:
            raise AccessDeniedError(ONLY_COORDINATOR_WEIGHTS)
        if viewer.team_id is None:
            raise AccessDeniedError(NO_TEAM)
        now = current_weights(session, viewer.team_id)
        whole = checked({**now, **weights})
        changed = sorted(key for key, value in whole.items() if now[key] != value)
        if not changed:
            return Change(AUDIT_ACTION, areas=frozenset({PRIORITIES}))
        row = PriorityWeights(
            team_id=viewer.team_id, weights=json.dumps(whole, sort_keys=True), reason=why
        )
        session.add(row)
        session.flush()
        # Which factors changed, never the reason's words (free text) nor anyone's data.
        audit(
            session,
            AUDIT_ACTION,
            detail={"weights_id": row.id, "team_id": viewer.team_id, "changed": changed},
        )
        row_id = row.id
    return Change(
        AUDIT_ACTION, entity_id=row_id, areas=frozenset({PRIORITIES}), fields=("weights",)
    )
