"""Request bodies are bounded before the server reads them whole: a 400 MB body gets a
413 while the server's memory stays flat, JSON nested 1,000 deep a 400 (not a 500),
and a real large batch still goes through (sync/server/limits.py)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.services import clock
from app.services.care.notes import MAX_NOTE_CHARS, write_note
from app.services.record import people
from app.workspace import Workspace
from sync import signing
from sync.client import outbox
from sync.client import settings as sync_settings
from sync.protocol import MAX_PUSH_BATCH, MAX_PUSH_BYTES
from sync.server import directory
from sync.server import schema as s
from sync.server.embedded import free_port
from sync.server.limits import (
    MALFORMED,
    MAX_BODY_BYTES,
    MAX_JSON_DEPTH,
    MAX_PUSH_BODY_BYTES,
    TOO_DEEP,
    TOO_LARGE,
    nesting,
)
from sync.server.store import ServerStore
from tests.conftest import ZOE
from tests.sync.conftest import Laptop, RunningServer
from tests.sync.helpers import sync

ROOT = Path(__file__).resolve().parents[2]
MiB = 1024 * 1024
DEEP = b"[" * 1000 + b"]" * 1000
SERVE = [sys.executable, "-m", "sync.server.cli", "serve"]

# -- the scan itself ----------------------------------------------------------------

_text = st.text(alphabet=st.sampled_from('ab[]{}"\\\n\u00e9\U0001f600'), max_size=8)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=30,
)


def _depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


@settings(max_examples=300, deadline=None)
@given(value=_json, limit=st.integers(min_value=0, max_value=5), ascii_only=st.booleans())
def test_the_scan_finds_exactly_the_depth_of_any_json(
    value: Any, limit: int, ascii_only: bool
) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    # Brackets inside strings, escaped quotes and backslashes never count.
    assert nesting(text, limit) == (TOO_DEEP if _depth(value) > limit else None)
    # And the same JSON carried as a string inside JSON (a pushed value) is flat.
    assert nesting(json.dumps({"value": text}), 1) is None


def test_the_scan_on_the_shapes_that_matter() -> None:
    assert nesting(DEEP) == TOO_DEEP
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert nesting(nested) is None
    assert nesting("[" + nested + "]") == TOO_DEEP
    assert nesting("[" * 40) == MALFORMED  # never closed: no parser reads past it anyway
    assert nesting(json.dumps({"narrative": "[" * 5000})) is None  # a note full of brackets
    assert nesting(b"") is None


# -- a real server process, for its memory ---------------------------------------------


def _memory_kib(pid: int) -> dict[str, int]:
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(rest.split()[0])
    return fields


@pytest.fixture(scope="module")
def server_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int, str]]:
    """`onerecord-server serve` in its own process, as deployed, with one enrolled
    laptop: (port, pid, that laptop's device id). Device ids are not secrets: a body
    sent under one is read before its signature can be checked."""
    db = tmp_path_factory.mktemp("limits") / "server.db"
    store = ServerStore(f"sqlite:///{db}")
    directory.organisation(store, "Dales Community Health")
    directory.add_team(store, "Craven Locality")
    directory.add_user(store, "Sam Taylor", "community_nurse", "Craven Locality")
    code = directory.new_enrolment_code(store, "Sam Taylor")
    key = signing.public_key_of(signing.new_private_key())
    device_id = directory.enrol(store, code, key, "").device_id
    store.close()
    port = free_port()
    process = subprocess.Popen(
        [*SERVE, "--db", f"sqlite:///{db}", "--port", str(port)],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError("the server did not start")
        time.sleep(0.1)
    yield port, process.pid, device_id
    process.terminate()
    process.wait(timeout=10)


def _stream(
    port: int, path: str, total: int, *, declare: bool, device: str
) -> tuple[int, bytes, int]:
    """POST `total` bytes of JSON-looking filler, one reused 1 MiB chunk at a time (the
    body is never built in memory), reading the answer meanwhile as a client would.
    (status, body, bytes the server let us send before it answered)."""
    chunk = b"[" + b"0," * (MiB // 2 - 1) + b"0"
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    head += f"{signing.DEVICE}: {device}\r\n"
    head += f"Content-Length: {total}\r\n" if declare else "Transfer-Encoding: chunked\r\n"
    received = bytearray()
    answered = threading.Event()

    def read() -> None:
        try:
            while data := sock.recv(65536):
                received.extend(data)
                answered.set()
        except OSError:
            pass  # the server closes (or resets) once it has answered
        answered.set()

    reader = threading.Thread(target=read)
    reader.start()
    sent = 0
    try:
        sock.sendall((head + "\r\n").encode())
        if declare:  # a server that judges the header answers before any body is sent
            answered.wait(timeout=5)
        while sent < total and not received:
            piece = chunk[: total - sent]
            sock.sendall(piece if declare else b"%x\r\n%s\r\n" % (len(piece), piece))
            sent += len(piece)
        if not declare and not received:
            sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the server stopped reading: what it answered is what matters
    reader.join(timeout=60)
    sock.close()
    head_bytes, _, body = bytes(received).partition(b"\r\n\r\n")
    status = int(head_bytes.split(b" ", 2)[1]) if head_bytes else 0
    return status, body, sent


@pytest.mark.parametrize("declare", [True, False], ids=["content-length", "chunked"])
@pytest.mark.parametrize("path", ["/sync/push", "/enrol"])
def test_a_400_mb_body_is_refused_while_the_servers_memory_stays_flat(
    server_process: tuple[int, int, str], declare: bool, path: str
) -> None:
    port, pid, device = server_process
    httpx.get(f"http://127.0.0.1:{port}/health")
    before = _memory_kib(pid)
    status, body, sent = _stream(port, path, 400 * MiB, declare=declare, device=device)
    after = _memory_kib(pid)
    grew_mib = (after["VmHWM"] - before["VmRSS"]) / 1024
    print(  # the numbers for the report (pytest -s)
        f"{path} {'declared' if declare else 'chunked'}: RSS {before['VmRSS'] // 1024} MiB"
        f" -> peak {after['VmHWM'] // 1024} MiB, {sent / MiB:.0f} MiB sent before the answer"
    )
    assert status == 413
    assert json.loads(body) == {"detail": TOO_LARGE, "revoked": False}
    limit = MAX_PUSH_BODY_BYTES if path == "/sync/push" else MAX_BODY_BYTES
    if declare:
        assert sent == 0  # refused on the header, before a byte of the body
    # At most the route's limit held, whatever the client offered (and it offered 400 MiB).
    assert grew_mib < limit / MiB + 48
    # The server is still there and answers the next client.
    assert httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200


# -- deep nesting: 400, never 500 -------------------------------------------------------


def _signed_push(server: RunningServer, ws: Workspace, body: bytes) -> httpx.Response:
    with ws.store.read() as session:
        enrolment = sync_settings.enrolment(session)
    assert enrolment is not None
    headers = signing.sign(enrolment.private_key, ws.store.device_id, "POST", "/sync/push", body)
    with httpx.Client(base_url=server.url, timeout=60) as http:
        return http.post(
            "/sync/push", content=body, headers={**headers, "content-type": "application/json"}
        )


def test_json_nested_1000_deep_gets_a_plain_400(server: RunningServer, laptop: Laptop) -> None:
    with httpx.Client(base_url=server.url) as http:
        for path in ("/enrol", "/sync/break-glass"):
            answer = http.post(path, content=DEEP, headers={"content-type": "application/json"})
            assert answer.status_code == 400, path
            assert answer.json()["detail"] == TOO_DEEP
    ws = laptop("Sam Taylor")
    answer = _signed_push(server, ws, b'{"changes": ' + DEEP + b"}")
    assert answer.status_code == 400
    assert answer.json()["detail"] == TOO_DEEP


def test_a_value_nested_1000_deep_is_refused_and_sync_goes_on(
    server: RunningServer, laptop: Laptop
) -> None:
    ws = laptop("Sam Taylor")
    people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    assert not sync(ws).refused
    with ws.store.read() as session:
        zoe = people.find(session, ZOE).id
    change = {
        "change_id": str(uuid.uuid4()),
        "hlc": 1,
        "device_id": ws.store.device_id,
        "author_id": ws.actor.user_id,
        "organisation_id": ws.actor.organisation_id,
        "entity": "person",
        "entity_id": zoe,
        "op": "set",
        "field": "given_name",
        "value": DEEP.decode(),
        "bases": [],
        "recorded_at": clock.now().isoformat(),
    }
    answer = _signed_push(server, ws, json.dumps({"changes": [change]}).encode())
    assert answer.status_code == 200
    assert answer.json()["refused"] == [
        {"change_id": change["change_id"], "reason": "The value sent nests too deep."}
    ]
    people.edit(ws, ZOE, {"given_name": "Zoe"})  # and the laptop's next sync is unaffected
    assert not sync(ws).refused


# -- a real large batch still goes through ---------------------------------------------


def test_the_laptop_cuts_a_batch_at_its_byte_limit(laptop: Laptop) -> None:
    ws = laptop("Sam Taylor")
    people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    _long_notes(ws, 20)
    with ws.store.read() as session:
        whole = outbox.next_batch(session.connection(), MAX_PUSH_BATCH)
        cut = outbox.next_batch(session.connection(), MAX_PUSH_BATCH, max_bytes=100_000)
        one = outbox.next_batch(session.connection(), MAX_PUSH_BATCH, max_bytes=1)
    assert whole is not None and cut is not None and one is not None
    assert len(cut.seqs) < len(whole.seqs) and cut.seqs == whole.seqs[: len(cut.seqs)]
    # It stops at the change that reaches the limit: never more than one change beyond it.
    assert len(cut.body) < 100_000 + len(_note_text()) * 2
    assert one.sent == 1  # always at least one change sent, however large


def _note_text() -> str:
    return ("Visited at home; dressing changed. " * 600)[:MAX_NOTE_CHARS]


def _long_notes(ws: Workspace, count: int) -> None:
    with ws.store.read() as session:
        zoe = people.find(session, ZOE).id
    with ws.store.write(ws.actor) as session:
        for n in range(count):
            write_note(
                session,
                ws,
                zoe,
                narrative=_note_text(),
                contact_type="home_visit",
                occurred_at=clock.now() - timedelta(minutes=n + 1),
            )


def test_a_real_large_batch_goes_through(server: RunningServer, laptop: Laptop) -> None:
    """2,000 notes at the longest a note may be (40 MB of journal): the laptop sends them
    in batches under its byte limit, and the server takes every one."""
    ws = laptop("Sam Taylor")
    people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    _long_notes(ws, MAX_PUSH_BATCH)
    with ws.store.read() as session:
        pending = outbox.pending_count(session.connection())
        first = outbox.next_batch(session.connection(), MAX_PUSH_BATCH)
    assert first is not None
    assert MAX_PUSH_BYTES <= len(first.body) < MAX_PUSH_BODY_BYTES
    report = sync(ws, push_batch=MAX_PUSH_BATCH)
    assert not report.refused
    with ws.store.read() as session:
        assert outbox.pending_count(session.connection()) == 0
    with server.store.engine.connect() as conn:
        held = conn.execute(
            select(func.count()).select_from(s.changes).where(s.changes.c.entity == "contact_note")
        ).scalar_one()
    assert held == MAX_PUSH_BATCH
    assert pending >= MAX_PUSH_BATCH
