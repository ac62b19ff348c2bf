"""Replication between partner servers survives cuts: a page the sender served
but the receiver never got (stream or backfill) is sent again, and the receiver
ends with exactly what it should hold, nothing lost and nothing twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app.errors import OneRecordError
from app.services.care import care_plan, consent
from sync.server import schema as s
from sync.server.partners.pull import PartnerPull
from tests.sync.helpers import shared_state
from tests.sync.partner_setup import Partnership, Side, make_partnership, register_with_consent

SHAREABLE = ("person", "goal", "care_plan", "consent_to_share")


@pytest.fixture(params=["sqlite", "postgresql"])
def both(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Partnership]:
    yield from make_partnership(request, tmp_path)


class LosingAnswers(httpx.HTTPTransport):
    """Delivers every request, but loses the answer to the requests numbered in `lose`."""

    def __init__(self, lose: set[int]) -> None:
        super().__init__()
        self.lose = lose
        self.calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        response = super().handle_request(request)
        if self.calls in self.lose:
            response.read()
            raise httpx.ReadError("connection lost", request=request)
        return response


def _pull_through_cuts(side: Side, transport: LosingAnswers, page_size: int) -> int:
    """Pull until done, starting again after every cut; how many cuts there were."""
    cuts = 0
    while True:
        try:
            side.pull(page_size=page_size, transport=transport)
            return cuts
        except OneRecordError:
            cuts += 1
            assert cuts < 20


def _expected(sender: Side, people: list[str]) -> set[str]:
    with sender.server.store.engine.connect() as conn:
        return set(
            conn.execute(
                select(s.changes.c.change_id).where(
                    s.changes.c.person_id.in_(people), s.changes.c.entity.in_(SHAREABLE)
                )
            ).scalars()
        )


def _held(receiver: Side, people: list[str]) -> tuple[set[str], int]:
    with receiver.server.store.engine.connect() as conn:
        rows: list[str] = list(
            conn.execute(
                select(s.changes.c.change_id).where(s.changes.c.person_id.in_(people))
            ).scalars()
        )
        received = conn.execute(select(func.count()).select_from(s.partner_received)).scalar_one()
    assert received >= len(rows)
    return set(rows), len(rows)


@pytest.mark.slow
def test_lost_pages_are_sent_again_with_no_loss_and_no_duplicate(both: Partnership) -> None:
    council, trust = both.council, both.trust
    people = [
        register_with_consent(council.laptop, nhs=n, categories=("care_plan",))
        for n in (
            "9990000018",
            "9990000026",
            "9990000034",
            "9990000042",
            "9990000050",
            "9990000069",
        )
    ]
    for n, person_id in enumerate(people):
        for g in range(2):
            care_plan.add_goal(
                council.laptop, person_id=person_id, statement=f"I want goal {n}.{g}"
            )
    council.sync()
    cuts = _pull_through_cuts(trust, LosingAnswers({2, 4, 5}), page_size=7)
    assert cuts == 3
    held, count = _held(trust, people)
    assert held == _expected(council, people) and count == len(held)
    # Consent given after the fact: the backfill's answer is lost once, then resent.
    late = register_with_consent(council.laptop, nhs="9990000077", categories=())
    care_plan.add_goal(council.laptop, person_id=late, statement="I want to go home")
    council.sync()
    trust.pull()
    consent.record_consent(
        council.laptop,
        person_id=late,
        partner_organisation_id=None,
        category="care_plan",
        decision="given",
    )
    council.sync()
    assert _pull_through_cuts(trust, LosingAnswers({1}), page_size=50) == 1
    held, count = _held(trust, [*people, late])
    assert held == _expected(council, [*people, late]) and count == len(held)
    # Pulling again brings nothing new; the laptops converge.
    again: PartnerPull = trust.pull()
    assert again.received == 0
    both.replicate()
    assert shared_state(council.laptop) == shared_state(trust.laptop)
