"""The FHIR R4 export, parsed back with fhir.resources as a receiving system would."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select

from app.reports.fhir import NHS_NUMBER_SYSTEM, export_fhir, pretty
from app.services import clock
from app.services.care.joint_assessment import record_part
from app.workspace import Workspace
from storage.tables import (
    Alert,
    Assessment,
    CarerStrainCheck,
    ConsentToShare,
    ContactNote,
    ContingencyPlan,
    ExperienceAnswer,
    Goal,
    GoalReview,
    HospitalEvent,
    MentalCapacityAssessment,
    Need,
    Person,
    PersonalContact,
    PlannedVisit,
    ReablementEpisode,
)
from tests.reports.conftest import FAMILY, GIVEN, NEVER_PRINTED, SAFEGUARDING, Planted
from tests.reports.fhir_bundle import unresolved


def _expected(workspace: Workspace, nhs: str) -> dict[str, int]:
    with workspace.store.read() as session:
        pid = session.execute(select(Person.id).where(Person.nhs_number == nhs)).scalar_one()

        def count(table: type, *where: object) -> int:
            stmt = select(table).where(table.person_id == pid, *where)  # type: ignore[attr-defined]
            return len(session.execute(stmt).all())

        return {
            "Patient": 1,
            "RelatedPerson": count(PersonalContact),
            "CareTeam": 1,
            "Goal": count(Goal),
            "Condition": count(Need),
            "CarePlan": 1 + count(ContingencyPlan),
            "Flag": count(Alert, Alert.active.is_(True)),
            "Consent": count(ConsentToShare),
            "Encounter": count(ContactNote) + count(PlannedVisit) + count(HospitalEvent),
            "Provenance": 1,
            "Observation": count(Assessment)
            + count(MentalCapacityAssessment)
            + count(GoalReview)
            + count(ReablementEpisode, ReablementEpisode.ended_on.is_not(None))
            + count(ReablementEpisode, ReablementEpisode.follow_up_on.is_not(None)),
            "EpisodeOfCare": count(ReablementEpisode),
            # One response each time the statements were asked: a day, an asker, a voice.
            "QuestionnaireResponse": len(
                set(
                    session.execute(
                        select(
                            ExperienceAnswer.asked_on,
                            ExperienceAnswer.asked_by_id,
                            ExperienceAnswer.answered_by,
                        ).where(ExperienceAnswer.person_id == pid)
                    ).all()
                )
            )
            # And one for each carer-strain check.
            + count(CarerStrainCheck),
            "Questionnaire": min(1, count(ExperienceAnswer)) + min(1, count(CarerStrainCheck)),
        }


def test_bundle_parses_back_with_the_right_resources(demo: Workspace, planted: Planted) -> None:
    export = export_fhir(demo, planted.nhs)
    bundle = Bundle.model_validate_json(export.json)
    assert bundle.type == "transaction"
    kinds = Counter(e.resource.get_resource_type() for e in bundle.entry)
    for kind, expected in _expected(demo, planted.nhs).items():
        assert kinds[kind] == expected, kind
    assert kinds["Practitioner"] >= 1 and kinds["Organization"] >= 1
    assert dict(kinds) == export.counts

    full_urls = [e.fullUrl for e in bundle.entry]
    assert len(set(full_urls)) == len(full_urls)
    for entry in bundle.entry:
        assert entry.fullUrl.startswith("urn:uuid:")
        assert entry.request.method == "POST"
        assert entry.request.url == entry.resource.get_resource_type()

    patient_entry = next(e for e in bundle.entry if e.resource.get_resource_type() == "Patient")
    patient = patient_entry.resource
    nhs_id = patient.identifier[0]
    assert nhs_id.system == NHS_NUMBER_SYSTEM
    assert nhs_id.value == planted.nhs
    assert nhs_id.extension[0].url.endswith("Extension-UKCore-NHSNumberVerificationStatus")
    assert nhs_id.extension[0].valueCodeableConcept.coding[0].code
    assert patient_entry.request.ifNoneExist == f"identifier={NHS_NUMBER_SYSTEM}|{planted.nhs}"
    assert patient.name[0].given == [GIVEN] and patient.name[0].family == FAMILY

    # Every reference inside the bundle points at an entry in it.
    assert not unresolved(json.loads(export.json))


def test_codes_the_standards_ask_for(demo: Workspace, planted: Planted) -> None:
    data = json.loads(export_fhir(demo, planted.nhs).json)
    resources = [e["resource"] for e in data["entry"]]
    carers = [r for r in resources if r["resourceType"] == "RelatedPerson"]
    codes = {
        (c["system"], c["code"])
        for r in carers
        for rel in r.get("relationship", [])
        for c in rel.get("coding", [])
    }
    assert (
        "https://fhir.hl7.org.uk/CodeSystem/UKCore-AdditionalPersonRelationshipRole",
        "Carer",
    ) in codes
    for consent in (r for r in resources if r["resourceType"] == "Consent"):
        assert consent["scope"]["coding"][0]["code"] == "patient-privacy"
        assert {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "INFA",
            "display": "information access",
        } in consent["category"][0]["coding"]
    team = next(r for r in resources if r["resourceType"] == "CareTeam")
    assert team["participant"][0]["role"][0]["text"].startswith("Lead professional")
    plan = next(r for r in resources if r["resourceType"] == "CarePlan" and "partOf" not in r)
    assert plan["status"] == "active" and plan["intent"] == "plan"
    assert plan["activity"] and all("detail" in a for a in plan["activity"])
    assert all(r["lifecycleStatus"] for r in resources if r["resourceType"] == "Goal")
    provenance = next(r for r in resources if r["resourceType"] == "Provenance")
    assert len(provenance["target"]) == len(resources) - 1


def test_restricted_detail_is_left_out(demo: Workspace, planted: Planted) -> None:
    text = pretty(export_fhir(demo, planted.nhs).json)
    for secret in NEVER_PRINTED:
        assert secret not in text
    assert SAFEGUARDING not in text
    assert "Zoë Siobhán" in text  # names kept as written, not \u-escaped


def test_a_sensitive_note_leaves_without_its_narrative_even_for_its_author(
    demo: Workspace, planted: Planted
) -> None:
    """The author may read their sensitive note on screen; an export leaves the store,
    so it carries only that the note exists and whom to ask."""
    secret = "Disclosed to me alone: the Brackenridge arrangement"
    with demo.store.write(demo.actor) as session:
        pid = session.execute(
            select(Person.id).where(Person.nhs_number == planted.nhs)
        ).scalar_one()
        session.add(
            ContactNote(
                person_id=pid,
                contact_type="home_visit",
                narrative=secret,
                occurred_at=clock.now() - timedelta(hours=2),
                author_id=demo.actor.user_id,
                author_role=demo.actor.role,
                sensitive=True,
            )
        )
    text = export_fhir(demo, planted.nhs).json
    assert "Brackenridge" not in text
    assert "Narrative withheld: marked sensitive in the record" in text


def test_draft_plan_exports_as_draft(demo: Workspace, planted: Planted) -> None:
    data = json.loads(export_fhir(demo, planted.draft_nhs).json)
    plan = next(
        e["resource"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "CarePlan" and "partOf" not in e["resource"]
    )
    assert plan["status"] == "draft"


def test_an_assessment_part_exports_signed_with_its_outcomes(
    demo: Workspace, planted: Planted
) -> None:
    with demo.store.read() as session:
        pid = session.execute(
            select(Person.id).where(Person.nhs_number == planted.nhs)
        ).scalar_one()
    part = record_part(
        demo,
        person_id=pid,
        part="daily_living",
        findings="Cannot bathe alone.",
        needs_help_with=["personal_hygiene", "nutrition"],
    )
    bundle = json.loads(export_fhir(demo, planted.nhs).json)
    (entry,) = [e for e in bundle["entry"] if e["fullUrl"] == f"urn:uuid:{part.entity_id}"]
    observation = entry["resource"]
    assert observation["resourceType"] == "Observation"
    assert observation["code"]["text"] == "Initial assessment: Daily living (Care Act outcomes)"
    assert observation["valueString"] == "Cannot bathe alone."
    assert [c["code"]["text"] for c in observation["component"]] == [
        "Managing and maintaining nutrition",
        "Maintaining personal hygiene",
    ]
    (performer,) = observation["performer"]
    assert performer["reference"] == f"urn:uuid:{demo.actor.user_id}"
