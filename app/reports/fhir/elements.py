"""The small FHIR building blocks every resource module shares, and the one
context a resource group is built from (the snapshot, who exports, when)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from app.reports.fhir.terms import URI_SYSTEM
from app.services.record.record_snapshot import RecordSnapshot
from app.values.vocab import Coded
from storage.actor import Actor
from storage.tables import StaffMember


def urn(entity_id: str) -> str:
    return f"urn:uuid:{entity_id}"


def ref(entity_id: str, display: str | None = None) -> dict[str, Any]:
    reference: dict[str, Any] = {"reference": urn(entity_id)}
    if display:
        reference["display"] = display
    return reference


def text(value: str) -> dict[str, str]:
    return {"text": value}


def concept(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def coding(system: str, kind: type[Coded], code: str) -> dict[str, str]:
    """A code the record stores, in our own code system, with the label staff see."""
    label = kind(code).label if code in kind.__members__.values() else code.replace("_", " ")
    return {"system": system, "code": code, "display": label}


def coded(system: str, kind: type[Coded], code: str) -> dict[str, Any]:
    """The same as a CodeableConcept, the label as its text."""
    one = coding(system, kind, code)
    return {"coding": [one], "text": one["display"]}


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def identifier(entity_id: str) -> list[dict[str, str]]:
    return [{"system": URI_SYSTEM, "value": urn(entity_id)}]


def phone(number: str | None, use: str | None = None) -> list[dict[str, str]]:
    if not number or not number.strip():
        return []
    point = {"system": "phone", "value": number.strip()}
    if use:
        point["use"] = use
    return [point]


def prune(value: Any) -> Any:
    """Drop None, empty lists and empty dicts, recursively (FHIR forbids empty elements)."""
    if isinstance(value, dict):
        pruned = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, [], {}, "")}
    if isinstance(value, list):
        return [p for p in (prune(v) for v in value) if p not in (None, [], {}, "")]
    return value


@dataclass
class Entries:
    """The Bundle's entries in the order they were added: each a POST, pruned."""

    items: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self, entity_id: str, resource: dict[str, Any], *, if_none_exist: str | None = None
    ) -> None:
        request: dict[str, Any] = {"method": "POST", "url": resource["resourceType"]}
        if if_none_exist:
            request["ifNoneExist"] = if_none_exist
        self.items.append(
            {"fullUrl": urn(entity_id), "resource": prune(resource), "request": request}
        )


@dataclass(frozen=True)
class Export:
    """What every resource group is built from: one person's snapshot, the
    person exporting it, and the moment of export."""

    snap: RecordSnapshot
    actor: Actor
    now: datetime

    @property
    def patient_ref(self) -> dict[str, Any]:
        person = self.snap.person
        return ref(person.id, f"{person.given_name} {person.family_name}")

    @property
    def lead(self) -> StaffMember | None:
        return self.snap.staff.get(self.snap.person.lead_professional_id or "")
