"""The server assigns every laptop its device id at enrolment, and enrols only a valid
Ed25519 public key: a laptop that asks for another laptop's id, or the server's own
(published at /health), gets a fresh one; the laptop keeps the id it was given, with
everything it recorded before moving to it (sync/server/directory.py enrol,
storage/device_identity.py)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from app.errors import OneRecordError
from app.services.care.notes import add_note
from app.services.profile import integrity
from app.services.record import people
from app.workspace import Workspace, create
from storage import audit_anchor
from storage.tables import AuditEvent, ContactNote
from sync import signing
from sync.client import settings as sync_settings
from sync.client.enrol import enrol
from sync.client.first_run import enrol_new_laptop
from sync.public_keys import BadPublicKeyError, check_public_key
from sync.server import schema as s
from tests.conftest import FAST_KDF, PASSPHRASE, ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import shared_state, sync


def _enrol_raw(server: RunningServer, body: dict[str, Any]) -> httpx.Response:
    with httpx.Client(base_url=server.url) as http:
        return http.post("/enrol", json=body)


def _devices(server: RunningServer) -> dict[str, dict[str, Any]]:
    with server.store.engine.connect() as conn:
        return {r.device_id: dict(r._mapping) for r in conn.execute(select(s.devices))}


def _pull_as(server: RunningServer, device_id: str, private_key: bytes) -> httpx.Response:
    path = "/sync/pull?cursor=&limit=10"
    headers = signing.sign(private_key, device_id, "GET", path, b"")
    with httpx.Client(base_url=server.url) as http:
        return http.get(path, headers=headers)


def test_asking_for_another_laptops_id_or_the_servers_gets_a_fresh_id(
    server: RunningServer, laptop: Laptop
) -> None:
    victim = laptop("Sam Taylor")
    victim_id = victim.store.device_id
    victim_key = _devices(server)[victim_id]["public_key"]
    with httpx.Client(base_url=server.url) as http:
        server_id = http.get("/health").json()["server_id"]
    given: list[str] = []
    for wanted in (victim_id, server_id):
        key = signing.new_private_key()
        answer = _enrol_raw(
            server,
            {
                "code": server.code_for("Ceri Jones"),
                "device_id": wanted,
                "public_key": signing.public_key_of(key),
            },
        )
        assert answer.status_code == 200, answer.text
        assigned = answer.json()["device_id"]
        assert assigned not in (victim_id, server_id, *given)
        given.append(assigned)
        # The attacker's laptop works under its own id, and not at all under the one it asked for.
        assert _pull_as(server, assigned, key).status_code == 200
        assert _pull_as(server, wanted, key).status_code == 401
    devices = _devices(server)
    assert devices[victim_id]["public_key"] == victim_key  # the victim's enrolment is untouched
    assert server_id not in devices
    # And the victim still syncs.
    people.register(victim, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    assert sync(victim).refused == []


def _encoded(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _not_a_point() -> bytes:
    """32 bytes whose y has no x on the curve (the first such small y)."""
    for y in range(2, 100):
        raw = y.to_bytes(32, "little")
        try:
            check_public_key(_encoded(raw))
        except BadPublicKeyError as exc:
            if "not a point" in str(exc):
                return raw
    raise AssertionError("no non-point found")


BAD_KEYS = {
    "too short": _encoded(b"\x01" * 31),
    "too long": _encoded(b"\x01" * 33),
    "not base64": "not base64 at all, but long enough to pass the length!",
    "not a point": _encoded(_not_a_point()),
    "not canonical": _encoded(b"\xff" * 31 + b"\x7f"),  # y = 2^255 - 1 >= p
    "small order": _encoded((1).to_bytes(32, "little")),  # the neutral point
}


@pytest.mark.parametrize("why", list(BAD_KEYS))
def test_a_bad_public_key_is_refused_and_the_code_still_works(
    server: RunningServer, why: str
) -> None:
    code = server.code_for("Ceri Jones")
    refused = _enrol_raw(server, {"code": code, "public_key": BAD_KEYS[why]})
    assert refused.status_code == 400, refused.text
    assert "public key" in refused.json()["detail"]
    assert _devices(server) == {}
    good = _enrol_raw(
        server, {"code": code, "public_key": signing.public_key_of(signing.new_private_key())}
    )
    assert good.status_code == 200


def test_real_keys_are_accepted() -> None:
    for _ in range(50):
        key = signing.public_key_of(signing.new_private_key())
        assert check_public_key(key) == base64.b64decode(key)


def _everything(ws: Workspace) -> str:
    with ws.store.engine.connect() as conn:
        names = [
            r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))
        ]
        return "\n".join(
            str(tuple(row))
            for name in names
            for row in conn.execute(text(f'SELECT * FROM "{name}"'))
        )


def test_the_laptop_keeps_the_id_it_was_given_with_what_it_recorded_before(
    server: RunningServer, laptop: Laptop, tmp_path: Path
) -> None:
    ws = create(tmp_path / "before", PASSPHRASE, user_name="Sam Taylor", kdf=FAST_KDF)
    local_id = ws.store.device_id
    # Records made before enrolment (a laptop used on its own first).
    people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    add_note(ws, ZOE, "Visited before this laptop was enrolled.")
    ws.close()
    ws = reopen_local(tmp_path / "before")
    answer = enrol(ws, server.url, server.code_for("Sam Taylor"))
    assert answer.device_id != local_id
    assert ws.store.device_id == ws.actor.device_id == answer.device_id
    assert set(_devices(server)) == {answer.device_id}
    # Nothing in the profile still names the id it chose itself, but the "enrolled"
    # event that records the change (the event, and its copy in the journal).
    assert _everything(ws).count(local_id) == 2
    with ws.store.read() as session:
        enrolled = session.execute(
            select(AuditEvent).where(AuditEvent.action == "enrolled")
        ).scalar_one()
    assert json.loads(enrolled.detail)["local_id"] == local_id
    # The re-hashed audit chain verifies, anchor included, and the journal agrees with the rows.
    report = integrity.check(ws)
    assert report.audit_problems == [] and report.journal_problems == []
    with ws.store.read() as session:
        events = session.execute(select(AuditEvent).order_by(AuditEvent.device_seq)).scalars()
        actions = [e.action for e in events]
    assert actions[0] == "profile_created" and "enrolled" in actions
    # What its user recorded before is now in the enrolled user's name (the server takes
    # a change only in that name): the note, its journal copy, and the audit chain.
    enrolled_user = answer.identity.user_id
    with ws.store.read() as session:
        note = session.execute(select(ContactNote)).scalar_one()
        assert (note.author_id, note.organisation_id, note.recorded_by) == (
            enrolled_user,
            answer.identity.organisation_id,
            enrolled_user,
        )
        authors = set(
            session.execute(select(AuditEvent.actor_id).where(AuditEvent.actor_id.is_not(None)))
            .scalars()
            .all()
        )
        assert authors == {enrolled_user}
    # Everything goes up under the assigned id, and a colleague receives it.
    assert sync(ws).refused == []
    colleague = laptop("Ceri Jones")
    sync(colleague)
    assert shared_state(colleague)["person"] == shared_state(ws)["person"]
    # The id stays the one the server gave, across a lock.
    ws = reopen(ws)
    assert ws.store.device_id == answer.device_id
    _, problems = audit_anchor.verify_store(ws.store)
    assert problems == []
    ws.close()


def reopen_local(path: Path) -> Workspace:
    from app.workspace import unlock

    return unlock(path, PASSPHRASE)


def test_a_new_laptop_stores_the_id_the_server_gave(server: RunningServer, tmp_path: Path) -> None:
    ws = enrol_new_laptop(
        tmp_path / "first-run",
        server_url=server.url,
        code=server.code_for("Ceri Jones"),
        passphrase=PASSPHRASE,
        confirmation=PASSPHRASE,
        kdf=FAST_KDF,
    )
    try:
        assert list(_devices(server)) == [ws.store.device_id]
        with ws.store.read() as session:
            assert sync_settings.enrolment(session) is not None
        assert sync(ws).refused == []
    finally:
        ws.close()


def test_a_laptop_whose_audit_chain_was_tampered_with_is_not_enrolled(
    server: RunningServer, tmp_path: Path
) -> None:
    ws = create(tmp_path / "tampered", PASSPHRASE, user_name="Sam Taylor", kdf=FAST_KDF)
    with ws.store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET detail = :d"), {"d": json.dumps({"x": 1})})
    code = server.code_for("Sam Taylor")
    try:
        with pytest.raises(OneRecordError, match="audit log does not verify"):
            enrol(ws, server.url, code)
        assert _devices(server) == {}  # and the code was not used
        other = create(tmp_path / "clean", PASSPHRASE, user_name="Sam Taylor", kdf=FAST_KDF)
        enrol(other, server.url, code)
        other.close()
    finally:
        ws.close()
