"""A partner server that is not honest, page by page, against our store (SQLite and
PostgreSQL, no HTTP but the pull's own where it matters): each attack an attacker's
review found is refused, and what the partner may send still goes through.

We are a community trust with a nurse on one team; the partner is a council whose
agreement covers care plan and health; our person consented to share both."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.services.write_rules.write_policy import (
    NO_REMOVAL,
    NOT_YOUR_SIGNATURE,
    NOT_YOURS,
    PROVENANCE_FIXED,
)
from sync.protocol import Change, PullResponse
from sync.server import directory
from sync.server import schema as s
from sync.server.partners import agreements as partners
from sync.server.partners import feed
from sync.server.partners.checks import DUPLICATE
from sync.server.partners.pull import ingest, pull_from
from sync.server.partners.scope import OUR_RESTRICTED
from sync.server.store import RIDES_ON_REFUSED, ServerStore, _transaction
from tests.databases import require_postgres_url
from tests.pg_schemas import fresh_schema_url
from tests.sync.rows import complete_row
from tests.sync.rows import partner_change as _change

OURS, THEIRS = "Dales Community Health", "Craven Council"
TEAM = "District Nursing"
OUR_NHS, THEIR_NHS = "9990000018", "9990000026"


class World:
    def __init__(self, url: str, tmp: Path) -> None:
        self.store = ServerStore(url)
        self.other = ServerStore(f"sqlite:///{tmp / 'theirs.db'}")
        self.org = directory.organisation(self.store, OURS, "community_trust")
        self.team = directory.add_team(self.store, TEAM)
        self.nurse = directory.add_user(self.store, "Sam Taylor", "community_nurse", TEAM)
        self.their_org = directory.organisation(self.other, THEIRS, "council")
        # The partner's own staff member, device and laptop, as its pages name them.
        self.their_nurse, self.their_laptop = str(uuid.uuid4()), str(uuid.uuid4())
        partners.add_partner(
            self.store, THEIRS, "http://127.0.0.1:9", partners.identity_card(self.other)
        )
        partners.add_agreement(self.store, THEIRS, "care_plan,health", TEAM)
        self.laptop = str(uuid.uuid4())
        org_row = complete_row("organisation", id=self.their_org, name=THEIRS, kind="council")
        assert not self.page(
            [_change("organisation", "create", self.their_org, org_row, **self.theirs())]
        )

    def theirs(self) -> dict[str, Any]:
        """A change's own provenance as the partner's laptops write it."""
        return {
            "device_id": self.their_laptop,
            "author_id": self.their_nurse,
            "organisation_id": self.their_org,
        }

    def their_row(self, entity: str, **values: Any) -> dict[str, Any]:
        """A whole row as the partner's laptop writes it (its own recorded provenance)."""
        recorded = {
            "recorded_by": self.their_nurse,
            "recorded_org": self.their_org,
            "recorded_device": self.their_laptop,
        }
        return complete_row(entity, **(recorded | values))

    @property
    def peer(self) -> dict[str, Any]:
        with self.store.engine.connect() as conn:
            return partners.partner(conn, THEIRS)

    def ours(self, changes: list[Change]) -> None:
        """Our own laptop's writes, stored as after its push."""
        with _transaction(self.store.engine) as conn:
            _, _, refused = self.store._insert(
                conn, {"device_id": self.laptop, "team_id": self.team}, changes
            )
        assert not refused, refused

    def our_change(self, entity: str, op: str, entity_id: str, value: Any, **extra: Any) -> Change:
        mine = {"device_id": self.laptop, "author_id": self.nurse, "organisation_id": self.org}
        return _change(entity, op, entity_id, value, **(mine | extra))

    def page(self, changes: list[Change]) -> dict[str, str]:
        """The page ingested as a pull of it would; what this page had refused, by id."""
        peer = self.peer
        ingest(self.store, peer, changes, peer["pull_cursor"] or "0.0")
        ids = [c.change_id for c in changes]
        with self.store.engine.connect() as conn:
            r = s.partner_refused.c
            return dict(
                conn.execute(select(r.change_id, r.reason).where(r.change_id.in_(ids))).all()
            )

    def stored(self, change: Change) -> bool:
        with self.store.engine.connect() as conn:
            c = s.changes.c
            return (
                conn.execute(select(c.seq).where(c.change_id == change.change_id)).first()
                is not None
            )

    def our_person(self, categories: tuple[str, ...] = ("care_plan", "health")) -> str:
        pid = str(uuid.uuid4())
        row = complete_row(
            "person", id=pid, nhs_number=OUR_NHS, given_name="Zoe", team_id=self.team
        )
        changes = [self.our_change("person", "create", pid, row)]
        for category in categories:
            consent = complete_row(
                "consent_to_share",
                person_id=pid,
                partner_organisation_id=None,
                category=category,
                decision="given",
                decided_on="2026-01-01",
            )
            changes.append(self.our_change("consent_to_share", "create", consent["id"], consent))
        self.ours(changes)
        return pid

    def their_person(self) -> str:
        pid = str(uuid.uuid4())
        row = self.their_row("person", id=pid, nhs_number=THEIR_NHS, given_name="Ann", team_id=None)
        consent = self.their_row(
            "consent_to_share",
            person_id=pid,
            partner_organisation_id=None,
            category="all",
            decision="given",
            decided_on="2026-01-01",
        )
        made = [
            _change("person", "create", pid, row, **self.theirs()),
            _change("consent_to_share", "create", consent["id"], consent, **self.theirs()),
        ]
        assert self.page(made) == {}
        return pid

    def grants(self, person: str) -> set[str]:
        feed.page(self.store, self.peer, "", 5000)  # categorises and refreshes, as a pull
        with self.store.engine.connect() as conn:
            g = s.partner_grants.c
            return set(conn.execute(select(g.category).where(g.person_id == person)).scalars())


