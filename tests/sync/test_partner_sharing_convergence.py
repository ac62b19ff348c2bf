"""Both organisations edit the same shared people, their laptops and servers sync
and replicate in random orders, and once everyone has synced both laptops hold
the same records, with the same open conflicts, no note lost or repeated."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.care import care_plan
from app.services.care.notes import add_note
from storage.tables import ContactNote, Goal
from tests.sync.helpers import shared_state
from tests.sync.partner_setup import (
    Partnership,
    Side,
    make_partnership,
    register_with_consent,
)

CATEGORIES = ("care_plan", "health", "social_care")
NHS = ["9990000018", "9990000026"]


@pytest.fixture(params=["sqlite", "postgresql"])
def both(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Partnership]:
    yield from make_partnership(request, tmp_path, categories=",".join(CATEGORIES))


def _goal_ids(side: Side) -> list[str]:
    with side.laptop.store.read() as session:
        return sorted(session.execute(select(Goal.id)).scalars())


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_two_organisations_converge(both: Partnership, seed: int) -> None:
    rng = random.Random(seed)
    sides = [both.council, both.trust]
    ids = [register_with_consent(both.council.laptop, nhs=n, categories=CATEGORIES) for n in NHS]
    for person_id in ids:
        care_plan.add_goal(both.council.laptop, person_id=person_id, statement="I want to go out")
    both.replicate()
    notes: list[str] = []
    for step in range(30):
        side = rng.choice(sides)
        roll = rng.random()
        if roll < 0.3:
            text = f"note {step} by {side.name}"
            add_note(side.laptop, rng.choice(NHS), text)
            notes.append(text)
        elif roll < 0.55:
            goals = _goal_ids(side)
            if goals:
                care_plan.update_goal(
                    side.laptop,
                    goal_id=rng.choice(goals),
                    statement=f"I want step {step}",
                    importance=rng.randint(1, 10),
                    status="in_progress",
                )
        elif roll < 0.65:
            care_plan.add_goal(
                side.laptop, person_id=rng.choice(ids), statement=f"I want new goal {step}"
            )
        elif roll < 0.85:
            side.sync()
        else:
            side.pull()
    both.replicate()
    council, trust = shared_state(both.council.laptop), shared_state(both.trust.laptop)
    assert council == trust
    with both.trust.laptop.store.read() as session:
        held = sorted(session.execute(select(ContactNote.narrative)).scalars())
    assert held == sorted(notes)
