"""Hospital and urgent care events: an unplanned admission, an A&E attendance, a
discharge, with its date. Counted per person before and after they joined the
caseload (the outcome report's admissions per 1,000 caseload days).

An event recorded in error is marked so, never removed: it is kept with who marked
it, and counted nowhere.
"""

from __future__ import annotations

from datetime import date

from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.changes import OUTCOMES, Change
from app.services.need_to_know.access import require_access_to_write, writable_person
from app.services.ops import operation, required_date, text
from app.values.vocab import HospitalEventKind
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import HospitalEvent

_AREAS = frozenset({OUTCOMES})


def record_hospital_event(
    workspace: Workspace,
    *,
    person_id: str,
    kind: str,
    occurred_on: date | str | None,
    hospital: str | None = None,
    detail: str | None = None,
    draft_key: str | None = None,
) -> Change:
    code = HospitalEventKind.parse(kind).value
    on = required_date(occurred_on, "date it happened")
    if on > clock.today():
        raise InvalidInputError("A hospital event is recorded once it has happened.")
    with operation(workspace, draft_key=draft_key) as session:
        person = writable_person(session, person_id)
        if on < person.date_of_birth:
            raise InvalidInputError("That date is before the person was born.")
        event = HospitalEvent(
            person_id=person_id,
            kind=code,
            occurred_on=on,
            hospital=text(hospital, "hospital", limit=200) or None,
            detail=text(detail, "detail", limit=2000) or None,
            entered_in_error=False,
        )
        session.add(event)
        session.flush()
        audit(
            session,
            "hospital_event_recorded",
            person_id=person_id,
            detail={"event_id": event.id, "kind": code},
        )
    return Change(
        "hospital_event_recorded",
        person_id=person_id,
        entity_id=event.id,
        areas=_AREAS,
        fields=("kind", "occurred_on", "hospital", "detail"),
    )


def mark_in_error(workspace: Workspace, *, event_id: str) -> Change:
    """Recorded against the wrong person, or it never happened."""
    with operation(workspace) as session:
        event = session.get(HospitalEvent, event_id)
        if event is None:
            raise NotFoundError("No hospital event with that id is in this profile.")
        require_access_to_write(session, event.person_id)
        changed = not event.entered_in_error
        event.entered_in_error = True
        if changed:
            audit(
                session,
                "hospital_event_in_error",
                person_id=event.person_id,
                detail={"event_id": event.id},
            )
        person_id = event.person_id
    return Change(
        "hospital_event_in_error",
        person_id=person_id,
        entity_id=event_id,
        areas=_AREAS,
        fields=("entered_in_error",) if changed else (),
    )