@pytest.fixture(params=["sqlite", "postgresql"])
def w(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    url = (
        f"sqlite:///{tmp_path / 'ours.db'}"
        if request.param == "sqlite"
        else fresh_schema_url(require_postgres_url())
    )
    world = World(url, tmp_path)
    yield world
    world.store.close()
    world.other.close()


def test_a_partner_cannot_write_in_our_staffs_name_inside_the_row(w: World) -> None:
    """The change's own provenance was checked, the row's was not: a note in our
    nurse's name, from our laptop, under our organisation, could never be removed."""
    p = w.our_person()
    forged_note = w.their_row(
        "contact_note",
        person_id=p,
        contact_type="home_visit",
        narrative="Declined her medicines; nothing to worry about.",
        author_id=w.nurse,
        author_role="community_nurse",
        organisation_id=w.org,
        recorded_by=w.nurse,
        recorded_org=w.org,
        recorded_device=w.laptop,
    )
    goal = complete_row("goal", person_id=p, statement="I want to walk to the shop")
    w.ours([w.our_change("goal", "create", goal["id"], goal)])
    x = w.their_person()
    signed_as_ours = w.their_row(
        "assessment",
        person_id=x,
        assessment_type="Initial assessment",
        part="health",
        assessed_on="2026-11-20",
        summary="Signed in our nurse's name",
        performed_by_id=w.nurse,
    )
    attacks = [
        (
            _change("contact_note", "append", forged_note["id"], forged_note, **w.theirs()),
            NOT_YOURS,
        ),
        (
            _change("goal", "set", goal["id"], w.their_nurse, field="recorded_by", **w.theirs()),
            PROVENANCE_FIXED,
        ),
        (
            _change("assessment", "create", signed_as_ours["id"], signed_as_ours, **w.theirs()),
            NOT_YOUR_SIGNATURE,
        ),
    ]
    honest_note = w.their_row(
        "contact_note",
        person_id=x,
        contact_type="home_visit",
        narrative="Council visit: handrail fitted.",
        author_id=w.their_nurse,
        author_role="social_worker",
        organisation_id=w.their_org,
    )
    honest = _change("contact_note", "append", honest_note["id"], honest_note, **w.theirs())
    refused = w.page([*(c for c, _ in attacks), honest])
    assert [refused.get(c.change_id) for c, _ in attacks] == [why for _, why in attacks]
    assert not any(w.stored(c) for c, _ in attacks)
    assert refused.get(honest.change_id) is None and w.stored(honest)


def test_a_partner_cannot_remove_records_nor_wipe_or_move_our_alerts_detail(w: World) -> None:
    p = w.our_person()
    dnacpr = complete_row("alert", person_id=p, kind="dnacpr", summary="DNACPR in place")
    key_safe = complete_row(
        "alert", person_id=p, kind="access_to_home", summary="Key safe", restricted_detail="2468"
    )
    goal = complete_row("goal", person_id=p, statement="I want to walk")
    w.ours(
        [
            w.our_change(e, "create", r["id"], r)
            for e, r in (("alert", dnacpr), ("alert", key_safe), ("goal", goal))
        ]
    )
    x = w.their_person()
    attacks = [
        (_change("alert", "delete", dnacpr["id"], None, **w.theirs()), NO_REMOVAL),
        (_change("goal", "delete", goal["id"], None, **w.theirs()), NO_REMOVAL),
        (_change("person", "delete", x, None, **w.theirs()), NO_REMOVAL),
        (
            _change("alert", "set", key_safe["id"], None, field="restricted_detail", **w.theirs()),
            OUR_RESTRICTED,
        ),
        (
            _change("alert", "set", key_safe["id"], "safeguarding", field="kind", **w.theirs()),
            OUR_RESTRICTED,
        ),
    ]
    reworded = _change(
        "alert", "set", key_safe["id"], "Key safe, side door", field="summary", **w.theirs()
    )
    refused = w.page([*(c for c, _ in attacks), reworded])
    assert [refused.get(c.change_id) for c, _ in attacks] == [why for _, why in attacks]
    assert not any(w.stored(c) for c, _ in attacks)
    assert w.stored(reworded)


def test_an_unreadable_delete_fails_no_page(w: World) -> None:
    """A person delete whose value was not JSON raised from the NHS number check: the
    page rolled back, every round, and replication from that partner stopped."""
    x = w.their_person()
    bad = _change("person", "delete", x, None, **w.theirs()).model_copy(
        update={"value": "not json"}
    )
    fine = _change("person", "set", x, "Annie", field="given_name", **w.theirs())
    refused = w.page([bad, fine])
    assert refused == {bad.change_id: NO_REMOVAL}
    assert w.stored(fine)


def _decoy_page(
    w: World, target: str, target_id: str, decoy: dict[str, Any], edits: list[Change]
) -> dict[str, str]:
    """A create reusing the id of one of our records, for a "new" person Z of the
    partner's whose create is held back (it carries our person's NHS number), and edits
    of that record: the decoy is refused before the store's insert."""
    z = str(uuid.uuid4())
    z_row = w.their_row("person", id=z, nhs_number=OUR_NHS, given_name="Zed", team_id=None)
    page = [
        _change("person", "create", z, z_row, **w.theirs()),
        _change(
            target,
            "create",
            target_id,
            w.their_row(target, **(decoy | {"id": target_id, "person_id": z})),
            **w.theirs(),
        ),
        *edits,
    ]
    return w.page(page)


def test_edits_riding_on_a_decoy_refused_before_the_insert_are_refused(w: World) -> None:
    """The edits took the decoy's person (the partner's own) and its category, so they
    passed; stored under our person, they could widen her consent to the partner or
    turn a safeguarding alert into another kind."""
    p = w.our_person(categories=("care_plan",))
    assert "health" not in w.grants(p)
    alert = complete_row("alert", person_id=p, kind="safeguarding", summary="Concern")
    w.ours([w.our_change("alert", "create", alert["id"], alert)])
    with w.store.engine.connect() as conn:
        c = s.changes.c
        consent = conn.execute(
            select(c.entity_id).where(c.entity == "consent_to_share", c.person_id == p)
        ).scalar_one()
    widen = _change("consent_to_share", "set", consent, "all", field="category", **w.theirs())
    refused = _decoy_page(
        w,
        "consent_to_share",
        consent,
        {
            "partner_organisation_id": w.org,
            "category": "health",
            "decision": "given",
            "decided_on": "2026-01-01",
        },
        [widen],
    )
    assert refused[widen.change_id] == RIDES_ON_REFUSED and not w.stored(widen)
    assert "health" not in w.grants(p)
    moved = _change("alert", "set", alert["id"], "animal", field="kind", **w.theirs())
    refused = _decoy_page(w, "alert", alert["id"], {"kind": "animal", "summary": "x"}, [moved])
    assert refused[moved.change_id] == RIDES_ON_REFUSED and not w.stored(moved)


def test_two_of_the_partners_people_with_one_nhs_number_on_one_page(w: World) -> None:
    rows = [
        w.their_row("person", nhs_number="9990000034", given_name=name, team_id=str(uuid.uuid4()))
        for name in ("A", "B")
    ]
    first, second = (_change("person", "create", r["id"], r, **w.theirs()) for r in rows)
    assert w.page([first, second]) == {second.change_id: DUPLICATE}
    assert w.stored(first)


def test_a_partner_record_reusing_our_teams_id_sends_it_nothing_never_shared(w: World) -> None:
    x = w.their_person()
    need = w.their_row("need", id=w.team, person_id=x, description="Help at home")
    assert w.page([_change("need", "create", w.team, need, **w.theirs())]) == {}
    w.grants(x)
    sent = feed.page(w.store, w.peer, "0.0", 5000)
    assert [c.entity for c in sent.changes if c.entity in ("team", "locality", "mdt_meeting")] == []


def test_a_page_larger_than_asked_is_refused_and_a_partner_sync_ends(w: World) -> None:
    """A page is checked and stored in one transaction (on SQLite, the writer every
    laptop's sync waits for): a partner that ignores the size asked for is refused; and
    one whose cursor moves for ever, always with more, held `partner sync` for ever."""
    x = w.their_person()
    sent = {"pages": 0, "size": 50}

    def answer(request: httpx.Request) -> httpx.Response:
        sent["pages"] += 1
        n = sent["pages"]
        changes = [
            _change("person", "set", x, f"Ann {n}.{k}", field="given_name", **w.theirs())
            for k in range(sent["size"])
        ]
        body = PullResponse(changes=changes, cursor=f"{n}.0", more=True)
        return httpx.Response(200, content=body.model_dump_json())

    mock = httpx.MockTransport(answer)
    with pytest.raises(ValueError, match="more changes than were asked for"):
        pull_from(w.store, THEIRS, page_size=10, max_pages=3, transport=mock)
    assert w.peer["pull_cursor"] == "0.0"  # nothing of that page was kept
    sent["size"] = 1  # now a feed that never ends
    done = pull_from(w.store, THEIRS, page_size=10, max_pages=5, transport=mock)
    assert (done.pages, done.received, done.more) == (5, 5, True)


def test_a_record_created_twice_on_a_page_is_judged_as_the_person_it_is_stored_under(
    w: World,
) -> None:
    """The first of two creates of one consent named our person, the second the
    partner's own: judged by the second, stored by the first, the partner had recorded
    consent that decides what we share (an independent review of these fixes)."""
    p = w.our_person(categories=("care_plan",))
    t = w.their_person()
    first = w.their_row(
        "consent_to_share",
        person_id=p,
        partner_organisation_id=w.their_org,
        category="health",
        decision="given",
        decided_on="2026-01-01",
    )
    ours = _change("consent_to_share", "create", first["id"], first, **w.theirs())
    theirs = _change(
        "consent_to_share", "create", first["id"], first | {"person_id": t}, **w.theirs()
    )
    refused = w.page([ours, theirs])
    assert ours.change_id in refused and theirs.change_id in refused
    assert not w.stored(ours) and not w.stored(theirs)


def test_a_record_of_another_kind_reusing_an_id_lends_no_category(w: World) -> None:
    """A goal of its own person given the id of our person's alert made an edit of that
    alert look like care plan, which is shared, so it was stored."""
    p = w.our_person(categories=("care_plan",))
    t = w.their_person()
    dnacpr = complete_row("alert", person_id=p, kind="dnacpr", summary="DNACPR in place")
    w.ours([w.our_change("alert", "create", dnacpr["id"], dnacpr)])
    decoy = w.their_row("goal", id=dnacpr["id"], person_id=t, statement="I want a decoy")
    edit = _change("alert", "set", dnacpr["id"], "No DNACPR", field="summary", **w.theirs())
    refused = w.page([_change("goal", "create", dnacpr["id"], decoy, **w.theirs()), edit])
    assert refused.get(edit.change_id) is not None and not w.stored(edit)


def test_the_partner_may_rekind_an_alert_it_made_on_our_shared_person(w: World) -> None:
    """Its own alert's kind and detail are its staff's (judged by its own server), not
    ours: refused, our copy silently went its own way."""
    p = w.our_person()
    alert = w.their_row("alert", person_id=p, kind="animal", summary="Dog in the yard")
    assert w.page([_change("alert", "create", alert["id"], alert, **w.theirs())]) == {}
    rekind = _change("alert", "set", alert["id"], "other", field="kind", **w.theirs())
    assert w.page([rekind]) == {}
    assert w.stored(rekind)


def test_a_second_create_refused_takes_nothing_with_it_but_itself(w: World) -> None:
    """The page-wide rider rule is the store's (store.riding_on_refused): a record is
    gone only when every create of it on the page is refused, so a bad second create
    does not take the good first one with it."""
    x = w.their_person()
    goal = w.their_row("goal", person_id=x, statement="I want to garden")
    good = _change("goal", "create", goal["id"], goal, **w.theirs())
    bad = _change("goal", "create", goal["id"], goal | {"status": "not a status"}, **w.theirs())
    edit = _change(
        "goal", "set", goal["id"], "I want to garden daily", field="statement", **w.theirs()
    )
    refused = w.page([good, bad, edit])
    assert set(refused) == {bad.change_id}
    assert w.stored(good) and w.stored(edit)
