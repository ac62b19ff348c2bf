"""Only an enrolled partner server, with signed, fresh, unaltered requests and an
agreement in force, gets anything; a partner cannot write in our name; and what
came from one partner is never passed on to another."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from app.services.care import care_plan
from app.services.care.notes import add_note
from sync import signing
from sync.protocol import Change
from sync.server import schema as s
from sync.server.partners import agreements as partners
from sync.server.partners.pull import ingest, pull_from
from sync.transport import ServerRefusedError
from tests.sync.partner_setup import (
    COUNCIL,
    NHS,
    TRUST,
    Partnership,
    _server,
    held_entities,
    make_partnership,
    register_with_consent,
)
from tests.sync.rows import wire_set


@pytest.fixture(params=["sqlite", "postgresql"])
def both(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Partnership]:
    yield from make_partnership(request, tmp_path)


def test_unsigned_unknown_tampered_and_replayed_requests_are_refused(both: Partnership) -> None:
    council, trust = both.council, both.trust
    key = partners.server_key(trust.server.store)
    me = trust.server.store.server_id
    path = "/partner/pull?cursor=&limit=10"
    with httpx.Client(base_url=council.server.url) as http:
        unsigned = http.get(path)
        assert unsigned.status_code == 401
        assert unsigned.json()["detail"] == "This request is not signed."

        stranger = http.get(
            path,
            headers=signing.sign(signing.new_private_key(), str(uuid.uuid4()), "GET", path, b""),
        )
        assert stranger.status_code == 401
        assert stranger.json()["detail"] == "This server is not a partner of ours."

        impostor = http.get(
            path, headers=signing.sign(signing.new_private_key(), me, "GET", path, b"")
        )
        assert impostor.status_code == 401 and "altered or forged" in impostor.json()["detail"]

        headers = signing.sign(key, me, "GET", path, b"")
        tampered = http.get("/partner/pull?cursor=&limit=5000", headers=headers)
        assert tampered.status_code == 401 and "altered or forged" in tampered.json()["detail"]

        headers = signing.sign(key, me, "GET", path, b"")
        assert http.get(path, headers=headers).status_code == 200
        replay = http.get(path, headers=headers)
        assert replay.status_code == 401 and "replay" in replay.json()["detail"]

        # A laptop enrolled with the council is not a partner server.
        laptop_id = council.laptop.store.device_id
        laptop = http.get(path, headers=signing.sign(key, laptop_id, "GET", path, b""))
        assert laptop.status_code == 401


def test_no_agreement_in_force_means_nothing_is_sent(both: Partnership) -> None:
    council, trust = both.council, both.trust
    person_id = register_with_consent(council.laptop)
    council.sync()
    partners.end_agreement(council.server.store, TRUST)
    with pytest.raises(ServerRefusedError, match="no sharing agreement in force"):
        pull_from(trust.server.store, COUNCIL)
    partners.remove_partner(council.server.store, TRUST)
    with pytest.raises(ServerRefusedError, match="partnership has been ended"):
        pull_from(trust.server.store, COUNCIL)
    with trust.server.store.engine.connect() as conn:
        assert not conn.execute(
            select(s.changes.c.seq).where(s.changes.c.person_id == person_id)
        ).first()


def _change(**values: object) -> Change:
    return Change.model_validate(
        wire_set(**{"hlc": 1 << 40, "value": json.dumps("I want to be left alone"), **values})
    )


def test_a_partner_cannot_write_in_our_name(both: Partnership) -> None:
    council = both.council
    store = council.server.store
    with store.engine.connect() as conn:
        peer = partners.partner(conn, TRUST)
        cursor_before = peer["pull_cursor"]
    forged = [
        _change(organisation_id=council.org_id),  # written "by the council"
        _change(device_id=council.laptop.store.device_id),  # "from a council laptop"
        _change(author_id=council.laptop.actor.user_id),  # "by a council social worker"
        _change(
            entity="organisation",
            entity_id=council.org_id,
            op="create",
            field=None,
            value=json.dumps({"id": council.org_id, "name": "Renamed"}),
        ),
        _change(entity="audit_event", op="append", field=None, value="{}"),
    ]
    done = ingest(store, peer, forged, "999.0")
    assert sorted(done.refused) == sorted(c.change_id for c in forged)
    with store.engine.connect() as conn:
        ids = [c.change_id for c in forged]
        assert not conn.execute(
            select(s.changes.c.seq).where(s.changes.c.change_id.in_(ids))
        ).first()
        kept: list[str] = list(conn.execute(select(s.partner_refused.c.change_id)).scalars())
        assert sorted(kept) == sorted(ids)  # kept with the reason, not silently dropped
    assert cursor_before != "999.0"


def test_what_came_from_a_partner_is_not_passed_on(both: Partnership, tmp_path: Path) -> None:
    council, trust = both.council, both.trust
    person_id = register_with_consent(council.laptop)
    care_plan.add_goal(council.laptop, person_id=person_id, statement="I want my garden back")
    both.replicate()
    add_note(trust.laptop, NHS, "Wound reviewed.")
    trust.sync()
    # A GP practice partners with the trust, under the same categories.
    gp = _server(
        f"sqlite:///{tmp_path / 'gp.db'}", "Aire Valley Surgery", "gp_practice", "GP team", []
    )
    try:
        partners.add_partner(
            gp.store, TRUST, trust.server.url, partners.identity_card(trust.server.store)
        )
        partners.add_partner(trust.server.store, "GP", gp.url, partners.identity_card(gp.store))
        partners.add_agreement(
            trust.server.store, "GP", "care_plan,health", "Craven District Nursing"
        )
        pull_from(gp.store, TRUST)
        with gp.store.engine.connect() as conn:
            orgs: set[str | None] = set(conn.execute(select(s.changes.c.organisation_id)).scalars())
            entities: set[str] = set(conn.execute(select(s.changes.c.entity)).scalars())
        assert council.org_id not in orgs  # nothing the council wrote
        assert "goal" not in entities and "person" not in entities
    finally:
        gp.stop()
        gp.store.close()


class _Spoiling(httpx.BaseTransport):
    """A partner server that is not honest: its first pull page carries, beside what
    it really holds, changes that are not well formed (or an envelope that is not)."""

    def __init__(self, extra: list[object], envelope: dict[str, object] | None = None) -> None:
        self.inner = httpx.HTTPTransport()
        self.extra = extra
        self.envelope = envelope or {}
        self.spoilt = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path != "/partner/pull" or self.spoilt:
            return response
        self.spoilt += 1
        page = json.loads(response.read())
        page["changes"] += self.extra
        page.update(self.envelope)
        return httpx.Response(response.status_code, headers=response.headers, json=page)


def _malformed(**values: object) -> dict[str, object]:
    return {**_change().model_dump(), "change_id": str(uuid.uuid4()), **values}


def test_malformed_changes_from_a_partner_are_refused_and_stop_no_replication(
    both: Partnership,
) -> None:
    council, trust = both.council, both.trust
    person_id = register_with_consent(trust.laptop)
    trust.sync()
    bad = [
        _malformed(hlc=0),
        _malformed(entity="Not A Table"),
        _malformed(value="x" * 1_000_001),
        ["not", "a", "change"],
        # A key and an id the sender chose, holding someone's name and NHS number.
        _malformed(hlc=0, **{"Zoë O'Neill 9990000018": 1}),
        _malformed(change_id="9990000018 Zoë"),
    ]
    spoiling = _Spoiling(bad)
    done = council.pull(transport=spoiling)
    assert spoiling.spoilt == 1
    # What the partner really holds arrived; each malformed change was refused.
    store = council.server.store
    assert "person" in held_entities(store, person_id)
    assert len(done.refused) == len(bad)
    with store.engine.connect() as conn:
        kept = {r.change_id: r.reason for r in conn.execute(select(s.partner_refused)).all()}
        stored = set(conn.execute(select(s.changes.c.change_id)).scalars())
    assert set(done.refused) == set(kept)
    assert not set(kept) & stored  # nothing of theirs was written
    assert kept[bad[0]["change_id"]] == "it is not a well-formed change (hlc)"  # type: ignore[index]
    assert kept[bad[1]["change_id"]] == "it is not a well-formed change (entity)"  # type: ignore[index]
    assert kept[bad[2]["change_id"]] == "it is not a well-formed change (value)"  # type: ignore[index]
    assert kept[bad[4]["change_id"]] == "it is not a well-formed change (an unexpected field, hlc)"  # type: ignore[index]
    # A reason names the wire's fields, never a value or a name the sender chose, and
    # an id that is not a change id is not kept.
    said = json.dumps(kept)
    assert "x" * 100 not in said and "9990000018" not in said and "Zo" not in said
    # The cursor moved on: the next change the partner holds comes at the next pull.
    add_note(trust.laptop, NHS, "Wound reviewed.")
    trust.sync()
    again = council.pull()
    assert again.received >= 1 and not again.refused
    assert "contact_note" in held_entities(store, person_id)


@pytest.mark.parametrize(
    ("extra", "envelope", "said"),
    [
        ([], {"cursor": {"not": "a cursor"}}, "not in the expected form"),
        # Well formed but for a field this version does not know: a newer partner,
        # whose changes must be read again after an upgrade, not refused for good.
        ([_malformed(reviewed_by="someone")], {}, "newer form"),
    ],
)
def test_a_partner_page_that_cannot_be_read_changes_nothing(
    both: Partnership, extra: list[object], envelope: dict[str, object], said: str
) -> None:
    council, trust = both.council, both.trust
    register_with_consent(trust.laptop)
    trust.sync()
    store = council.server.store
    with store.engine.connect() as conn:
        cursor = partners.partner(conn, TRUST)["pull_cursor"]
        before = set(conn.execute(select(s.changes.c.change_id)).scalars())
    with pytest.raises(ValueError, match=said):
        council.pull(transport=_Spoiling(extra, envelope=envelope))
    with store.engine.connect() as conn:
        assert partners.partner(conn, TRUST)["pull_cursor"] == cursor
        assert set(conn.execute(select(s.changes.c.change_id)).scalars()) == before


class _Stuck(httpx.BaseTransport):
    """A partner server that always says it has more, and sends nothing new."""

    def __init__(self) -> None:
        self.asked = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.asked += 1
        assert self.asked < 50, "asked again and again for what never came"
        cursor = request.url.params.get("cursor", "")
        return httpx.Response(200, json={"changes": [], "cursor": cursor, "more": True})


def test_a_partner_that_always_has_more_but_sends_nothing_holds_no_pull(
    both: Partnership,
) -> None:
    stuck = _Stuck()
    done = both.council.pull(transport=stuck)
    assert stuck.asked == 1 and done.received == 0 and not done.refused
