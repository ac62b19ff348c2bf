"""Consent-driven sharing between two partner servers, each with a laptop: what
the agreement and the person's consent allow converges on both laptops, and
nothing else reaches the partner's server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services import clock
from app.services.care import care_plan, consent, risks
from app.services.care.notes import add_note
from storage.tables import ContactNote, Goal, Person
from sync.server import schema as s
from tests.sync.bad_rows import by_hand, server_row, spoil
from tests.sync.helpers import shared_state
from tests.sync.partner_setup import (
    NHS,
    Partnership,
    held_entities,
    make_partnership,
    register_with_consent,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def both(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Partnership]:
    yield from make_partnership(request, tmp_path)


def test_plan_edit_and_nurse_note_converge_on_both_laptops(both: Partnership) -> None:
    council, trust = both.council, both.trust
    person_id = register_with_consent(council.laptop)
    goal = care_plan.add_goal(
        council.laptop, person_id=person_id, statement="I want to walk to the shop"
    )
    both.replicate()
    # The trust's nurse sees the person and the plan, and writes a note.
    with trust.laptop.store.read() as session:
        assert session.get(Person, person_id) is not None
        assert session.get(Goal, goal.entity_id) is not None
    add_note(trust.laptop, NHS, "Dressing changed; healing well.")
    care_plan.update_goal(
        trust.laptop,
        goal_id=str(goal.entity_id),
        statement="I want to walk to the shop and back",
        importance=8,
        status="in_progress",
    )
    both.replicate()
    assert shared_state(council.laptop) == shared_state(trust.laptop)
    with council.laptop.store.read() as session:
        notes = session.execute(select(ContactNote)).scalars().all()
        assert [n.narrative for n in notes] == ["Dressing changed; healing well."]
        assert notes[0].organisation_id == trust.org_id  # provenance kept
        assert session.get(Goal, goal.entity_id).importance == 8  # type: ignore[union-attr]


def test_category_outside_the_agreement_never_reaches_the_partner(both: Partnership) -> None:
    council, trust = both.council, both.trust
    # Consent covers safeguarding too, but the agreement does not.
    person_id = register_with_consent(
        council.laptop, categories=("care_plan", "health", "safeguarding", "social_care")
    )
    alert = risks.add_alert(
        council.laptop,
        person_id=person_id,
        kind="safeguarding",
        summary="Concern raised by a neighbour",
    )
    add_note(council.laptop, NHS, "Social work visit: discussed a care package.")
    care_plan.add_goal(council.laptop, person_id=person_id, statement="I want to stay at home")
    # The plan record (one per person) is made by setting its review date.
    care_plan.set_review_date(
        council.laptop, person_id=person_id, review_due=clock.today() + timedelta(days=30)
    )
    both.replicate()
    on_trust = held_entities(trust.server.store, person_id)
    assert {"person", "goal", "care_plan", "consent_to_share"} <= on_trust
    assert "alert" not in on_trust  # safeguarding: not in the agreement
    assert "contact_note" not in on_trust  # a council note is social care: not in the agreement
    assert "audit_event" not in on_trust  # audit stays with the organisation that wrote it
    with trust.server.store.engine.connect() as conn:
        assert not conn.execute(
            select(s.changes.c.seq).where(s.changes.c.entity_id == alert.entity_id)
        ).first()


def test_a_person_without_consent_never_leaves_the_organisation(both: Partnership) -> None:
    council, trust = both.council, both.trust
    shared = register_with_consent(council.laptop)
    private = register_with_consent(council.laptop, nhs="9990000026", categories=())
    care_plan.add_goal(council.laptop, person_id=private, statement="I want to garden again")
    refused = consent.record_consent(
        council.laptop,
        person_id=private,
        partner_organisation_id=None,
        category="health",
        decision="refused",
        reason_refused="Does not want the trust told",
    )
    both.replicate()
    assert held_entities(trust.server.store, shared)
    # Nothing at all, not even the name: the minimum necessary is nothing.
    assert held_entities(trust.server.store, private) == set()
    with trust.laptop.store.read() as session:
        assert session.get(Person, private) is None
    assert refused.entity_id


def test_the_same_nhs_number_registered_by_both_is_held_back_not_duplicated(
    both: Partnership,
) -> None:
    council, trust = both.council, both.trust
    ours = register_with_consent(trust.laptop)  # the trust registered the person first
    theirs = register_with_consent(council.laptop)  # and the council did too, separately
    care_plan.add_goal(council.laptop, person_id=theirs, statement="I want to sleep well")
    both.replicate()  # every laptop still syncs without a refusal
    assert held_entities(trust.server.store, theirs) == set()
    with trust.server.store.engine.connect() as conn:
        reasons: dict[str, str] = dict(
            conn.execute(select(s.partner_refused.c.change_id, s.partner_refused.c.reason)).all()
        )
    assert any("already holds another record with this NHS number" in r for r in reasons.values())
    with trust.laptop.store.read() as session:
        assert [p.id for p in session.execute(select(Person)).scalars()] == [ours]


def test_a_record_the_server_cannot_read_is_not_shared_and_stops_no_sharing(
    both: Partnership,
) -> None:
    """A create spoilt on the council's server (by hand, or a bug) cannot be given a
    category, so it is never shared; the records after it still are (it once stopped
    the council's categorising, so every partner pull, for good)."""
    council, trust = both.council, both.trust
    person_id = register_with_consent(council.laptop)
    spoilt = care_plan.add_goal(council.laptop, person_id=person_id, statement="I want to garden")
    council.sync()
    spoil(council.server.store, spoilt.entity_id, value='{"id": "half a row')
    good = care_plan.add_goal(
        council.laptop, person_id=person_id, statement="I want to walk to the shop"
    )
    both.replicate()
    with trust.server.store.engine.connect() as conn:
        assert not conn.execute(
            select(s.changes.c.seq).where(s.changes.c.entity_id == spoilt.entity_id)
        ).first()
    with trust.laptop.store.read() as session:
        assert session.get(Person, person_id) is not None
        assert session.get(Goal, good.entity_id) is not None
        assert session.get(Goal, spoilt.entity_id) is None


def test_a_spoilt_person_on_our_server_does_not_stop_a_partners_page(both: Partnership) -> None:
    """Looking for our own people with an incoming person's NHS number reads our stored
    rows: one spoilt by hand or by a bug is passed over (it failed the partner's whole
    page, so all sharing from that partner, for good)."""
    council, trust = both.council, both.trust
    any_row = server_row(trust.server, "staff_member")
    spoilt = str(uuid.uuid4())
    by_hand(
        trust.server,
        [
            any_row
            | {
                "change_id": str(uuid.uuid4()),
                "entity": "person",
                "entity_id": spoilt,
                "person_id": spoilt,
                "op": "create",
                "value": f'{{"nhs_number": "{NHS}", "given_name": "half a row',
            }
        ],
    )
    person_id = register_with_consent(council.laptop)
    both.replicate()
    with trust.laptop.store.read() as session:
        assert session.get(Person, person_id) is not None


def test_a_consent_the_server_cannot_read_shares_nothing_and_stops_nothing(
    both: Partnership,
) -> None:
    """A consent decision spoilt on the council's server cannot be read; it may be the
    refusal that outranks the rest (this partner, health: refused), so none of the
    person's decisions count and nothing of theirs is shared. It once failed every
    partner pull instead."""
    council, trust = both.council, both.trust
    person_id = register_with_consent(council.laptop)  # care plan and health: given
    refusal = consent.record_consent(
        council.laptop,
        person_id=person_id,
        partner_organisation_id=trust.org_id,
        category="health",
        decision="refused",
        reason_refused="Wants her GP to hear it from her",
    )
    council.sync()
    spoil(council.server.store, refusal.entity_id, value="[]")
    both.replicate()
    assert held_entities(trust.server.store, person_id) == set()


@pytest.mark.parametrize("spoilt", ['{"kind": "coun', '{"kind": ["council"]}'])
def test_notes_by_an_organisation_the_server_cannot_read_are_never_shared(
    both: Partnership, spoilt: str
) -> None:
    """The council's own organisation record spoilt on its server: its kind decides its
    staff's notes' category, so, unread, they are never shared (guessed, a council's
    note went out to the trust as health, for good)."""
    council, trust = both.council, both.trust
    person_id = register_with_consent(council.laptop)  # care plan and health: given
    add_note(council.laptop, NHS, "Social work visit: discussed a care package.")
    council.sync()
    spoil(council.server.store, council.org_id, op="create", value=spoilt)
    both.replicate()
    on_trust = held_entities(trust.server.store, person_id)
    assert "person" in on_trust
    assert "contact_note" not in on_trust


def test_a_change_the_server_cannot_read_is_left_out_of_a_partners_page(
    both: Partnership,
) -> None:
    """A shared record's change whose stored bases were spoilt on the council's server
    cannot be put in the wire's form: it is left out of the page, and the rest goes
    (the page once failed at every pull, for good)."""
    council, trust = both.council, both.trust
    person_id = register_with_consent(council.laptop)
    spoilt = care_plan.add_goal(council.laptop, person_id=person_id, statement="I want to garden")
    good = care_plan.add_goal(
        council.laptop, person_id=person_id, statement="I want to walk to the shop"
    )
    council.sync()
    spoil(council.server.store, spoilt.entity_id, bases="[not JSON")
    both.replicate()
    with trust.laptop.store.read() as session:
        assert session.get(Goal, good.entity_id) is not None
        assert session.get(Goal, spoilt.entity_id) is None
