"""The Patient: a conditional create on the NHS number, so a receiving server
that already knows the person does not make a second one."""

from __future__ import annotations

from typing import Any

from app.reports.fhir.elements import Entries, Export, day, phone, ref, text
from app.reports.fhir.terms import NHS_NUMBER_SYSTEM, VERIFICATION_EXTENSION, VERIFICATION_SYSTEM
from app.values.nhs_number import VERIFICATION_STATUS
from storage.tables import Person


def _gender(person: Person) -> str:
    value = (person.gender or person.sex or "").strip().lower()
    if value in ("male", "female", "other", "unknown"):
        return value
    return "other" if value else "unknown"


def _nhs_identifier(person: Person) -> list[dict[str, Any]]:
    if not person.nhs_number:
        return []
    status = person.nhs_number_status or "02"
    verification = {
        "url": VERIFICATION_EXTENSION,
        "valueCodeableConcept": {
            "coding": [
                {
                    "system": VERIFICATION_SYSTEM,
                    "code": status,
                    "display": VERIFICATION_STATUS.get(status, status),
                }
            ]
        },
    }
    return [{"extension": [verification], "system": NHS_NUMBER_SYSTEM, "value": person.nhs_number}]


def _names(person: Person) -> list[dict[str, Any]]:
    names: list[dict[str, Any]] = [
        {
            "use": "official",
            "family": person.family_name,
            "given": [person.given_name],
            "prefix": [person.title] if person.title else [],
        }
    ]
    if person.preferred_name and person.preferred_name != person.given_name:
        names.append({"use": "usual", "given": [person.preferred_name]})
    return names


def add_patient(entries: Entries, export: Export) -> None:
    person = export.snap.person
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": _nhs_identifier(person),
        "name": _names(person),
        "gender": _gender(person),
        "birthDate": day(person.date_of_birth),
        "telecom": phone(person.phone, "home"),
        "address": [
            {
                "use": "home",
                "line": [x for x in (person.address_line1, person.address_line2) if x],
                "city": person.town,
                "postalCode": person.postcode or None,
            }
        ],
        "communication": [{"language": text(person.language), "preferred": True}],
        "generalPractitioner": [ref(person.gp_practice_id)] if person.gp_practice_id else [],
    }
    if person.date_of_death:
        patient["deceasedDateTime"] = day(person.date_of_death)
    entries.add(
        person.id,
        patient,
        if_none_exist=f"identifier={NHS_NUMBER_SYSTEM}|{person.nhs_number}"
        if person.nhs_number
        else None,
    )
