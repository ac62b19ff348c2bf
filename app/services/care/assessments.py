"""Assessments and mental capacity, each signed by its author (who, for which
organisation: the record's provenance) so a joint assessment is the sum of the
professions' own parts. Mental capacity is recorded decision by decision (Mental
Capacity Act 2005: capacity is about one decision at one time), never as a label
on the person."""

from __future__ import annotations

from datetime import date

from app.errors import InvalidInputError
from app.services import clock
from app.services.changes import ASSESSMENTS, Change
from app.services.need_to_know.access import writable_person
from app.services.ops import operation, required_date, text
from app.values.vocab import CapacityOutcome
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import Assessment, MentalCapacityAssessment, Person

# What the team's professions assess most (offered in the form; any other may be typed).
ASSESSMENT_TYPES = (
    "Care Act needs assessment",
    "Carer's assessment",
    "Home environment and equipment (OT)",
    "Falls risk",
    "Pressure ulcer risk (Waterlow)",
    "Nutrition (MUST)",
    "Continence",
    "Review",
)


def assessment_date(value: date | str | None, what: str, person: Person) -> date:
    when = required_date(value, what)
    if when > clock.today():
        raise InvalidInputError("An assessment cannot be dated in the future.")
    if when < person.date_of_birth:
        raise InvalidInputError("An assessment cannot be before the person was born.")
    return when


def record_assessment(
    workspace: Workspace,
    *,
    person_id: str,
    assessment_type: str,
    summary: str,
    assessed_on: date | str | None = None,
    score: str | None = None,
    draft_key: str | None = None,
) -> Change:
    kind = text(assessment_type, "kind of assessment", limit=120, required=True)
    found = text(summary, "findings", limit=8000, required=True)
    scored = text(score, "score", limit=40) or None
    with operation(workspace, draft_key=draft_key) as session:
        person = writable_person(session, person_id)
        row = Assessment(
            person_id=person_id,
            assessment_type=kind,
            assessed_on=assessment_date(
                assessed_on or clock.today(), "date of the assessment", person
            ),
            summary=found,
            score=scored,
            performed_by_id=workspace.actor.user_id,
        )
        session.add(row)
        session.flush()
        audit(
            session,
            "assessment_recorded",
            person_id=person_id,
            detail={"assessment_id": row.id, "type": kind},
        )
    return Change(
        "assessment_recorded",
        person_id=person_id,
        entity_id=row.id,
        areas=frozenset({ASSESSMENTS}),
        fields=("assessment_type", "summary", "assessed_on", "score"),
    )


def record_capacity(
    workspace: Workspace,
    *,
    person_id: str,
    decision: str,
    outcome: str,
    notes: str,
    assessed_on: date | str | None = None,
    document_location: str | None = None,
    draft_key: str | None = None,
) -> Change:
    """One decision's capacity assessment. Lacking capacity needs the reasons written
    (how the two-stage test was met), so a best-interests decision can rest on it."""
    what = text(decision, "decision", limit=1000, required=True)
    result = CapacityOutcome.parse(outcome).value
    why = text(notes, "how the test was applied", limit=8000)
    if result == CapacityOutcome.LACKS_CAPACITY.value and not why:
        raise InvalidInputError(
            "Say how the test was applied: what the person could not understand, retain, "
            "weigh or communicate, and why."
        )
    where = text(document_location, "where the full form is", limit=200) or None
    with operation(workspace, draft_key=draft_key) as session:
        person = writable_person(session, person_id)
        row = MentalCapacityAssessment(
            person_id=person_id,
            decision=what,
            outcome=result,
            assessed_on=assessment_date(
                assessed_on or clock.today(), "date of the assessment", person
            ),
            assessed_by_id=workspace.actor.user_id,
            notes=why or None,
            document_location=where,
        )
        session.add(row)
        session.flush()
        audit(
            session,
            "capacity_recorded",
            person_id=person_id,
            detail={"assessment_id": row.id, "outcome": result},
        )
    return Change(
        "capacity_recorded",
        person_id=person_id,
        entity_id=row.id,
        areas=frozenset({ASSESSMENTS}),
        fields=("decision", "outcome", "assessed_on"),
    )
