"""Recording a visit: the note, today's planned visit marked done, the next visit planned.

All in one journalled transaction with one audit event, so a visit is either
wholly recorded or not at all (and its draft goes with it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import case, select

from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.care.notes import checked_note, write_note
from app.services.changes import CASELOAD, TIMELINE, VISITS, Change
from app.services.ops import operation, text
from app.values.vocab import ContactType
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import Person, PlannedVisit

# How far ahead a next visit may be planned.
LONGEST_GAP = timedelta(days=366)


def record_visit(
    workspace: Workspace,
    *,
    person_id: str,
    narrative: str,
    contact_type: str = ContactType.HOME_VISIT.value,
    occurred_at: datetime | None = None,
    goal_ids: Sequence[str] = (),
    outcome: str | None = None,
    next_visit_at: datetime | None = None,
    next_visit_purpose: str = "",
    draft_key: str | None = None,
    sensitive: bool = False,
) -> Change:
    """Write the note; mark the user's planned visit for that day done (the earliest
    still planned); plan the next visit if a time is given."""
    body, kind, when = checked_note(narrative, contact_type, occurred_at)
    purpose = text(next_visit_purpose, "purpose of the next visit", limit=200)
    if next_visit_at is not None:
        if next_visit_at.tzinfo is None:
            raise InvalidInputError("Say which time zone the next visit time is in.")
        if next_visit_at <= clock.now():
            raise InvalidInputError("The next visit must be in the future.")
        if next_visit_at > clock.now() + LONGEST_GAP:
            raise InvalidInputError("Plan the next visit within a year.")
    me = workspace.actor.user_id
    with operation(workspace, draft_key=draft_key) as session:
        if session.get(Person, person_id) is None:
            raise NotFoundError("That person is no longer in this profile.")
        note = write_note(
            session,
            workspace,
            person_id,
            narrative=body,
            contact_type=kind,
            occurred_at=when,
            goal_ids=goal_ids,
            outcome=outcome,
            sensitive=sensitive,
        )
        start, end = clock.day_bounds(clock.local(when).date())
        planned = session.execute(
            select(PlannedVisit)
            .where(
                PlannedVisit.person_id == person_id,
                PlannedVisit.status == "planned",
                PlannedVisit.due_at >= start,
                PlannedVisit.due_at < end,
            )
            # The user's own visit first, then anyone's (a colleague covering).
            .order_by(case((PlannedVisit.assigned_to_id == me, 0), else_=1), PlannedVisit.due_at)
            .limit(1)
        ).scalar_one_or_none()
        if planned is not None:
            planned.status = "done"
            planned.done_note_id = note.id
        next_visit = None
        if next_visit_at is not None:
            next_visit = PlannedVisit(
                person_id=person_id,
                due_at=next_visit_at,
                assigned_to_id=me,
                purpose=purpose,
                status="planned",
            )
            session.add(next_visit)
            session.flush()
        audit(
            session,
            "visit_recorded",
            person_id=person_id,
            detail={
                "note_id": note.id,
                "planned_visit_done": planned.id if planned else None,
                "next_visit_id": next_visit.id if next_visit else None,
                "goals": len(goal_ids),
            },
        )
        return Change(
            "visit_recorded",
            person_id=person_id,
            entity_id=note.id,
            areas=frozenset({TIMELINE, VISITS, CASELOAD}),
        )


def todays_planned_visit(workspace: Workspace, *, person_id: str) -> tuple[str, datetime] | None:
    """(purpose, due at) of the visit today's note will mark done, if any."""
    me = workspace.actor.user_id
    start, end = clock.day_bounds(clock.today())
    with workspace.store.read() as session:
        row = session.execute(
            select(PlannedVisit.purpose, PlannedVisit.due_at)
            .where(
                PlannedVisit.person_id == person_id,
                PlannedVisit.status == "planned",
                PlannedVisit.due_at >= start,
                PlannedVisit.due_at < end,
            )
            .order_by(case((PlannedVisit.assigned_to_id == me, 0), else_=1), PlannedVisit.due_at)
            .limit(1)
        ).first()
    return (row[0], row[1]) if row else None
