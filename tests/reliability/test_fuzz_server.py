"""Every endpoint in the server's OpenAPI schema, fuzzed by schemathesis against the
ASGI app on a real SQLite store: no 500, and no state change from a rejected request.

Twice: as generated (unsigned: the auth layer must refuse every /sync and /partner
call plainly), and signed by an enrolled laptop or a partner server (a test hook
signs each generated body), so the payload parsers behind the signature check are
reached too. Replay bookkeeping (nonces, a device's last-seen time) is the only
thing a signed-but-rejected request may write; it is left out of the comparison.

Pushes get a run of their own that reaches storage: a real `onerecord-server`
process, a nurse's laptop enrolled with it, and each push signed with that laptop's
key, half of them what her laptop really sends (tests/reliability/nurse_changes.py:
a person registered in her team, notes, goals and other records for them, edits),
half schemathesis' own schema-valid and malformed bodies. The share of nurse pushes
the server stored is printed and held above a floor, and a colleague's laptop then
pulls everything stored and passes `onerecord check`.

ONERECORD_SOAK_FUZZ_EXAMPLES raises the examples per endpoint (default 25; the push
run gets twice as many, each sending one of her pushes and one generated body)."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from sqlalchemy import Engine, func, inspect, select, text
from starlette.testclient import TestClient

from app.services.profile.integrity import check
from app.workspace import Workspace
from storage import settings as profile_settings
from storage.tables import journalled_tables
from sync import signing, transport
from sync.client import settings as sync_settings
from sync.protocol import EnrolRequest
from sync.server import directory, limits
from sync.server import schema as server_schema
from sync.server.app import create_app
from sync.server.beyond_team import SEARCHES_PER_MINUTE
from sync.server.partners import agreements as partners
from sync.server.store import ServerStore
from tests.reliability.helpers import ServerProcess, env_int, new_laptop, open_laptop
from tests.reliability.nurse_changes import Nurse, every_edit, nhs_numbers, nurse_push

EXAMPLES = env_int("ONERECORD_SOAK_FUZZ_EXAMPLES", 25)
PUSHES = 2 * EXAMPLES  # each sends two pushes
# Of the nurse's pushes, the share the server must store something from. Today it
# stores every one; the floor leaves room for refusals the server may learn to make
# (by scope, role, row validity) without letting the run stop reaching storage.
STORED_FLOOR = 0.3
# The fuzzer's own search limit: every signed search it generates reaches the search
# (the real limit, 10 a minute, would answer 429 from the eleventh on).
FUZZ_SEARCHES_PER_MINUTE = 100_000
BOOKKEEPING = {"nonces"}
BOOKKEEPING_COLUMNS = {"last_seen_at"}


class Fixture:
    def __init__(self, folder: Path) -> None:
        self.store = ServerStore(f"sqlite:///{folder / 'server.db'}")
        directory.organisation(self.store, "Dales Community Health")
        directory.add_team(self.store, "Fuzz Locality")
        directory.add_user(self.store, "Sam Taylor", "community_nurse", "Fuzz Locality")
        peer = ServerStore(f"sqlite:///{folder / 'peer.db'}")
        directory.organisation(peer, "Craven Council")
        partners.add_partner(
            self.store, "Craven", "http://127.0.0.1:9", partners.identity_card(peer)
        )
        self.peer_id, self.peer_key = peer.server_id, partners.server_key(peer)
        peer.close()
        self.app = create_app(self.store, searches_per_minute=FUZZ_SEARCHES_PER_MINUTE)
        self.client = TestClient(self.app, raise_server_exceptions=False)
        # Enrolled as a laptop is: a one-time code and its public key sent to /enrol.
        self.device_id = str(uuid.uuid4())  # asked for, and ignored: the server assigns one
        self.device_key = signing.new_private_key()
        enrolled = self.client.post(
            "/enrol",
            json=EnrolRequest(
                code=directory.new_enrolment_code(self.store, "Sam Taylor"),
                device_id=self.device_id,
                public_key=signing.public_key_of(self.device_key),
                device_name="fuzz",
            ).model_dump(),
        )
        assert enrolled.status_code == 200, enrolled.text
        self.device_id = enrolled.json()["device_id"]  # the server's choice, not ours

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        return snapshot(self.store.engine)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (bar replay bookkeeping), in a stable order. The
    tables are the server's schema (read from its metadata, not reflected: reflection
    cost more than the rows, twice per example)."""
    state: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for name, table in sorted(server_schema.metadata.tables.items()):
            if name in BOOKKEEPING:
                continue
            columns = [c for c in table.columns if c.name not in BOOKKEEPING_COLUMNS]
            rows = conn.execute(select(*columns)).all()
            state[name] = sorted((tuple(r) for r in rows), key=repr)
    return state


