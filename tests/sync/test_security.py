"""Only enrolled, unrevoked laptops, with signed, fresh, unaltered requests, get in."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from app.cli.main import main as cli_main
from app.errors import OneRecordError
from app.services import clock
from app.services.record import people
from app.workspace import create
from storage import profile
from sync import signing
from sync.cli import register as sync_commands
from sync.client import settings as sync_settings
from sync.client.enrol import enrol
from sync.client.session import SyncSession
from sync.server import directory
from sync.transport import RevokedError, ServerRefusedError, ServerUnreachableError
from tests.conftest import FAST_KDF, PASSPHRASE, ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync


def _keys(ws):  # type: ignore[no-untyped-def]
    with ws.store.read() as session:
        return sync_settings.enrolment(session)


def test_unsigned_tampered_replayed_and_forged_requests_are_refused(
    server: RunningServer, laptop: Laptop
) -> None:
    ws = laptop("Sam Taylor")
    enrolment = _keys(ws)
    device = ws.store.device_id
    body = json.dumps({"changes": []}).encode()
    with httpx.Client(base_url=server.url) as http:
        unsigned = http.post(
            "/sync/push", content=body, headers={"content-type": "application/json"}
        )
        assert unsigned.status_code == 401
        assert unsigned.json()["detail"] == "This request is not signed."

        headers = signing.sign(enrolment.private_key, device, "POST", "/sync/push", body)
        ok = http.post(
            "/sync/push", content=body, headers={**headers, "content-type": "application/json"}
        )
        assert ok.status_code == 200
        replay = http.post(
            "/sync/push", content=body, headers={**headers, "content-type": "application/json"}
        )
        assert replay.status_code == 401
        assert "replay" in replay.json()["detail"]

        headers = signing.sign(enrolment.private_key, device, "POST", "/sync/push", body)
        tampered = http.post(
            "/sync/push",
            content=body.replace(b"[]", b"[ ]"),
            headers={**headers, "content-type": "application/json"},
        )
        assert tampered.status_code == 401
        assert "altered or forged" in tampered.json()["detail"]

        forger = signing.new_private_key()
        forged = signing.sign(forger, device, "GET", "/sync/pull?cursor=&limit=10", b"")
        assert http.get("/sync/pull?cursor=&limit=10", headers=forged).status_code == 401

        stale = signing.sign(enrolment.private_key, device, "GET", "/sync/pull", b"")
        stale[signing.TIMESTAMP] = str(int(stale[signing.TIMESTAMP]) - 3600)
        assert http.get("/sync/pull", headers=stale).status_code == 401

        stranger = signing.sign(
            forger, "00000000-0000-4000-8000-000000000000", "GET", "/sync/pull", b""
        )
        assert (
            http.get("/sync/pull", headers=stranger).json()["detail"]
            == "This laptop is not enrolled with this server."
        )


def test_codes_are_one_use_and_expire(server: RunningServer, tmp_path: Path) -> None:
    code = server.code_for("Ceri Jones")
    first = create(tmp_path / "a", PASSPHRASE, kdf=FAST_KDF)
    second = create(tmp_path / "b", PASSPHRASE, kdf=FAST_KDF)
    try:
        enrol(first, server.url, code)
        with pytest.raises(ServerRefusedError, match="not valid or has already been used"):
            enrol(second, server.url, code)
        expired = directory.new_enrolment_code(
            server.store, "Ceri Jones", ttl=timedelta(seconds=-1)
        )
        with pytest.raises(ServerRefusedError, match="expired"):
            enrol(second, server.url, expired)
        with pytest.raises(ServerRefusedError, match="not valid"):
            enrol(second, server.url, "ABCD-EFGH-JKLM")
    finally:
        first.close()
        second.close()


def test_a_demo_profile_cannot_be_enrolled(server: RunningServer, tmp_path: Path) -> None:
    store = profile.create(tmp_path / "demo", PASSPHRASE, demo=True, kdf=FAST_KDF)
    from app.workspace import open_workspace

    ws = open_workspace(store)
    try:
        with pytest.raises(OneRecordError, match="demo profile"):
            enrol(ws, server.url, server.code_for("Sam Taylor"))
    finally:
        ws.close()


def test_a_revoked_laptop_is_told_and_wipes_itself(
    server: RunningServer,
    laptop: Laptop,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws = reopen(laptop("Sam Taylor"))
    sync(ws)
    people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    path = ws.store.path
    directory.revoke(server.store, ws.store.device_id)
    with pytest.raises(RevokedError):
        SyncSession(ws).run()
    ws.close()
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    code = cli_main(["sync", "--profile", str(path)], extensions=[sync_commands])
    err = capsys.readouterr().err
    assert code == 1
    assert "revoked" in err
    assert "removed" in err
    assert not (path / profile.VAULT_FILE).exists()
    assert not (path / profile.DB_FILE).exists()


def test_changes_in_another_laptops_name_are_refused_and_kept(
    server: RunningServer, laptop: Laptop
) -> None:
    ws = reopen(laptop("Sam Taylor"))
    sync(ws)
    people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    from sqlalchemy import select, update

    from storage.tables import ChangeRecord

    with ws.store.engine.begin() as conn:
        conn.execute(
            update(ChangeRecord)
            .where(ChangeRecord.entity == "person")
            .values(device_id="00000000-0000-4000-8000-000000000000")
        )
    report = sync(ws)
    assert "A laptop can only send its own changes." in report.refused
    with ws.store.read() as session:
        kept = session.execute(
            select(ChangeRecord).where(ChangeRecord.entity == "person")
        ).scalar_one()
        assert kept.push_error == "A laptop can only send its own changes."
        assert kept.pushed_at is None
    ws.close()


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("POST", "/enrol", b"not json"),
        ("POST", "/enrol", b'{"code": "x"}'),
        (
            "POST",
            "/enrol",
            b'{"code": "ABCDEFGH", "device_id": "nope", "public_key": "' + b"A" * 44 + b'"}',
        ),
        ("POST", "/enrol", b"[]"),
    ],
)
def test_bad_input_gets_a_plain_4xx(
    server: RunningServer, method: str, path: str, payload: bytes
) -> None:
    with httpx.Client(base_url=server.url) as http:
        answer = http.request(
            method, path, content=payload, headers={"content-type": "application/json"}
        )
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("The request was not in the expected form")


def test_the_openapi_schema_is_published(server: RunningServer) -> None:
    with httpx.Client(base_url=server.url) as http:
        schema = http.get("/openapi.json").json()
    assert {"/enrol", "/sync/push", "/sync/pull", "/health"} <= set(schema["paths"])
    assert "Change" in schema["components"]["schemas"]


def test_an_unreachable_server_is_a_plain_error_and_keeps_changes(
    laptop: Laptop, server: RunningServer
) -> None:
    ws = reopen(laptop("Sam Taylor"))
    sync(ws)
    people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    server.stop()
    from sync.client.session import pending_count

    before = pending_count(ws)
    with pytest.raises(ServerUnreachableError, match="kept on this laptop"):
        sync(ws)
    assert pending_count(ws) == before > 0
    ws.close()


def test_a_laptop_offline_too_long_stays_locked_until_it_syncs(
    server: RunningServer, laptop: Laptop
) -> None:

    from app.workspace import OfflineTooLongError, unlock

    ws = reopen(laptop("Sam Taylor"))
    sync(ws)
    with ws.store.write(ws.actor) as session:
        sync_settings.save_last_success(session, clock.now() - timedelta(days=15))
    path = ws.store.path
    ws.close()
    with pytest.raises(OfflineTooLongError, match="over 14 days"):
        unlock(path, PASSPHRASE)
    syncing = unlock(path, PASSPHRASE, for_sync=True)
    sync(syncing)
    syncing.close()
    unlock(path, PASSPHRASE).close()
