"""Every endpoint in the server's OpenAPI schema, fuzzed by schemathesis against the
ASGI app on a real SQLite store: no 500, and no state change from a rejected request.

Twice: as generated (unsigned: the auth layer must refuse every /sync and /partner
call plainly), and signed by an enrolled laptop or a partner server (a test hook
signs each generated body), so the payload parsers behind the signature check are
reached too. Replay bookkeeping (nonces, a device's last-seen time) is the only
thing a signed-but-rejected request may write; it is left out of the comparison.

ONERECORD_SOAK_FUZZ_EXAMPLES raises the examples per endpoint (default 25)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from sqlalchemy import inspect, select, text
from starlette.testclient import TestClient

from sync import signing
from sync.server import directory, partners
from sync.server.app import create_app
from sync.server.store import ServerStore
from tests.reliability.helpers import env_int

EXAMPLES = env_int("ONERECORD_SOAK_FUZZ_EXAMPLES", 25)
BOOKKEEPING = {"nonces"}
BOOKKEEPING_COLUMNS = {"last_seen_at"}


class Fixture:
    def __init__(self, folder: Path) -> None:
        self.store = ServerStore(f"sqlite:///{folder / 'server.db'}")
        directory.organisation(self.store, "Dales Community Health")
        directory.add_team(self.store, "Fuzz Locality")
        directory.add_user(self.store, "Sam Taylor", "community_nurse", "Fuzz Locality")
        self.device_key = signing.new_private_key()
        code = directory.new_enrolment_code(self.store, "Sam Taylor")
        self.device_id = directory.enrol(
            self.store, code, signing.public_key_of(self.device_key), "fuzz"
        ).device_id
        peer = ServerStore(f"sqlite:///{folder / 'peer.db'}")
        directory.organisation(peer, "Craven Council")
        partners.add_partner(
            self.store, "Craven", "http://127.0.0.1:9", partners.identity_card(peer)
        )
        self.peer_id, self.peer_key = peer.server_id, partners.server_key(peer)
        peer.close()
        self.app = create_app(self.store)
        self.client = TestClient(self.app, raise_server_exceptions=False)

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table (bar replay bookkeeping), in a stable order."""
        state: dict[str, list[tuple[Any, ...]]] = {}
        names = inspect(self.store.engine).get_table_names()
        with self.store.engine.connect() as conn:
            for name in sorted(set(names) - BOOKKEEPING):
                columns = [
                    c["name"]
                    for c in inspect(self.store.engine).get_columns(name)
                    if c["name"] not in BOOKKEEPING_COLUMNS
                ]
                rows = conn.execute(text(f'SELECT {", ".join(columns)} FROM "{name}"')).all()
                state[name] = sorted((tuple(r) for r in rows), key=repr)
        return state


@pytest.fixture
def fuzz(tmp_path: Path) -> Iterator[Fixture]:
    made = Fixture(tmp_path)
    yield made
    made.client.close()
    made.store.close()


def _operations() -> list[Any]:
    """The published schema's operations, read once at collection (the schema depends
    only on the routes, so a throwaway in-memory store serves)."""
    app = create_app(ServerStore("sqlite://"))
    schema = schemathesis.openapi.from_dict(app.openapi())
    return [result.ok() for result in schema.get_all_operations()]


OPERATIONS = _operations()
IDS = [f"{op.method.upper()} {op.path}" for op in OPERATIONS]
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


def _cases(operation: Any) -> Any:
    """Valid requests and, as often, requests that break the schema."""
    return st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )


def _body(case: Any) -> bytes:
    body = getattr(case, "body", None)
    if body is None or type(body).__name__ == "NotSet":
        return b""
    if isinstance(body, bytes):
        return body
    return json.dumps(body).encode()


def _send(fuzz: Fixture, case: Any, *, signer: tuple[str, bytes] | None) -> Any:
    url = case.formatted_path
    if case.query:
        url += "?" + urlencode(case.query, doseq=True)
    body = _body(case)
    request = fuzz.client.build_request(
        case.method, url, content=body or None, headers={"content-type": "application/json"}
    )
    if signer is not None:
        who, key = signer
        path = request.url.raw_path.decode("ascii")
        request.headers.update(signing.sign(key, who, case.method, path, request.content))
    return fuzz.client.send(request)


def _check(fuzz: Fixture, case: Any, signer: tuple[str, bytes] | None) -> None:
    before = fuzz.snapshot()
    response = _send(fuzz, case, signer=signer)
    assert response.status_code < 500, (case.method, case.path, response.text[:200])
    if response.status_code >= 400:
        assert fuzz.snapshot() == before, f"a rejected {case.method} {case.path} changed state"
        detail = response.json().get("detail")
        assert isinstance(detail, str) and "\n" not in detail and "Traceback" not in detail
    elif case.path == "/sync/push":
        refused = {r["change_id"] for r in response.json()["refused"]}
        with fuzz.store.engine.connect() as conn:
            stored = set(conn.execute(text("SELECT change_id FROM changes")).scalars())
        assert not refused & stored, "a refused change was stored"


@pytest.mark.slow
@pytest.mark.parametrize("operation", OPERATIONS, ids=IDS)
def test_unsigned_requests_never_crash_or_change_anything(operation: Any, fuzz: Fixture) -> None:
    @FUZZ
    @given(case=_cases(operation))
    def run(case: Any) -> None:
        _check(fuzz, case, signer=None)
        if case.path.startswith(("/sync/", "/partner/")):
            assert _send(fuzz, case, signer=None).status_code in (400, 401)

    run()


@pytest.mark.slow
@pytest.mark.parametrize("operation", OPERATIONS, ids=IDS)
def test_signed_payloads_never_crash_and_rejections_change_nothing(
    operation: Any, fuzz: Fixture
) -> None:
    signer = (
        (fuzz.peer_id, fuzz.peer_key)
        if operation.path.startswith("/partner/")
        else (fuzz.device_id, fuzz.device_key)
    )

    @FUZZ
    @given(case=_cases(operation))
    def run(case: Any) -> None:
        _check(fuzz, case, signer=signer)

    run()


def test_the_schema_lists_every_endpoint(fuzz: Fixture) -> None:
    """The fuzzers above only reach what the schema publishes: make sure that is all."""
    published = set(fuzz.client.get("/openapi.json").json()["paths"])
    routed = {r.path for r in fuzz.app.routes if not r.path.startswith(("/docs", "/redoc"))}
    assert routed - {"/openapi.json", "/docs/oauth2-redirect"} <= published
    assert {"/enrol", "/sync/push", "/sync/pull", "/health", "/partner/pull"} <= published
    with fuzz.store.engine.connect() as conn:
        assert conn.execute(select(text("1"))).scalar() == 1