def test_the_snapshot_sees_every_table(fuzz: Fixture) -> None:
    """The comparison covers every table the server's database really has."""
    assert set(inspect(fuzz.store.engine).get_table_names()) - BOOKKEEPING == set(fuzz.snapshot())


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
PUSH = next(op for op in OPERATIONS if op.method.upper() == "POST" and op.path == "/sync/push")
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


def _request(client: httpx.Client, case: Any) -> httpx.Request:
    url = case.formatted_path
    if case.query:
        url += "?" + urlencode(case.query, doseq=True)
    body = _body(case)
    return client.build_request(
        case.method, url, content=body or None, headers={"content-type": "application/json"}
    )


def _send(fuzz: Fixture, case: Any, *, signer: tuple[str, bytes] | None) -> Any:
    request = _request(fuzz.client, case)
    if signer is not None:
        who, key = signer
        path = request.url.raw_path.decode("ascii")
        request.headers.update(signing.sign(key, who, case.method, path, request.content))
    return fuzz.client.send(request)


def _plain(response: httpx.Response) -> None:
    detail = response.json().get("detail")
    assert isinstance(detail, str) and "\n" not in detail and "Traceback" not in detail


def _check(fuzz: Fixture, case: Any, signer: tuple[str, bytes] | None) -> None:
    before = fuzz.snapshot()
    response = _send(fuzz, case, signer=signer)
    assert response.status_code < 500, (case.method, case.path, response.text[:200])
    if response.status_code >= 400:
        assert fuzz.snapshot() == before, f"a rejected {case.method} {case.path} changed state"
        _plain(response)
    elif case.path in ("/sync/push", "/sync/push-audit"):
        _refused_not_stored(fuzz.store.engine, response)


def _refused_not_stored(engine: Engine, response: httpx.Response) -> None:
    refused = {r["change_id"] for r in response.json()["refused"]}
    with engine.connect() as conn:
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
            status = _send(fuzz, case, signer=None).status_code
            # Refused as unsigned, or (a body generated past the route's limit, which
            # the positive strategy can reach with its largest values) before a byte
            # of it is read.
            too_large = len(_body(case)) > limits.route_limit(case.path)
            assert status in (400, 401) or (status == 413 and too_large), status

    run()


SIGNED = [op for op in OPERATIONS if op is not PUSH]


@pytest.mark.slow
@pytest.mark.parametrize("operation", SIGNED, ids=[IDS[OPERATIONS.index(op)] for op in SIGNED])
def test_signed_payloads_never_crash_and_rejections_change_nothing(
    operation: Any, fuzz: Fixture
) -> None:
    """Signed pushes have their own run below, which reaches storage."""
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


def test_the_fuzz_server_has_its_own_search_limit(fuzz: Fixture) -> None:
    """The fuzzer's searches all reach the search: its server was given its own limit,
    past the one every real server keeps (tests/sync/test_break_glass_beyond_team.py
    holds that one at 10 a minute)."""
    answers = Counter(
        _send(fuzz, _Search(), signer=(fuzz.device_id, fuzz.device_key)).status_code
        for _ in range(SEARCHES_PER_MINUTE + 5)
    )
    assert answers == {200: SEARCHES_PER_MINUTE + 5}


