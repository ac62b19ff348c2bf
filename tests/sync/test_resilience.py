"""Cuts at any point lose nothing and repeat nothing: mid-push, mid-pull, a server
restart, the same batch twice, a laptop joining late with a big caseload."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.services.care.notes import add_note
from app.services.record import people
from sync.client import outbox
from sync.client import session as sync_session
from sync.client.session import SyncSession, pending_count
from sync.protocol import MAX_PUSH_BATCH, Change, PushRequest
from sync.server import schema
from tests.conftest import ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen, start_server
from tests.sync.helpers import shared_state, sync


def _server_rows(server: RunningServer) -> int:
    with server.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.changes)).scalar_one())


def test_the_same_batch_twice_is_stored_once(server: RunningServer, laptop: Laptop) -> None:
    ws = reopen(laptop("Sam Taylor"))
    sync(ws)
    people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    with ws.store.read() as session:
        pending = outbox.next_batch(session.connection(), MAX_PUSH_BATCH)
    assert pending is not None
    batch = PushRequest.model_validate_json(pending.body).changes
    device = server.store.device(ws.store.device_id)
    assert device is not None
    first = server.store.ingest(device, batch)
    before = _server_rows(server)
    again = server.store.ingest(device, batch)
    assert (first.accepted, again.accepted, again.duplicates) == (len(batch), 0, len(batch))
    assert _server_rows(server) == before
    ws.close()


def test_a_cut_after_the_server_stored_a_push_repeats_nothing(
    server: RunningServer, laptop: Laptop, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = reopen(laptop("Sam Taylor"))
    sync(ws)
    people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    add_note(ws, ZOE, "Visited.")
    real_call = sync_session.call

    def cut_after_push(http: Any, method: str, path: str, **kwargs: Any) -> Any:
        answer = real_call(http, method, path, **kwargs)
        if path == "/sync/push":
            raise ConnectionResetError("battery died before the laptop heard back")
        return answer

    monkeypatch.setattr(sync_session, "call", cut_after_push)
    with pytest.raises(ConnectionResetError):
        SyncSession(ws, push_batch=2).run()
    monkeypatch.undo()
    stored = _server_rows(server)
    assert pending_count(ws) > 0  # the laptop does not know the server has them
    report = sync(ws)
    assert report.duplicates >= 2
    assert _server_rows(server) == stored + report.pushed
    assert pending_count(ws) == 0
    ws.close()


def test_a_cut_mid_pull_resumes_without_loss(
    server: RunningServer, laptop: Laptop, monkeypatch: pytest.MonkeyPatch
) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    social_worker = reopen(laptop("Ceri Jones"))
    sync(nurse)
    for n, nhs in enumerate(["9990000018", "9990000026", "9990000034", "9990000042"]):
        people.register(nurse, people.NewPerson(nhs, f"Person{n}", "Test", "1950-01-01", "DL8 3AB"))
        add_note(nurse, nhs, f"note {n}")
    sync(nurse)
    real_apply = sync_session.apply_changes
    pages = {"n": 0}

    def flaky_apply(conn: Any, changes: list[Change], now: Any) -> Any:
        pages["n"] += 1
        if pages["n"] == 3:
            raise ConnectionResetError("signal lost mid-download")
        return real_apply(conn, changes, now)

    monkeypatch.setattr(sync_session, "apply_changes", flaky_apply)
    with pytest.raises(ConnectionResetError):
        SyncSession(social_worker, pull_page=3).run()
    monkeypatch.undo()
    sync(social_worker)
    assert shared_state(social_worker) == shared_state(nurse)
    nurse.close()
    social_worker.close()


def test_a_server_restart_loses_nothing(server: RunningServer, laptop: Laptop) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    social_worker = reopen(laptop("Ceri Jones"))
    sync(nurse)
    people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    sync(nurse)
    url = str(server.store.engine.url.render_as_string(hide_password=False))
    server.stop()
    server.store.close()
    restarted = start_server(url)
    try:
        from storage import settings
        from sync.client import settings as sync_settings

        with social_worker.store.write(social_worker.actor) as session:
            enrolment = sync_settings.enrolment(session)
            assert enrolment is not None
            settings.put(
                session,
                settings.SYNC_SERVER,
                {"url": restarted.url, "server_id": enrolment.server_id, "ca_pem": None},
            )
        sync(social_worker)
        assert shared_state(social_worker) == shared_state(nurse)
    finally:
        restarted.stop()
        restarted.store.close()
    nurse.close()
    social_worker.close()


def test_a_late_laptop_downloads_the_caseload_in_pages_with_progress(
    server: RunningServer, laptop: Laptop
) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    sync(nurse)
    numbers = ["9990000018", "9990000026", "9990000034", "9990000042", "9990000050"]
    for n, nhs in enumerate(numbers):
        people.register(nurse, people.NewPerson(nhs, f"Person{n}", "Test", "1950-01-01", "DL8 3AB"))
        for k in range(4):
            add_note(nurse, nhs, f"note {n}.{k}")
    sync(nurse)
    late = reopen(laptop("Ola Nowak"))
    seen: list[tuple[str, int, int]] = []
    session = SyncSession(
        late, pull_page=7, progress=lambda stage, done, total: seen.append((stage, done, total))
    )
    try:
        report = session.run()
    finally:
        session.close()
    pulls = [s for s in seen if s[0] == "pull"]
    assert len(pulls) >= 4
    assert pulls[-1][1] == pulls[-1][2]  # ends at 100%
    assert report.round_trips >= 4
    assert shared_state(late) == shared_state(nurse)
    nurse.close()
    late.close()
