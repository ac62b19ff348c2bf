"""Telecare in the FHIR export: each piece of equipment a Device of the person and a
DeviceUseStatement from its install (to its removal), with who responds, the next
test and an analogue line in words; the Bundle still validates and every reference
resolves; a personal budget is not exported (no FHIR resource is one)."""

from __future__ import annotations

import json
from datetime import timedelta

from fhir.resources.R4B.bundle import Bundle

from app.reports.fhir import export_fhir
from app.services import clock
from app.services.record.people import find
from app.services.support import budgets, telecare
from app.workspace import Workspace
from tests.conftest import ZOE
from tests.reports.fhir_bundle import of_kind, unresolved


def test_telecare_goes_as_devices_in_use(populated: Workspace) -> None:
    with populated.store.read() as s:
        zoe = find(s, ZOE).id
    installed = clock.today() - timedelta(days=300)
    alarm = telecare.add_telecare(
        populated,
        person_id=zoe,
        kind="pendant_alarm",
        description="Lifeline",
        responder="mobile_response",
        installed_on=installed,
        analogue_line=True,
    )
    gone = telecare.add_telecare(
        populated, person_id=zoe, kind="door_sensor", responder="family", installed_on=installed
    )
    telecare.remove_telecare(populated, item_id=str(gone.entity_id))
    budgets.add_budget(
        populated,
        person_id=zoe,
        kind="personal_budget",
        amount="£99.99",
        period="week",
        managed_as="direct_payment",
    )
    bundle = json.loads(export_fhir(populated, ZOE).json)
    Bundle.model_validate(bundle)
    assert unresolved(bundle) == set()
    devices = {d["identifier"][0]["value"]: d for d in of_kind(bundle, "Device")}
    pendant = devices[f"urn:uuid:{alarm.entity_id}"]
    assert pendant["status"] == "active"
    assert pendant["type"]["coding"][0]["code"] == "pendant_alarm"
    assert pendant["deviceName"][0]["name"] == "Lifeline"
    assert devices[f"urn:uuid:{gone.entity_id}"]["status"] == "inactive"
    uses = {u["device"]["reference"]: u for u in of_kind(bundle, "DeviceUseStatement")}
    use = uses[f"urn:uuid:{alarm.entity_id}"]
    assert use["status"] == "active" and use["timingPeriod"]["start"] == installed.isoformat()
    note = use["note"][0]["text"]
    assert "Mobile response service" in note and "analogue phone line" in note
    due = installed + timedelta(days=182)
    assert f"next test due {due.isoformat()}" in note
    assert uses[f"urn:uuid:{gone.entity_id}"]["status"] == "completed"
    assert "99.99" not in json.dumps(bundle)  # the budget is not exported
