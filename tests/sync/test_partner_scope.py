"""Issue 15, partner servers: a compromised partner server can change only people
shared between the two organisations, in the categories shared, never creating,
replacing or moving our people, never writing as our staff, devices or another
organisation, never a row outside the record model's rules. Each forged change is
kept aside with a plain reason, and both organisations' laptops still sync and
unlock afterwards. Two real servers on loopback, SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.services.care import care_plan
from app.services.care.joint_assessment import record_part
from app.services.write_rules.write_policy import NO_REMOVAL, NOT_THE_SIGNER, NOT_YOUR_SIGNATURE
from storage.tables import Assessment, Goal, Person
from sync.protocol import Change
from sync.server import directory
from sync.server import schema as s
from sync.server.partners import agreements as partners
from sync.server.partners.pull import ingest
from sync.server.partners.scope import (
    MOVE,
    NOT_SHARED,
    NOT_THEIRS,
    OUR_CONSENT,
    OUR_PERSON,
    OUR_TEAM,
)
from tests.sync.partner_setup import (
    COUNCIL_TEAM,
    TRUST,
    Partnership,
    Side,
    make_partnership,
    register_with_consent,
)
from tests.sync.raw_push import stamp, still_syncs
from tests.sync.rows import complete_row, partner_change


@pytest.fixture(params=["sqlite", "postgresql"])
def both(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Partnership]:
    yield from make_partnership(request, tmp_path)


def _forged(trust: Side, entity: str, op: str, entity_id: str, value: Any, **extra: Any) -> Change:
    """A change as the trust's server would send it: its own laptop, user, organisation;
    a whole row's own provenance left empty is filled with the same, as the trust's
    laptop journal stamps it (the receiving server holds a row to its change's)."""
    own = {
        "recorded_by": trust.laptop.actor.user_id,
        "recorded_org": trust.org_id,
        "recorded_device": trust.laptop.store.device_id,
    }
    if isinstance(value, dict):
        value = value | {k: v for k, v in own.items() if k in value and value[k] is None}
    return partner_change(
        entity,
        op,
        entity_id,
        value,
        **{
            "device_id": trust.laptop.store.device_id,
            "author_id": trust.laptop.actor.user_id,
            "organisation_id": trust.org_id,
        }
        | extra,
    )


def _from_trust(council: Side, changes: list[Change]) -> dict[str, str]:
    """The council's server ingests one page from the trust; change id -> reason kept."""
    store = council.server.store
    with store.engine.connect() as conn:
        peer = partners.partner(conn, TRUST)
    done = ingest(store, peer, changes, peer["pull_cursor"] or "0.0")
    with store.engine.connect() as conn:
        kept = dict(
            conn.execute(
                select(s.partner_refused.c.change_id, s.partner_refused.c.reason).where(
                    s.partner_refused.c.change_id.in_([c.change_id for c in changes])
                )
            ).all()
        )
    assert sorted(done.refused) == sorted(kept)
    return kept


def _stored(council: Side, changes: list[Change]) -> list[str]:
    with council.server.store.engine.connect() as conn:
        return list(
            conn.execute(
                select(s.changes.c.change_id).where(
                    s.changes.c.change_id.in_([c.change_id for c in changes])
                )
            ).scalars()
        )


def _everyone_still_syncs(both: Partnership) -> None:
    for side in (both.council, both.trust):
        side.laptop, _ = still_syncs(side.laptop)
    both.replicate()


def test_a_partner_editing_a_person_never_shared_with_it_is_refused(both: Partnership) -> None:
    council, trust = both.council, both.trust
    shared = register_with_consent(council.laptop)
    private = register_with_consent(council.laptop, nhs="9990000026", categories=())
    goal = care_plan.add_goal(council.laptop, person_id=private, statement="I want quiet")
    shared_goal = care_plan.add_goal(council.laptop, person_id=shared, statement="I want to walk")
    both.replicate()
    note = complete_row(
        "contact_note",
        person_id=private,
        contact_type="home_visit",
        narrative="Seen.",
        author_id=trust.laptop.actor.user_id,
        author_role=trust.laptop.actor.role,
        organisation_id=trust.org_id,
    )
    alert = complete_row("alert", person_id=shared, kind="safeguarding", summary="Concern")
    widen = complete_row(
        "consent_to_share",
        person_id=shared,
        partner_organisation_id=None,  # "every partner": would widen what the council shares
        category="safeguarding",
        decision="given",
    )
    ours = complete_row(
        "consent_to_share",
        person_id=shared,
        partner_organisation_id=council.org_id,  # what the trust shares with the council
        category="health",
        decision="given",
    )
    forged = [
        _forged(trust, "person", "set", private, "Renamed", field="given_name"),
        _forged(trust, "goal", "set", str(goal.entity_id), "I want out", field="statement"),
        _forged(trust, "contact_note", "append", note["id"], note),
        # Shared, but safeguarding is neither agreed nor consented.
        _forged(trust, "alert", "create", alert["id"], alert),
        _forged(trust, "consent_to_share", "create", widen["id"], widen),
    ]
    allowed = [
        _forged(
            trust, "goal", "set", str(shared_goal.entity_id), "I want to run", field="statement"
        ),
        _forged(trust, "consent_to_share", "create", ours["id"], ours),
    ]
    kept = _from_trust(council, forged + allowed)
    assert kept == {
        forged[0].change_id: NOT_SHARED,
        forged[1].change_id: NOT_SHARED,
        forged[2].change_id: NOT_SHARED,
        forged[3].change_id: NOT_SHARED,
        forged[4].change_id: OUR_CONSENT,
    }
    assert sorted(_stored(council, forged + allowed)) == sorted(c.change_id for c in allowed)
    _everyone_still_syncs(both)
    with council.laptop.store.read() as session:
        person = session.get(Person, private)
        assert person is not None and person.given_name == "Zoë"
        mine = session.get(Goal, str(goal.entity_id))
        assert mine is not None and mine.statement == "I want quiet"
        theirs = session.get(Goal, str(shared_goal.entity_id))
        assert theirs is not None and theirs.statement == "I want to run"


def test_a_partner_moving_our_people_between_our_teams_is_refused(both: Partnership) -> None:
    council, trust = both.council, both.trust
    store = council.server.store
    other_team = directory.add_team(store, "Craven Reablement")
    our_team = directory.team_id_by_name(store, COUNCIL_TEAM)
    shared = register_with_consent(council.laptop)
    own = register_with_consent(trust.laptop, nhs="9990000034")  # the trust's own person
    both.replicate()
    replaced = complete_row(
        "person", id=shared, given_name="Other", family_name="Person", team_id=other_team
    )
    placed = complete_row("person", given_name="New", family_name="Person", team_id=our_team)
    forged = [
        _forged(trust, "person", "set", shared, other_team, field="team_id"),
        _forged(trust, "person", "set", shared, str(uuid.uuid4()), field="lead_professional_id"),
        _forged(trust, "person", "create", shared, replaced),
        _forged(trust, "person", "delete", shared, None),
        # The trust's own people cannot be put in one of our teams either.
        _forged(trust, "person", "set", own, other_team, field="team_id"),
        _forged(trust, "person", "create", placed["id"], placed),
    ]
    kept = _from_trust(council, forged)
    assert kept == {
        forged[0].change_id: OUR_TEAM,
        forged[1].change_id: MOVE,
        forged[2].change_id: OUR_TEAM,
        forged[3].change_id: NO_REMOVAL,  # records are removed by no one (write_policy)
        forged[4].change_id: OUR_TEAM,
        forged[5].change_id: OUR_TEAM,
    }
    assert _stored(council, forged) == []
    with store.engine.connect() as conn:
        teams = dict(conn.execute(select(s.person_team.c.person_id, s.person_team.c.team_id)).all())
    assert teams[shared] == our_team and teams[own] == our_team
    # A move to a team that is not ours still cannot move our person.
    elsewhere = _forged(trust, "person", "set", shared, str(uuid.uuid4()), field="team_id")
    bare = complete_row("person", id=shared, given_name="Other", family_name="Person")
    again = _forged(trust, "person", "create", shared, bare)
    assert _from_trust(council, [elsewhere, again]) == {
        elsewhere.change_id: MOVE,
        again.change_id: OUR_PERSON,
    }
    _everyone_still_syncs(both)
    with council.laptop.store.read() as session:
        person = session.get(Person, shared)
        assert person is not None and person.team_id == our_team and person.given_name == "Zoë"


def test_a_partner_sending_as_our_staff_or_another_organisation_is_refused(
    both: Partnership,
) -> None:
    council, trust = both.council, both.trust
    own = register_with_consent(trust.laptop, nhs="9990000034")
    both.replicate()
    staff = council.laptop.actor.user_id
    forged = [
        _forged(trust, "person", "set", own, "Renamed", field="given_name", author_id=staff),
        _forged(
            trust,
            "person",
            "set",
            own,
            "Renamed",
            field="given_name",
            device_id=council.laptop.store.device_id,
        ),
        _forged(
            trust,
            "person",
            "set",
            own,
            "Renamed",
            field="given_name",
            device_id=council.server.store.server_id,
        ),
        _forged(
            trust,
            "person",
            "set",
            own,
            "Renamed",
            field="given_name",
            organisation_id=council.org_id,
        ),
        _forged(
            trust,
            "person",
            "set",
            own,
            "Renamed",
            field="given_name",
            organisation_id=str(uuid.uuid4()),  # a third organisation
        ),
    ]
    kept = _from_trust(council, forged)
    ours = "A partner cannot send changes in this organisation's name."
    assert kept == {
        forged[0].change_id: ours,
        forged[1].change_id: ours,
        forged[2].change_id: ours,
        forged[3].change_id: ours,
        forged[4].change_id: NOT_THEIRS,
    }
    assert _stored(council, forged) == []
    _everyone_still_syncs(both)


def test_a_partner_row_outside_the_record_rules_or_the_clock_is_refused(
    both: Partnership,
) -> None:
    council, trust = both.council, both.trust
    own = register_with_consent(trust.laptop, nhs="9990000034")
    both.replicate()
    goal = complete_row("goal", person_id=own, statement="I want to cook")
    del goal["statement"]
    forged = [
        _forged(trust, "person", "set", own, "Z" * 999_991, field="given_name"),
        _forged(trust, "person", "set", own, "1940-02-30", field="date_of_birth"),
        _forged(trust, "goal", "create", goal["id"], goal),
        _forged(trust, "person", "set", own, "Soon", field="given_name", hlc=stamp(2 * 86_400_000)),
    ]
    kept = _from_trust(council, forged)
    assert kept[forged[0].change_id].endswith("is too long (120 characters at most).")
    assert kept[forged[1].change_id].endswith("is not a real date.")
    assert kept[forged[2].change_id] == "The goal record has no statement, which it must have."
    assert "more than a day ahead" in kept[forged[3].change_id]
    assert _stored(council, forged) == []
    _everyone_still_syncs(both)
    with council.laptop.store.read() as session:
        person = session.get(Person, own)
        assert person is not None and person.given_name == "Zoë"


@pytest.fixture(params=["sqlite", "postgresql"])
def social_care_too(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Partnership]:
    """Agreed to share social care as well: the council's assessments go to the trust."""
    yield from make_partnership(request, tmp_path, categories="care_plan,health,social_care")


def test_a_partner_cannot_sign_as_our_staff_nor_reword_our_assessment(
    social_care_too: Partnership,
) -> None:
    both = social_care_too
    council, trust = both.council, both.trust
    shared = register_with_consent(
        council.laptop, categories=("care_plan", "health", "social_care")
    )
    part = record_part(council.laptop, person_id=shared, part="carers", findings="Daughter copes.")
    both.replicate()
    as_ours = complete_row(
        "assessment",
        person_id=shared,
        assessment_type="Initial assessment",
        part="health",
        assessed_on="2026-11-20",
        summary="Signed as the council's social worker",
        performed_by_id=council.laptop.actor.user_id,
    )
    forged = [
        _forged(trust, "assessment", "create", as_ours["id"], as_ours),
        _forged(trust, "assessment", "set", str(part.entity_id), "Not coping", field="summary"),
    ]
    allowed = [
        _forged(trust, "assessment", "set", str(part.entity_id), True, field="shown_in_plan"),
    ]
    kept = _from_trust(council, forged + allowed)
    assert kept == {
        forged[0].change_id: NOT_YOUR_SIGNATURE,
        forged[1].change_id: NOT_THE_SIGNER,
    }
    assert _stored(council, forged + allowed) == [allowed[0].change_id]
    _everyone_still_syncs(both)
    with council.laptop.store.read() as session:
        held = session.get(Assessment, str(part.entity_id))
        assert held is not None and held.summary == "Daughter copes." and held.shown_in_plan
