"""Consent decides what flows between partner servers: withdrawal stops it at
once and is itself shared, consent given later backfills what went before, a
widened agreement backfills too, and a duty to share lets safeguarding through."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.care import care_plan, consent, risks
from app.services.care.notes import add_note
from storage.audit_log import event_hash
from storage.tables import Alert, ConsentToShare, ContactNote, Goal
from sync.server import directory
from sync.server import schema as s
from sync.server.audit_verify import verify_server
from sync.server.partners import agreements as partners
from sync.server.partners import duty as partner_duty
from tests.sync.helpers import shared_state
from tests.sync.partner_setup import (
    COUNCIL_TEAM,
    NHS,
    TRUST,
    Partnership,
    held_entities,
    make_partnership,
    register_with_consent,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def both(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Partnership]:
    yield from make_partnership(request, tmp_path)


def _consent_id(ws: object, person_id: str, category: str) -> str:
    with ws.store.read() as session:  # type: ignore[attr-defined]
        return str(
            session.execute(
                select(ConsentToShare.id).where(
                    ConsentToShare.person_id == person_id, ConsentToShare.category == category
                )
            ).scalar_one()
        )


def _goals(ws: object) -> set[str]:
    with ws.store.read() as session:  # type: ignore[attr-defined]
        return set(session.execute(select(Goal.statement)).scalars())


def test_withdrawal_stops_the_flow_at_once_and_is_shared(both: Partnership) -> None:
    council, trust = both.council, both.trust
    person_id = register_with_consent(council.laptop)
    care_plan.add_goal(council.laptop, person_id=person_id, statement="I want to see my sister")
    both.replicate()
    assert _goals(trust.laptop) == {"I want to see my sister"}
    # Written before the withdrawal and not yet sent: it must not go either.
    care_plan.add_goal(council.laptop, person_id=person_id, statement="I want a new kettle")
    consent.review_consent(
        council.laptop,
        consent_id=_consent_id(council.laptop, person_id, "care_plan"),
        decision="withdrawn",
        given_by="the person",
        method="verbal",
    )
    council.sync()
    trust.pull()
    trust.sync()
    assert _goals(trust.laptop) == {"I want to see my sister"}
    with trust.laptop.store.read() as session:  # the partner sees consent withdrawn
        row = session.get(ConsentToShare, _consent_id(council.laptop, person_id, "care_plan"))
        assert row is not None and row.decision == "withdrawn" and row.withdrawn_on
    # The trust holds the withdrawal too, so it stops sending the plan back...
    goal_id = next(iter(_goal_ids(trust.laptop)))
    care_plan.update_goal(
        trust.laptop,
        goal_id=goal_id,
        statement="I want to see my sister",
        importance=9,
        status="in_progress",
    )
    # ...while health, still consented, flows as before.
    add_note(trust.laptop, NHS, "Blood pressure checked.")
    both.replicate()
    with council.laptop.store.read() as session:
        assert session.get(Goal, goal_id).importance == 5  # type: ignore[union-attr]
        assert session.execute(select(ContactNote.narrative)).scalars().all() == [
            "Blood pressure checked."
        ]


def _goal_ids(ws: object) -> set[str]:
    with ws.store.read() as session:  # type: ignore[attr-defined]
        return set(session.execute(select(Goal.id)).scalars())


def test_consent_given_later_backfills_what_went_before(both: Partnership) -> None:
    council, trust = both.council, both.trust
    person_id = register_with_consent(council.laptop, categories=())
    care_plan.add_goal(council.laptop, person_id=person_id, statement="I want to cook again")
    both.replicate()  # the trust's cursor passes the person's earlier changes
    care_plan.add_goal(council.laptop, person_id=person_id, statement="I want to go to church")
    both.replicate()
    assert held_entities(trust.server.store, person_id) == set()
    consent.record_consent(
        council.laptop,
        person_id=person_id,
        partner_organisation_id=trust.org_id,
        category="care_plan",
        decision="given",
    )
    both.replicate()
    assert _goals(trust.laptop) == {"I want to cook again", "I want to go to church"}
    assert shared_state(council.laptop)["goal"] == shared_state(trust.laptop)["goal"]


def test_a_widened_agreement_backfills_the_new_category(both: Partnership) -> None:
    council, trust = both.council, both.trust
    person_id = register_with_consent(council.laptop, categories=("care_plan", "safeguarding"))
    risks.add_alert(
        council.laptop, person_id=person_id, kind="safeguarding", summary="Financial abuse concern"
    )
    both.replicate()
    assert "alert" not in held_entities(trust.server.store, person_id)
    partners.add_agreement(
        council.server.store, TRUST, "care_plan,health,safeguarding", COUNCIL_TEAM
    )
    both.replicate()
    assert "alert" in held_entities(trust.server.store, person_id)
    with trust.laptop.store.read() as session:
        assert session.execute(select(Alert.summary)).scalars().all() == ["Financial abuse concern"]


def test_duty_to_share_lets_safeguarding_through_and_is_audited(both: Partnership) -> None:
    council, trust = both.council, both.trust
    person_id = register_with_consent(council.laptop, categories=())
    care_plan.add_goal(council.laptop, person_id=person_id, statement="I want to feel safe")
    risks.add_alert(
        council.laptop, person_id=person_id, kind="safeguarding", summary="Neglect concern"
    )
    both.replicate()
    assert held_entities(trust.server.store, person_id) == set()
    store = council.server.store
    with pytest.raises(directory.AdminError, match="coordinator or the information governance"):
        partner_duty.record(store, NHS, TRUST, "Risk of serious harm at home", "Ceri Jones")
    with pytest.raises(directory.AdminError, match="reason"):
        partner_duty.record(store, NHS, TRUST, "because", "Ivy Lead")
    partner_duty.record(store, NHS, TRUST, "Risk of serious harm: section 42 enquiry", "Ivy Lead")
    both.replicate()
    # The alert and the minimum needed to hold it; the plan stays without consent.
    assert held_entities(trust.server.store, person_id) == {"person", "alert"}
    with trust.laptop.store.read() as session:
        assert session.execute(select(Alert.summary)).scalars().all() == ["Neglect concern"]
    with store.engine.connect() as conn:
        value: str = conn.execute(
            select(s.changes.c.value).where(
                s.changes.c.entity == "audit_event", s.changes.c.device_id == store.server_id
            )
        ).scalar_one()
    event = json.loads(value)
    assert event["action"] == "duty_to_share" and event["actor_role"] == "ig_lead"
    assert event["reason"] == "Risk of serious harm: section 42 enquiry"
    assert event["person_id"] == person_id and event["prev_hash"] == "0" * 64
    from datetime import datetime

    from storage.tables import AuditEvent

    replay = AuditEvent(**{**event, "at": datetime.fromisoformat(event["at"])})
    assert event_hash(replay) == event["hash"]
    assert verify_server(store).ok  # the server's own audit chain holds
    # Ended: the next safeguarding alert stays at the council.
    partner_duty.end(store, NHS, TRUST, "Ivy Lead")
    risks.add_alert(
        council.laptop, person_id=person_id, kind="safeguarding", summary="Second concern"
    )
    both.replicate()
    with trust.laptop.store.read() as session:
        assert session.execute(select(Alert.summary)).scalars().all() == ["Neglect concern"]
