"""Closing a case and reopening it. A closed person leaves the active lists (the
caseload, today's visits) but their record stays whole and readable to those
entitled; nothing is removed. Closing says why and when; a death records the date
of death too. Actions other people still hold in the plan are listed first, so
nobody's work is closed without them being told; their future visits are cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.errors import InvalidInputError, OneRecordError
from app.services import clock
from app.services.changes import CASELOAD, HEADER, VISITS, Change
from app.services.need_to_know.access import writable_person
from app.services.ops import operation, optional_date
from app.values.vocab import ActionStatus, ClosedReason, PersonStatus, VisitStatus
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import PlanAction, PlannedVisit, StaffMember

_OPEN_ACTIONS = (ActionStatus.PLANNED.value, ActionStatus.IN_PROGRESS.value)


@dataclass(frozen=True)
class HeldAction:
    """An action in the plan someone else still holds."""

    what: str
    who: str


class OthersHoldActionsError(OneRecordError):
    """Closing would end actions others still hold: they are named; close again
    once they know (the caller says so)."""

    exit_code = 1

    def __init__(self, held: list[HeldAction]) -> None:
        super().__init__(
            "Others still hold actions in this plan: {actions}. Tell them, then close "
            "the case again saying they know.",
            actions="; ".join(f"{a.what} ({a.who})" for a in held),
        )
        self.held = held


def close_case(
    workspace: Workspace,
    *,
    person_id: str,
    reason: str,
    closed_on: date | str | None = None,
    others_told: bool = False,
) -> Change:
    why = ClosedReason.parse(reason).value
    when = optional_date(closed_on, "date the case closed") or clock.today()
    if when > clock.today():
        raise InvalidInputError("A case cannot be closed on a date still to come.")
    me_name = None
    with operation(workspace) as session:
        person = writable_person(session, person_id)
        if person.status != PersonStatus.OPEN.value:
            raise InvalidInputError("This case is already closed.")
        if when < person.date_of_birth:
            raise InvalidInputError("A case cannot close before the person was born.")
        if workspace.actor.user_id:
            me = session.get(StaffMember, workspace.actor.user_id)
            me_name = me.display_name if me else None
        held = [
            HeldAction(a.what, a.who_name or "not yet named")
            for a in session.execute(
                select(PlanAction)
                .where(PlanAction.person_id == person_id, PlanAction.status.in_(_OPEN_ACTIONS))
                .order_by(PlanAction.id)
            ).scalars()
            if a.who_name != me_name
        ]
        if held and not others_told:
            raise OthersHoldActionsError(held)
        died = why == ClosedReason.DIED.value
        person.status = (PersonStatus.DECEASED if died else PersonStatus.CLOSED).value
        person.closed_reason = why
        person.closed_on = when
        if died and person.date_of_death is None:
            person.date_of_death = when
        cancelled = 0
        for visit in session.execute(
            select(PlannedVisit).where(
                PlannedVisit.person_id == person_id,
                PlannedVisit.status == VisitStatus.PLANNED.value,
                PlannedVisit.due_at >= clock.now(),
            )
        ).scalars():
            visit.status = VisitStatus.CANCELLED.value
            cancelled += 1
        audit(
            session,
            "case_closed",
            person_id=person_id,
            detail={"reason": why, "visits_cancelled": cancelled, "actions_held": len(held)},
        )
    return Change(
        "case_closed",
        person_id=person_id,
        entity_id=person_id,
        areas=frozenset({HEADER, CASELOAD, VISITS}),
        fields=("status", "closed_reason", "closed_on"),
    )


def reopen_case(workspace: Workspace, *, person_id: str) -> Change:
    """Back on the active lists: a new referral for someone the team knew."""
    with operation(workspace) as session:
        person = writable_person(session, person_id)
        if person.status == PersonStatus.OPEN.value:
            raise InvalidInputError("This case is open already.")
        if person.status == PersonStatus.DECEASED.value:
            raise InvalidInputError("This person has died: their case cannot be reopened.")
        was = person.closed_reason
        person.status = PersonStatus.OPEN.value
        person.closed_reason = None
        person.closed_on = None
        audit(session, "case_reopened", person_id=person_id, detail={"was": was})
    return Change(
        "case_reopened",
        person_id=person_id,
        entity_id=person_id,
        areas=frozenset({HEADER, CASELOAD}),
        fields=("status", "closed_reason", "closed_on"),
    )
