"""Telecare equipment, as a Device (what it is, in our own code system, with its
description; active, or inactive once removed) and a DeviceUseStatement (the person
using it from its install to its removal, with who responds, when it was last tested
and next due, and a line still on analogue, in words). Both point at the Patient; the
statement at its Device.

A personal budget is not exported: FHIR R4 has no resource for an allocation of money
to a person (Coverage and Claim are an insurer's and a biller's), and the plan the
budget pays for goes as the CarePlan already.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.reports.fhir.elements import Entries, Export, coded, day, identifier, urn
from app.reports.fhir.terms import LOCAL
from app.values import telecare
from app.values.vocab import TelecareKind, TelecareResponder
from storage.tables import TelecareItem

TELECARE_KIND = f"{LOCAL}/CodeSystem/telecare-kind"
# The statement's id, made from the item's so a second export names the same one.
_STATEMENT = uuid.UUID("5d0f6c1e-8d3b-4a8e-9a51-2f0e6f3c7b10")


def _note(item: TelecareItem) -> str:
    who = coded(TELECARE_KIND, TelecareResponder, item.responder)["text"]
    words = [
        f"Who responds: {who}" + (f" ({item.responder_detail})" if item.responder_detail else "")
    ]
    if item.last_tested_on is not None:
        words.append(f"last tested {item.last_tested_on.isoformat()}")
    due = telecare.test_due_on(item)
    if due is not None:
        words.append(f"next test due {due.isoformat()}")
    if item.analogue_line and item.removed_on is None:
        words.append("still on an analogue phone line: needs moving to digital")
    return "; ".join(words) + "."


def add_telecare(entries: Entries, export: Export) -> None:
    for item in sorted(export.snap.telecare, key=lambda t: (t.kind, t.id)):
        in_use = item.removed_on is None
        device: dict[str, Any] = {
            "resourceType": "Device",
            "identifier": identifier(item.id),
            "status": "active" if in_use else "inactive",
            "type": coded(TELECARE_KIND, TelecareKind, item.kind),
            "deviceName": [{"name": item.description, "type": "user-friendly-name"}]
            if item.description
            else None,
            "patient": export.patient_ref,
        }
        entries.add(item.id, device)
        statement_id = str(uuid.uuid5(_STATEMENT, item.id))
        entries.add(
            statement_id,
            {
                "resourceType": "DeviceUseStatement",
                "identifier": identifier(statement_id),
                "status": "active" if in_use else "completed",
                "subject": export.patient_ref,
                "device": {"reference": urn(item.id)},
                "timingPeriod": {"start": day(item.installed_on), "end": day(item.removed_on)},
                "note": [{"text": _note(item)}],
            },
        )
