"""The joint initial assessment, through the services: each profession writes and
signs its own parts, only the signer revises a part, the person's say on printing
is anyone's to record, and bad input writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from app.errors import AccessDeniedError, InvalidInputError, NotFoundError
from app.services import clock
from app.services.care.joint_assessment import (
    INITIAL,
    agree_shown_in_plan,
    initial_parts,
    needs_from_part,
    parts_to_do,
    record_part,
    revise_part,
)
from app.services.record.record import open_record
from app.workspace import Workspace
from storage.tables import Assessment, ChangeRecord
from tests.app.access_data import (
    KEY_SAFE,
    SAFEGUARDING,
    SENSITIVE,
    Scene,
    build_scene,
    sign_in,
)


@pytest.fixture
def scene(populated: Workspace) -> Scene:
    return build_scene(populated)


def _changes(ws: Workspace) -> int:
    with ws.store.read() as session:
        return int(session.execute(select(func.count()).select_from(ChangeRecord)).scalar_one())


def test_each_profession_signs_its_own_parts(populated: Workspace, scene: Scene) -> None:
    nurse, ot = sign_in(populated, scene, "nia"), sign_in(populated, scene, "otto")
    record_part(nurse, person_id=scene.zoe, part="health", findings="Leg ulcer, left; diabetic.")
    record_part(
        ot,
        person_id=scene.zoe,
        part="daily_living",
        findings="Cannot get in or out of the bath; meals by her daughter.",
        needs_help_with=["personal_hygiene", "nutrition"],
        shown_in_plan=True,
    )
    record_part(ot, person_id=scene.zoe, part="health", findings="Right shoulder pain on reach.")

    record = open_record(nurse, scene.zoe)
    parts = initial_parts(record.assessments)
    assert [(p.part, p.by_id) for p in parts] == [
        ("health", scene.staff["nia"]),
        ("health", scene.staff["otto"]),
        ("daily_living", scene.staff["otto"]),
    ]
    assert all(p.kind == INITIAL for p in parts)
    assert parts[0].by and "Nia Nurse" in parts[0].by
    # Outcomes kept in the statutory order, whatever order they were ticked in.
    assert parts[2].needs_help_with == ("nutrition", "personal_hygiene")
    assert parts[2].shown_in_plan and not parts[0].shown_in_plan
    assert parts_to_do(record.assessments) == [
        "own_account",
        "home_environment",
        "carers",
        "risks",
        "mental_capacity",
    ]


def test_only_the_signer_revises_a_part_and_anyone_records_the_persons_say(
    populated: Workspace, scene: Scene
) -> None:
    nurse, social_worker = sign_in(populated, scene, "nia"), sign_in(populated, scene, "sol")
    change = record_part(nurse, person_id=scene.zoe, part="risks", findings="Fell twice.")
    part_id = str(change.entity_id)
    before = _changes(populated)
    with pytest.raises(InvalidInputError, match="Only who signed this part"):
        revise_part(social_worker, assessment_id=part_id, findings="Rewritten by Sol.")
    assert _changes(populated) == before

    revise_part(nurse, assessment_id=part_id, findings="Fell twice since August; frame.")
    agree_shown_in_plan(social_worker, assessment_id=part_id, shown=True)
    (part,) = initial_parts(open_record(nurse, scene.zoe).assessments)
    assert part.summary == "Fell twice since August; frame." and part.shown_in_plan
    assert part.by_id == scene.staff["nia"]  # still the nurse's part


def test_someone_outside_the_persons_team_cannot_add_a_part(
    populated: Workspace, scene: Scene
) -> None:
    outsider = sign_in(populated, scene, "nell")  # South team; Zoë is North's
    before = _changes(populated)
    with pytest.raises(AccessDeniedError):
        record_part(outsider, person_id=scene.zoe, part="health", findings="Seen in clinic.")
    assert _changes(populated) == before


def _tomorrow() -> str:
    return (clock.today() + timedelta(days=1)).isoformat()


BAD: list[tuple[Callable[[Workspace, str], Any], str]] = [
    (
        lambda ws, pid: record_part(
            ws, person_id=pid, part="health", findings="x", needs_help_with=["nutrition"]
        ),
        "belong to the daily living part",
    ),
    (
        lambda ws, pid: record_part(
            ws, person_id=pid, part="daily_living", findings="x", needs_help_with=["flying"]
        ),
        "'flying' is not one of",
    ),
    (lambda ws, pid: record_part(ws, person_id=pid, part="finance", findings="x"), "not one of"),
    (lambda ws, pid: record_part(ws, person_id=pid, part="health", findings="  "), "Enter the"),
    (
        lambda ws, pid: record_part(
            ws, person_id=pid, part="health", findings="x", assessed_on=_tomorrow()
        ),
        "cannot be dated in the future",
    ),
]


@pytest.mark.parametrize(("call", "message"), BAD)
def test_bad_input_writes_nothing(
    populated: Workspace, scene: Scene, call: Callable[[Workspace, str], Any], message: str
) -> None:
    nurse = sign_in(populated, scene, "nia")
    before = _changes(populated)
    with pytest.raises(InvalidInputError, match=message):
        call(nurse, scene.zoe)
    assert _changes(populated) == before
    with populated.store.read() as session:
        assert session.execute(select(func.count()).select_from(Assessment)).scalar_one() == 0


def test_a_standalone_assessment_is_not_a_part(populated: Workspace, scene: Scene) -> None:
    nurse = sign_in(populated, scene, "nia")
    with pytest.raises(NotFoundError):
        agree_shown_in_plan(nurse, assessment_id="no-such-part", shown=True)


def test_a_revision_keeps_what_it_does_not_change(populated: Workspace, scene: Scene) -> None:
    """Rewording the findings leaves the outcomes and the person's say on printing as
    they were (the say may have been recorded by someone else)."""
    ot, nurse = sign_in(populated, scene, "otto"), sign_in(populated, scene, "nia")
    change = record_part(
        ot,
        person_id=scene.zoe,
        part="daily_living",
        findings="Cannot bathe alone.",
        needs_help_with=["personal_hygiene"],
    )
    part_id = str(change.entity_id)
    agree_shown_in_plan(nurse, assessment_id=part_id, shown=True)
    revise_part(ot, assessment_id=part_id, findings="Cannot bathe alone; bath board fitted.")
    (part,) = initial_parts(open_record(ot, scene.zoe).assessments)
    assert part.summary == "Cannot bathe alone; bath board fitted."
    assert part.needs_help_with == ("personal_hygiene",) and part.shown_in_plan
    revise_part(ot, assessment_id=part_id, findings=part.summary, needs_help_with=[])
    (part,) = initial_parts(open_record(ot, scene.zoe).assessments)
    assert part.needs_help_with == () and part.shown_in_plan


def test_a_support_worker_sees_the_assessment_but_nothing_restricted(
    populated: Workspace, scene: Scene
) -> None:
    """The assessment's parts are for everyone on the team; what the restricted
    categories hide (a key safe code, safeguarding detail, a sensitive note) stays
    hidden from a support worker in the whole record, the new sections included."""
    nurse, support = sign_in(populated, scene, "nia"), sign_in(populated, scene, "sid")
    record_part(nurse, person_id=scene.zoe, part="risks", findings="Fell twice.")
    record = open_record(support, scene.zoe)
    assert [p.summary for p in initial_parts(record.assessments)] == ["Fell twice."]
    everything = repr(record)
    for hidden in (KEY_SAFE, SAFEGUARDING, SENSITIVE):
        assert hidden not in everything


def test_the_daily_living_outcomes_become_the_plans_needs_once(
    populated: Workspace, scene: Scene
) -> None:
    ot = sign_in(populated, scene, "otto")
    part = record_part(
        ot,
        person_id=scene.zoe,
        part="daily_living",
        findings="Cannot bathe alone; meals by her daughter.",
        needs_help_with=["personal_hygiene", "nutrition"],
    )
    health = record_part(ot, person_id=scene.zoe, part="health", findings="Diabetic.")
    needs_from_part(ot, assessment_id=str(part.entity_id))
    needs = open_record(ot, scene.zoe).plan.needs
    assert sorted((n.detail, n.text) for n in needs) == [
        ("nutrition", "Managing and maintaining nutrition"),
        ("personal_hygiene", "Maintaining personal hygiene"),
    ]
    before = _changes(populated)
    with pytest.raises(InvalidInputError, match="in the plan's needs already"):
        needs_from_part(ot, assessment_id=str(part.entity_id))
    with pytest.raises(InvalidInputError, match="no Care Act outcomes"):
        needs_from_part(ot, assessment_id=str(health.entity_id))
    assert _changes(populated) == before
