"""Assessments as Observations: each signed by its author (the performer), with what
it found; a part of the joint initial assessment says which part, and daily living
lists the Care Act outcomes the person needs help to achieve as components. Mental
capacity is one Observation per decision (capacity is about one decision at a time).
"""

from __future__ import annotations

from typing import Any

from app.reports.fhir.elements import Entries, Export, day, identifier, ref, text
from app.values.vocab import AssessmentPart, CapacityOutcome, CareActOutcome


def _label(kind: type[AssessmentPart | CareActOutcome | CapacityOutcome], code: str) -> str:
    values = {member.value: member.label for member in kind}
    return values.get(code, code)


def _performer(export: Export, staff_id: str | None) -> list[dict[str, Any]]:
    member = export.snap.staff.get(staff_id or "")
    return [ref(member.id, member.display_name)] if member else []


def add_assessments(entries: Entries, export: Export) -> None:
    for a in export.snap.assessments:
        name = f"{a.assessment_type}: {_label(AssessmentPart, a.part)}" if a.part else None
        components: list[dict[str, Any]] = [
            {
                "code": text(_label(CareActOutcome, code)),
                "valueCodeableConcept": text("Cannot achieve without help"),
            }
            for code in (a.needs_help_with or "").split(",")
            if code
        ]
        if a.score:
            components.append({"code": text("Score"), "valueString": a.score})
        entries.add(
            a.id,
            {
                "resourceType": "Observation",
                "identifier": identifier(a.id),
                "status": "final",
                "category": [text("Assessment")],
                "code": text(name or a.assessment_type),
                "subject": export.patient_ref,
                "effectiveDateTime": day(a.assessed_on),
                "performer": _performer(export, a.performed_by_id),
                "valueString": a.summary,
                "component": components,
            },
        )
    for m in export.snap.capacity:
        entries.add(
            m.id,
            {
                "resourceType": "Observation",
                "identifier": identifier(m.id),
                "status": "final",
                "category": [text("Mental capacity assessment")],
                "code": text(f"Mental capacity for a decision: {m.decision}"),
                "subject": export.patient_ref,
                "effectiveDateTime": day(m.assessed_on),
                "performer": _performer(export, m.assessed_by_id),
                "valueCodeableConcept": text(_label(CapacityOutcome, m.outcome)),
                "note": [{"text": m.notes}] if m.notes else [],
            },
        )
