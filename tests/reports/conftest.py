"""A small synthetic demo caseload with planted details the reports must (or must never) show.

Built once per session and copied for each test, so every test starts from the
same encrypted profile and may write to it (audit events, plan status).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services.profile.demo_profile import create_demo_profile
from app.services.record.people import edit
from app.workspace import Workspace, unlock
from storage import settings
from storage.tables import Alert, CarePlan, ContingencyPlan, Goal, Person, PersonalContact
from tests.conftest import FAST_KDF, PASSPHRASE

GIVEN = "Zoë Siobhán"
FAMILY = "Wiśniewska-Łukasz"
# The code has letters outside hex so a random UUID in an export can never contain it
# (a bare "5831" did, once in a few thousand runs, and failed CI).
KEY_SAFE = "Key safe code QZ5831. Spare key with Mrs Quigley-Faraday."
SAFEGUARDING = "Section 42 enquiry: concern about Mr Thistlewood's visits."
SAFEGUARDING_SUMMARY = "Safeguarding: speak to the lead professional before visiting"
MARKUP_GOAL = "I want tea & biscuits <b>every</b> Sunday with my sister"
NEVER_PRINTED = ("QZ5831", "Quigley-Faraday", "Thistlewood", "Key safe code")


@dataclass(frozen=True)
class Planted:
    nhs: str  # the person with every part of a plan, agreed, names with diacritics
    formatted: str
    version: int
    draft_nhs: str  # someone whose plan changed since it was agreed


def _plant(workspace: Workspace) -> Planted:
    with workspace.store.read() as session:
        # The signed-in user's own team's people: one demo person in ten belongs to a
        # neighbouring team (which ones depends on the demo's date), outside their reach.
        team = settings.get(session, settings.HOME_TEAM)
        people = (
            session.execute(
                select(Person).where(Person.team_id == team).order_by(Person.nhs_number)
            )
            .scalars()
            .all()
        )
        plans = {p.person_id: p for p in session.execute(select(CarePlan)).scalars()}
        with_contingency = set(session.execute(select(ContingencyPlan.person_id)).scalars())
        goal_counts = dict(
            session.execute(select(Goal.person_id, func.count()).group_by(Goal.person_id)).all()
        )
        # A main carer is what FHIR codes 'Carer': any date's demo
        # has such people, though which ones depends on the date.
        carers = set(
            session.execute(
                select(PersonalContact.person_id).where(PersonalContact.is_main_carer)
            ).scalars()
        )
    candidates = [
        p
        for p in people
        if p.id in with_contingency and goal_counts.get(p.id, 0) >= 2 and plans[p.id].version >= 1
    ]
    # Someone with a main carer if the demo made one among them (which people have one
    # depends on the demo's date); otherwise the first is given one, so the reports
    # always have a carer to code.
    chosen = next((p for p in candidates if p.id in carers), candidates[0])
    other = next(p for p in people if p.id != chosen.id and plans[p.id].version >= 1)
    assert chosen.nhs_number and other.nhs_number
    edit(
        workspace,
        chosen.nhs_number,
        {"given_name": GIVEN, "family_name": FAMILY, "large_print": "no"},
    )
    edit(workspace, other.nhs_number, {"large_print": "no"})
    with workspace.store.write(workspace.actor) as session:
        session.add(
            Alert(
                person_id=chosen.id,
                kind="access_to_home",
                summary="Key safe by the back door: the code is in restricted detail.",
                restricted_detail=KEY_SAFE,
            )
        )
        session.add(
            Alert(
                person_id=chosen.id,
                kind="safeguarding",
                summary=SAFEGUARDING_SUMMARY,
                restricted_detail=SAFEGUARDING,
            )
        )
        session.add(Alert(person_id=chosen.id, kind="allergy", summary="Allergy: penicillin"))
        if chosen.id not in carers:
            session.add(
                PersonalContact(
                    person_id=chosen.id,
                    name="Siân Wiśniewska",
                    relationship="Daughter",
                    is_main_carer=True,
                    carers_assessment="offered",
                )
            )
        plan = session.execute(select(CarePlan).where(CarePlan.person_id == chosen.id)).scalar_one()
        plan.status = "agreed"
        other_plan = session.execute(
            select(CarePlan).where(CarePlan.person_id == other.id)
        ).scalar_one()
        other_plan.status = "draft"
        goal = session.execute(
            select(Goal).where(Goal.person_id == chosen.id).order_by(Goal.importance.desc())
        ).scalars()
        first = next(iter(goal))
        first.statement = MARKUP_GOAL
        first.status = "in_progress"
        version = plan.version
    digits = chosen.nhs_number
    return Planted(
        nhs=digits,
        formatted=f"{digits[:3]} {digits[3:6]} {digits[6:]}",
        version=version,
        draft_nhs=other.nhs_number,
    )


@pytest.fixture(scope="session")
def _plan_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Planted]:
    path = tmp_path_factory.mktemp("plan-template") / "demo"
    workspace, _ = create_demo_profile(path, PASSPHRASE, people=12, seed=11, kdf=FAST_KDF)
    try:
        planted = _plant(workspace)
    finally:
        workspace.close()
    return path, planted


@pytest.fixture
def planted(_plan_template: tuple[Path, Planted]) -> Planted:
    return _plan_template[1]


@pytest.fixture
def demo_path(_plan_template: tuple[Path, Planted], tmp_path: Path) -> Path:
    return Path(shutil.copytree(_plan_template[0], tmp_path / "demo"))


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Workspace]:
    workspace = unlock(demo_path, PASSPHRASE)
    yield workspace
    workspace.close()
