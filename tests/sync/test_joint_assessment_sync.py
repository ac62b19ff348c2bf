"""The joint initial assessment across two laptops that sync through a real server:
the nurse and the social worker each write their parts offline, and both laptops end
with the same assessment, each part signed by its author."""

from __future__ import annotations

from typing import Any

from app.services.care import care_plan
from app.services.care.consent import record_consent
from app.services.care.joint_assessment import initial_parts, parts_to_do, record_part
from app.services.record import people
from app.services.record.record import open_record
from app.services.record.record_snapshot import load_snapshot
from app.services.record.record_view import shown_record
from app.services.record.referrals import NewReferral
from app.services.record.registration import NewPerson, register_person
from app.workspace import Workspace
from tests.conftest import ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync


def test_two_professions_write_their_parts_offline_and_both_laptops_agree(
    server: RunningServer, laptop: Laptop
) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    social_worker = reopen(laptop("Ceri Jones"))
    sync(nurse)
    people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    with nurse.store.read() as session:
        zoe = people.find(session, ZOE).id
    assert sync(nurse).refused == []
    sync(social_worker)

    # The same visit, two laptops, no signal.
    record_part(nurse, person_id=zoe, part="health", findings="Leg ulcer, left; diabetic.")
    record_part(nurse, person_id=zoe, part="risks", findings="Fell twice.", shown_in_plan=True)
    record_part(
        social_worker,
        person_id=zoe,
        part="daily_living",
        findings="Cannot bathe alone; her daughter shops.",
        needs_help_with=["personal_hygiene"],
        shown_in_plan=True,
    )
    record_part(social_worker, person_id=zoe, part="risks", findings="Lives alone, isolated.")
    record_consent(
        social_worker,
        person_id=zoe,
        partner_organisation_id=None,
        category="all",
        decision="given",
        given_by="the person",
        method="verbal",
    )
    for ws in (nurse, social_worker, nurse):
        assert sync(ws).refused == []

    seen = []
    for ws in (nurse, social_worker):
        record = open_record(ws, zoe)
        seen.append(
            [
                (p.part, p.summary, p.by_id, p.needs_help_with, p.shown_in_plan)
                for p in initial_parts(record.assessments)
            ]
        )
        assert len(record.consent) == 1
    assert seen[0] == seen[1]
    # Two risks parts, each signed, in the order they were written.
    assert [(part, by) for part, _, by, _, _ in seen[0]] == [
        ("health", nurse.actor.user_id),
        ("daily_living", social_worker.actor.user_id),
        ("risks", nurse.actor.user_id),
        ("risks", social_worker.actor.user_id),
    ]
    assert parts_to_do(open_record(nurse, zoe).assessments) == [
        "own_account",
        "home_environment",
        "carers",
        "mental_capacity",
    ]


def test_the_whole_journey_by_two_professions_leaves_one_record_on_both_laptops(
    server: RunningServer, laptop: Laptop
) -> None:
    """Referral to agreed plan: the nurse registers the referral and writes her
    parts; the social worker, on another laptop, writes his, records consent, a need
    and a goal from the assessment, and agrees the plan with the person. After they
    sync, the whole record (as `onerecord show` gives it) is the same on both."""
    nurse = reopen(laptop("Sam Taylor"))
    social_worker = reopen(laptop("Ceri Jones"))
    sync(nurse)
    sync(social_worker)
    change = register_person(
        nurse,
        NewPerson("", "Edith", "Kowalczyk", "1941-02-03", "DL8 4QQ"),
        referral=NewReferral(source="hospital_discharge", reason="Home after a fall"),
    )
    person_id = str(change.person_id)
    record_part(nurse, person_id=person_id, part="health", findings="Bruised hip; diabetic.")
    assert sync(nurse).refused == []
    sync(social_worker)
    record_part(
        social_worker,
        person_id=person_id,
        part="daily_living",
        findings="Cannot bathe alone.",
        needs_help_with=["personal_hygiene"],
        shown_in_plan=True,
    )
    record_consent(
        social_worker,
        person_id=person_id,
        partner_organisation_id=None,
        category="all",
        decision="given",
        given_by="Edith",
        method="verbal",
    )
    need = care_plan.save_need(
        social_worker,
        person_id=person_id,
        description="Getting in and out of the bath",
        care_act_outcome="personal_hygiene",
    )
    care_plan.add_goal(
        social_worker,
        person_id=person_id,
        statement="I want to have a bath on my own again",
        need_id=str(need.entity_id),
    )
    care_plan.agree_plan(
        social_worker, person_id=person_id, agreed_with_name="Edith", agreed_with_role="the person"
    )
    record_part(nurse, person_id=person_id, part="risks", findings="Fell twice.")
    for ws in (social_worker, nurse, social_worker):
        assert sync(ws).refused == []

    def whole(ws: Workspace) -> dict[str, Any]:
        with ws.store.read() as session:
            snap = load_snapshot(session, ws.actor, person_id)
            return shown_record(snap)

    on_nurse, on_social_worker = whole(nurse), whole(social_worker)
    assert on_nurse == on_social_worker
    assert on_nurse["care_plan"]["version"] == 1
    assert {a["part"] for a in on_nurse["assessments"]} == {"health", "daily_living", "risks"}
    assert on_nurse["referrals"][0]["source"] == "hospital_discharge"
