"""Hospital and urgent care events, as Encounters: an unplanned admission (inpatient,
from its day), an A&E attendance (emergency) and a discharge (inpatient, to its day),
each coded in SNOMED CT and in our own list, with the hospital and what happened.

The record keeps events, told to the team after the fact, not hospital stays: each is
`finished`, and an admission and its discharge are two Encounters (no pairing is
claimed). An event marked entered in error goes as `entered-in-error` with nothing
but what lets a receiver find and retract a copy an earlier export sent (its
identifier, class and subject): never its date, hospital or detail, which may be
another person's."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from app.reports.fhir.elements import Entries, Export, coded, day, identifier
from app.reports.fhir.terms import HOSPITAL_EVENT, HOSPITAL_EVENT_KIND, SNOMED, V3_ACT_CODE
from app.values.vocab import HospitalEventKind
from storage.tables import HospitalEvent

IN_ERROR = (
    "Entered in error: recorded against the wrong person, or it never happened."
    " Disregard any copy received earlier."
)


def _div(words: str) -> dict[str, str]:
    return {
        "status": "additional",
        "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{escape(words)}</div>',
    }


def _type(event: HospitalEvent, snomed: str | None, term: str | None) -> dict[str, Any]:
    kind = coded(HOSPITAL_EVENT_KIND, HospitalEventKind, event.kind)
    if snomed and term:
        kind["coding"].insert(0, {"system": SNOMED, "code": snomed, "display": term})
    return kind


def add_hospital_events(entries: Entries, export: Export) -> None:
    for event in sorted(export.snap.hospital_events, key=lambda h: (h.occurred_on, h.id)):
        cls, cls_display, snomed, term = HOSPITAL_EVENT.get(
            event.kind, ("IMP", "inpatient encounter", None, None)
        )
        resource: dict[str, Any] = {
            "resourceType": "Encounter",
            "identifier": identifier(event.id),
            "class": {"system": V3_ACT_CODE, "code": cls, "display": cls_display},
            "subject": export.patient_ref,
        }
        if event.entered_in_error:
            resource |= {"status": "entered-in-error", "text": _div(IN_ERROR)}
        else:
            ends = event.kind == HospitalEventKind.DISCHARGE.value
            resource |= {
                "status": "finished",
                "type": [_type(event, snomed, term)],
                "period": {"end" if ends else "start": day(event.occurred_on)},
                "serviceProvider": {"display": event.hospital} if event.hospital else None,
                "text": _div(event.detail) if event.detail else None,
            }
        entries.add(event.id, resource)
