"""The carer-strain checks in the FHIR R4 export: one QuestionnaireResponse a check,
answered by the carer (a RelatedPerson, its source), authored by who asked, an item
a statement in the scale's order and the total; the MCSI itself one Questionnaire
sent once. Parsed back with fhir.resources; every reference resolves."""

from __future__ import annotations

import json
from datetime import timedelta

from fhir.resources.R4B.bundle import Bundle

from app.reports.fhir import export_fhir
from app.reports.fhir.carer_strain import MCSI, MCSI_VERSION
from app.services import clock
from app.services.carers import strain
from app.services.record.contacts import save_personal_contact
from app.services.record.people import find
from app.workspace import Workspace
from tests.conftest import ZOE
from tests.reports.fhir_bundle import of_kind, unresolved


def test_each_check_is_a_response_to_the_mcsi(populated: Workspace) -> None:
    with populated.store.read() as s:
        zoe = find(s, ZOE).id
    mary = save_personal_contact(
        populated, person_id=zoe, values={"name": "Mary O'Neill", "is_main_carer": "yes"}
    ).entity_id
    assert mary
    earlier = clock.today() - timedelta(days=90)
    strain.record_strain_check(
        populated, person_id=zoe, carer_id=mary, answers=[1] * 8 + [0] * 5, checked_on=earlier
    )
    strain.record_strain_check(populated, person_id=zoe, carer_id=mary, answers=[2] * 13)
    bundle = json.loads(export_fhir(populated, ZOE).json)
    Bundle.model_validate(bundle)
    assert not unresolved(bundle)
    [scale] = [q for q in of_kind(bundle, "Questionnaire") if q["url"] == MCSI]
    assert len(scale["item"]) == 14 and "Thornton" in scale["description"]
    responses = [
        r
        for r in of_kind(bundle, "QuestionnaireResponse")
        if r["questionnaire"] == f"{MCSI}|{MCSI_VERSION}"
    ]
    assert [r["authored"] for r in responses] == [
        earlier.isoformat(),
        clock.today().isoformat(),
    ]
    first = responses[0]
    assert first["source"]["reference"] == f"urn:uuid:{mary}"
    assert first["author"]["reference"] == f"urn:uuid:{populated.actor.user_id}"
    items = {i["linkId"]: i for i in first["item"]}
    assert items["1"]["answer"][0]["valueCoding"]["code"] == "1"
    assert items["13"]["answer"][0]["valueCoding"]["display"] == "No"
    assert items["total"]["answer"][0]["valueInteger"] == 8
    assert responses[1]["item"][-1]["answer"][0]["valueInteger"] == 26
    assert "prompt" not in json.dumps(responses).lower()
