"""The joint initial assessment across two laptops that sync through a real server:
the nurse and the social worker each write their parts offline, and both laptops end
with the same assessment, each part signed by its author."""

from __future__ import annotations

from app.services.care.consent import record_consent
from app.services.care.joint_assessment import initial_parts, parts_to_do, record_part
from app.services.record import people
from app.services.record.record import open_record
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
