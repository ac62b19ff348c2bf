"""What the work achieved, in the FHIR export, read back as a receiving system would:
a reablement episode (ended, with its 91-day check) as an EpisodeOfCare with its
outcome and check as Observations, goal reviews with attainment scores, hospital
events as Encounters (one entered in error, which must never arrive as real), and
the National Voices answers as QuestionnaireResponses. Dates are counted back from
the clock, so the tests hold on any day."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from app.reports.fhir import export_fhir
from app.services import clock
from app.services.care import care_plan
from app.services.outcomes import episodes, experience, goal_reviews, hospital_events
from app.services.record.people import find
from app.workspace import Workspace
from tests.conftest import ZOE
from tests.reports.fhir_bundle import of_kind, unresolved

LOCAL = "https://fhir.onerecord.example"
SNOMED = "http://snomed.info/sct"
WALK = "I want to walk to the village shop again"
WASH = "I want to get washed and dressed on my own"
WRONG_PERSON = "Chest pain: Mr Rowntree's admission, not hers"
WRONG_HOSPITAL = "James Cook University Hospital"


@dataclass(frozen=True)
class Story:
    person_id: str
    walk: str
    wash: str
    episode: str
    started: date
    discharged: date
    in_error: str
    bundle: dict[str, Any]


def _day(value: date) -> str:
    return value.isoformat()


@pytest.fixture
def story(populated: Workspace) -> Story:
    ws = populated
    today = clock.today()
    with ws.store.read() as s:
        zoe = find(s, ZOE).id
    walk = str(care_plan.add_goal(ws, person_id=zoe, statement=WALK, gas_baseline=-1).entity_id)
    wash = str(care_plan.add_goal(ws, person_id=zoe, statement=WASH, gas_baseline=-2).entity_id)
    started = today - timedelta(days=130)
    discharged = started - timedelta(days=1)
    episode = str(
        episodes.start_episode(
            ws,
            person_id=zoe,
            started_on=started,
            discharged_on=discharged,
            planned_end_on=started + timedelta(days=56),
            longer_reason="Second operation booked for week four",
            goal_ids=[walk, wash],
        ).entity_id
    )
    episodes.end_episode(
        ws, episode_id=episode, outcome="reduced_support", ended_on=started + timedelta(days=50)
    )
    episodes.record_follow_up(
        ws, episode_id=episode, result="at_home", follow_up_on=discharged + timedelta(days=93)
    )
    goal_reviews.review_goal(ws, goal_id=walk, result="partly", gas_score=0)
    goal_reviews.review_goal(
        ws, goal_id=walk, result="achieved", gas_score=1, comment="Walked there with a stick"
    )
    goal_reviews.review_goal(ws, goal_id=wash, result="not_achieved", gas_score=-1)
    for kind, on, where, detail in (
        ("unplanned_admission", discharged - timedelta(days=9), "Friarage Hospital", "A fall"),
        ("discharge", discharged, "Friarage Hospital", None),
        ("ae_attendance", today - timedelta(days=20), None, None),
    ):
        hospital_events.record_hospital_event(
            ws, person_id=zoe, kind=kind, occurred_on=on, hospital=where, detail=detail
        )
    in_error = str(
        hospital_events.record_hospital_event(
            ws,
            person_id=zoe,
            kind="unplanned_admission",
            occurred_on=today - timedelta(days=5),
            hospital=WRONG_HOSPITAL,
            detail=WRONG_PERSON,
        ).entity_id
    )
    hospital_events.mark_in_error(ws, event_id=in_error)
    experience.record_experience(
        ws,
        person_id=zoe,
        # Given out of order: the response keeps the statements' own order.
        answers={"know_coordinator": "no", "plan_together": "yes_somewhat"},
        answered_by="together",
        asked_on=today - timedelta(days=2),
    )
    experience.record_experience(
        ws, person_id=zoe, answers={"life_i_want": "not_sure"}, answered_by="carer"
    )
    bundle = json.loads(export_fhir(ws, ZOE).json)
    return Story(zoe, walk, wash, episode, started, discharged, in_error, bundle)


def _entry(story: Story, entity_id: str) -> dict[str, Any]:
    (entry,) = [e for e in story.bundle["entry"] if e["fullUrl"] == f"urn:uuid:{entity_id}"]
    resource: dict[str, Any] = entry["resource"]
    return resource


def _codes(concept: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c["system"], c["code"]) for c in concept["coding"]}


def _observations(story: Story, code: str) -> list[dict[str, Any]]:
    return [
        o for o in of_kind(story.bundle, "Observation") if o["code"]["coding"][0]["code"] == code
    ]


def test_it_parses_back_and_every_reference_resolves(story: Story) -> None:
    bundle = Bundle.model_validate(story.bundle)
    kinds = {e.resource.get_resource_type() for e in bundle.entry}
    assert {"EpisodeOfCare", "QuestionnaireResponse", "Questionnaire"} <= kinds
    assert not unresolved(story.bundle)


def test_the_episode_is_an_episode_of_care(story: Story, populated: Workspace) -> None:
    episode = _entry(story, story.episode)
    assert episode["resourceType"] == "EpisodeOfCare"
    assert episode["status"] == "finished"
    assert _codes(episode["type"][0]) == {
        (f"{LOCAL}/CodeSystem/episode-of-care-type", "reablement")
    }
    assert episode["period"] == {
        "start": _day(story.started),
        "end": _day(story.started + timedelta(days=50)),
    }
    assert episode["patient"]["reference"] == f"urn:uuid:{story.person_id}"
    extensions = {x["url"].rsplit("/", 1)[1]: x for x in episode["extension"]}
    assert extensions["reablement-planned-end"]["valueDate"] == _day(
        story.started + timedelta(days=56)
    )
    assert extensions["reablement-longer-reason"]["valueString"] == (
        "Second operation booked for week four"
    )
    assert extensions["reablement-discharged-on"]["valueDate"] == _day(story.discharged)


def test_its_outcome_and_91_day_check_are_observations_of_it(story: Story) -> None:
    (outcome,) = _observations(story, "reablement-outcome")
    assert outcome["focus"] == [{"reference": f"urn:uuid:{story.episode}"}]
    assert outcome["status"] == "final"
    assert outcome["effectiveDateTime"] == _day(story.started + timedelta(days=50))
    assert outcome["valueCodeableConcept"]["coding"] == [
        {
            "system": f"{LOCAL}/CodeSystem/reablement-outcome",
            "code": "reduced_support",
            "display": "Reduced ongoing support",
        }
    ]
    (check,) = _observations(story, "reablement-91-day-check")
    assert check["focus"] == [{"reference": f"urn:uuid:{story.episode}"}]
    assert check["effectiveDateTime"] == _day(story.discharged + timedelta(days=93))
    assert check["valueCodeableConcept"]["coding"][0]["code"] == "at_home"
    assert check["valueCodeableConcept"]["text"] == "At home"
    assert check["note"] == [{"text": f"Counted from leaving hospital on {_day(story.discharged)}"}]


def _components(observation: dict[str, Any]) -> dict[str, int]:
    return {c["code"]["coding"][0]["code"]: c["valueInteger"] for c in observation["component"]}


def test_goal_reviews_carry_the_result_and_attainment_score(
    story: Story, populated: Workspace
) -> None:
    reviews = _observations(story, "goal-review")
    walk = [r for r in reviews if r["focus"] == [{"reference": f"urn:uuid:{story.walk}"}]]
    wash = [r for r in reviews if r["focus"] == [{"reference": f"urn:uuid:{story.wash}"}]]
    assert len(walk) == 2 and len(wash) == 1
    results = [(r["valueCodeableConcept"]["coding"][0]["code"], _components(r)) for r in walk]
    assert sorted(results) == [
        ("achieved", {"gas-score": 1, "gas-baseline": -1}),
        ("partly", {"gas-score": 0, "gas-baseline": -1}),
    ]
    (washed,) = wash
    assert washed["valueCodeableConcept"]["text"] == "Not achieved"
    assert _components(washed) == {"gas-score": -1, "gas-baseline": -2}
    assert washed["effectiveDateTime"] == _day(clock.today())
    assert washed["performer"][0]["reference"] == f"urn:uuid:{populated.actor.user_id}"
    achieved = next(r for r in walk if r["valueCodeableConcept"]["coding"][0]["code"] == "achieved")
    assert achieved["note"] == [{"text": "Walked there with a stick"}]


def test_the_goal_names_its_scale_and_its_reviews(story: Story) -> None:
    goal = _entry(story, story.walk)
    assert goal["resourceType"] == "Goal"
    assert goal["extension"] == [
        {"url": f"{LOCAL}/StructureDefinition/goal-attainment-baseline", "valueInteger": -1}
    ]
    (target,) = goal["target"]
    assert target["measure"]["coding"][0]["code"] == "gas-score"
    assert target["detailInteger"] == 0  # the expected outcome on the scale
    # Both reviews, oldest first; the latest decides the goal's status.
    partly, achieved = (_entry(story, r["reference"][9:]) for r in goal["outcomeReference"])
    assert partly["valueCodeableConcept"]["coding"][0]["code"] == "partly"
    assert achieved["valueCodeableConcept"]["coding"][0]["code"] == "achieved"
    assert goal["lifecycleStatus"] == "completed"
    assert goal["achievementStatus"]["coding"][0]["code"] == "achieved"


def test_hospital_events_are_encounters_of_their_class(story: Story) -> None:
    real = [
        e
        for e in of_kind(story.bundle, "Encounter")
        if any(
            c["system"] == f"{LOCAL}/CodeSystem/hospital-event-kind"
            for t in e.get("type", [])
            for c in t["coding"]
        )
    ]
    by_kind = {
        next(c["code"] for c in e["type"][0]["coding"] if c["system"] != SNOMED): e for e in real
    }
    assert set(by_kind) == {"unplanned_admission", "discharge", "ae_attendance"}
    admission = by_kind["unplanned_admission"]
    assert admission["status"] == "finished"
    assert admission["class"]["code"] == "IMP"
    assert (SNOMED, "183452005") in _codes(admission["type"][0])
    assert admission["period"] == {"start": _day(story.discharged - timedelta(days=9))}
    assert admission["serviceProvider"] == {"display": "Friarage Hospital"}
    assert "A fall" in admission["text"]["div"]
    discharge = by_kind["discharge"]
    assert discharge["class"]["code"] == "IMP"
    assert (SNOMED, "58000006") in _codes(discharge["type"][0])
    assert discharge["period"] == {"end": _day(story.discharged)}
    attendance = by_kind["ae_attendance"]
    assert attendance["class"]["code"] == "EMER"
    assert (SNOMED, "4525004") in _codes(attendance["type"][0])
    assert attendance["type"][0]["text"] == "A&E attendance"
    assert "serviceProvider" not in attendance


def test_an_event_in_error_never_arrives_as_real(story: Story) -> None:
    """Sent so a receiver can retract a copy an earlier export gave it, with nothing of
    what was recorded in error (it may be another person's)."""
    event = _entry(story, story.in_error)
    assert event["resourceType"] == "Encounter"
    assert event["status"] == "entered-in-error"
    assert event["identifier"][0]["value"] == f"urn:uuid:{story.in_error}"
    assert "Entered in error" in event["text"]["div"]
    for what in ("period", "type", "serviceProvider"):
        assert what not in event
    text = json.dumps(story.bundle)
    assert "Rowntree" not in text and WRONG_HOSPITAL not in text
    statuses = [e["status"] for e in of_kind(story.bundle, "Encounter")]
    assert statuses.count("entered-in-error") == 1


def test_experience_answers_are_questionnaire_responses(story: Story, populated: Workspace) -> None:
    (questionnaire_entry,) = [
        e for e in story.bundle["entry"] if e["resource"]["resourceType"] == "Questionnaire"
    ]
    questionnaire = questionnaire_entry["resource"]
    url = f"{LOCAL}/Questionnaire/national-voices-i-statements"
    assert questionnaire["url"] == url and questionnaire["version"] == "2013"
    assert questionnaire_entry["request"]["ifNoneExist"] == f"url={url}&version=2013"
    asked = [i["linkId"] for i in questionnaire["item"]]
    assert asked[0] == "answered-by" and len(asked) == 9
    assert questionnaire["item"][2]["text"] == "I tell my story once."

    responses = sorted(of_kind(story.bundle, "QuestionnaireResponse"), key=lambda r: r["authored"])
    assert len(responses) == 2
    together, carer = responses
    for response in responses:
        assert response["questionnaire"] == f"{url}|2013"
        assert response["status"] == "completed"
        assert response["author"]["reference"] == f"urn:uuid:{populated.actor.user_id}"
        assert {i["linkId"] for i in response["item"]} <= set(asked)
    assert together["authored"] == _day(clock.today() - timedelta(days=2))
    assert together["source"]["reference"] == f"urn:uuid:{story.person_id}"
    answers = [(i["linkId"], i["answer"][0]["valueCoding"]["code"]) for i in together["item"]]
    assert answers == [
        ("answered-by", "together"),
        ("plan_together", "yes_somewhat"),
        ("know_coordinator", "no"),
    ]
    assert together["item"][2]["text"] == "I always know who is coordinating my care."
    assert together["item"][2]["answer"][0]["valueCoding"] == {
        "system": f"{LOCAL}/CodeSystem/experience-answer",
        "code": "no",
        "display": "No",
    }
    assert carer["source"] == {"display": "Their carer"}
    assert [i["linkId"] for i in carer["item"]] == ["answered-by", "life_i_want"]


def test_a_second_export_names_the_same_findings(story: Story, populated: Workspace) -> None:
    again = json.loads(export_fhir(populated, ZOE).json)
    kinds = ("Observation", "QuestionnaireResponse", "EpisodeOfCare", "Encounter")

    def urls(bundle: dict[str, Any]) -> set[str]:
        return {e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] in kinds}

    assert urls(again) == urls(story.bundle)