@dataclass
class _Search:
    """A signed search as a generated case looks, for _send."""

    method: str = "POST"
    formatted_path: str = "/sync/beyond-team"
    query: dict[str, str] = field(default_factory=dict)
    # The words travel in the signed body, never the URL (no query string to log).
    body: dict[str, str] = field(default_factory=lambda: {"q": "taylor"})


# -- signed pushes that reach storage ------------------------------------------------


@dataclass
class NurseServer:
    server: ServerProcess
    nurse: Nurse
    key: bytes
    folder: Path


@pytest.fixture
def nurse_server(tmp_path: Path) -> Iterator[NurseServer]:
    """A real `onerecord-server` and a nurse's laptop enrolled with it (then locked:
    the fuzz signs with the key her enrolment made and stored in her profile)."""
    server = ServerProcess(f"sqlite:///{tmp_path / 'server.db'}")
    try:
        ws = open_laptop(new_laptop(server, tmp_path / "nurse", "Nurse Fuzz"))
        try:
            with ws.store.read() as session:
                enrolment = sync_settings.enrolment(session)
                team = profile_settings.get(session, profile_settings.HOME_TEAM)
            actor = ws.actor
            assert enrolment and team and actor.user_id and actor.role and actor.organisation_id
            nurse = Nurse(
                device_id=ws.store.device_id,
                user_id=actor.user_id,
                organisation_id=actor.organisation_id,
                role=actor.role,
                team_id=team,
            )
        finally:
            ws.close()
        yield NurseServer(server, nurse, enrolment.private_key, tmp_path)
    finally:
        server.close()


@dataclass
class PushTally:
    """What the push run saw: printed, and the floor is asserted on it."""

    examples: int = 0
    nurse_pushes: int = 0
    nurse_stored: int = 0
    changes_sent: int = 0
    changes_stored: int = 0
    refusals: Counter[str] = field(default_factory=Counter)
    # (table, id) of every record a stored create or append made
    records: set[tuple[str, str]] = field(default_factory=set)
    # (table, field) of every stored edit
    fields: set[tuple[str, str]] = field(default_factory=set)
    # every stored create and append
    creates: list[dict[str, Any]] = field(default_factory=list)
    generated: Counter[int] = field(default_factory=Counter)

    @property
    def share(self) -> float:
        return self.nurse_stored / self.nurse_pushes if self.nurse_pushes else 0.0

    def lines(self) -> str:
        return "\n".join(
            [
                f"push fuzz: {self.examples} examples",
                f"  nurse pushes (one an example, then one editing every field): "
                f"{self.nurse_pushes}, of which stored something: "
                f"{self.nurse_stored} ({self.share:.0%}); changes {self.changes_stored} "
                f"stored of {self.changes_sent} sent",
                f"  schemathesis bodies, by answer: {dict(sorted(self.generated.items()))}",
                *(f"  refused {n}x: {reason}" for reason, n in self.refusals.most_common(8)),
            ]
        )


def _taken(engine: Engine, response: httpx.Response, held: int) -> Any:
    """The push's answer, once its refused changes are found not stored and what it
    says it took is found stored, no more (`held`: changes stored before it)."""
    _refused_not_stored(engine, response)
    answer = response.json()
    assert _stored(engine) - held == answer["accepted"]
    return answer


def _stored(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(server_schema.changes)).scalar())


@pytest.mark.slow
def test_signed_pushes_reach_storage_and_malformed_ones_change_nothing(
    nurse_server: NurseServer,
) -> None:
    server, nurse = nurse_server.server, nurse_server.nurse
    engine = server.store.engine
    tally = PushTally()
    numbers = nhs_numbers()
    # The product's own signed client (sync/transport.py) with her key.
    http = transport.client(server.url, device_id=nurse.device_id, private_key=nurse_server.key)
    # Each example sends one of her pushes and one schemathesis body (schema-valid or
    # malformed), in either order.
    generated = st.sampled_from(list(GenerationMode)).flatmap(PUSH.as_strategy)
    pairs = st.tuples(nurse_push(nurse, numbers), generated, st.booleans())

    def send_hers(push: list[dict[str, Any]]) -> None:
        held = _stored(engine)
        response = http.post("/sync/push", json={"changes": push})
        assert response.status_code == 200, response.text[:200]
        answer = _taken(engine, response, held)
        tally.nurse_pushes += 1
        tally.nurse_stored += answer["accepted"] > 0
        tally.changes_sent += len(push)
        tally.changes_stored += answer["accepted"]
        tally.refusals.update(r["reason"] for r in answer["refused"])
        refused = {r["change_id"] for r in answer["refused"]}
        tally.fields.update(
            (c["entity"], c["field"])
            for c in push
            if c["op"] == "set" and c["change_id"] not in refused
        )
        tally.creates += [
            c for c in push if c["op"] in ("create", "append") and c["change_id"] not in refused
        ]
        tally.records.update(
            (c["entity"], c["entity_id"])
            for c in push
            if c["op"] in ("create", "append") and c["change_id"] not in refused
        )

    def send_generated(case: Any) -> None:
        before, held = snapshot(engine), _stored(engine)
        response = http.send(_request(http, case))
        assert response.status_code < 500, response.text[:200]
        tally.generated[response.status_code] += 1
        if response.status_code >= 400:
            assert snapshot(engine) == before, "a rejected push changed state"
            _plain(response)
        else:
            _taken(engine, response, held)

    @settings(FUZZ, max_examples=PUSHES)
    @given(pair=pairs)
    def run(pair: tuple[list[dict[str, Any]], Any, bool]) -> None:
        tally.examples += 1
        hers, generated, hers_first = pair
        if hers_first:
            send_hers(hers)
            send_generated(generated)
        else:
            send_generated(generated)
            send_hers(hers)

    try:
        run()
        assert tally.share >= STORED_FLOOR, tally.lines()
        # Then one more push edits every field her pushes may edit, of records stored
        # above: a field the wire or the server cannot take (address_line1 once) fails.
        edits = every_edit(nurse, tally.creates)
        send_hers(edits)
        assert tally.fields == {(c["entity"], c["field"]) for c in edits}
    finally:
        http.close()
        print(tally.lines())
    # What reached storage is what a laptop takes: a colleague in her team pulls all
    # of it, and her profile then passes `onerecord check` (the record's own rules,
    # the journal replayed against the tables, the audit chain).
    colleague = open_laptop(new_laptop(server, nurse_server.folder / "colleague", "Colleague"))
    try:
        report = check(colleague)
        assert report.ok, "\n".join(report.lines())
        assert _held(colleague, tally.records) == tally.records
    finally:
        colleague.close()


def _held(ws: Workspace, records: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these (table, id) records the laptop holds."""
    tables = journalled_tables()
    held: set[tuple[str, str]] = set()
    with ws.store.read() as session:
        for name in {table for table, _ in records}:
            cls: Any = tables[name]
            wanted = [i for table, i in records if table == name]
            found = session.execute(select(cls.id).where(cls.id.in_(wanted))).scalars()
            held.update((name, i) for i in found)
    return held


def test_the_schema_lists_every_endpoint(fuzz: Fixture) -> None:
    """The fuzzers above only reach what the schema publishes: make sure that is all."""
    published = set(fuzz.client.get("/openapi.json").json()["paths"])
    routed = {r.path for r in fuzz.app.routes if not r.path.startswith(("/docs", "/redoc"))}
    assert routed - {"/openapi.json", "/docs/oauth2-redirect"} <= published
    assert {"/enrol", "/sync/push", "/sync/pull", "/health", "/partner/pull"} <= published
    with fuzz.store.engine.connect() as conn:
        assert conn.execute(select(text("1"))).scalar() == 1
