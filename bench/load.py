"""Load: many laptops, each in its own process, writing and syncing at once against
`onerecord-server` in its own process, for a bounded time; then proof that no change
was lost or duplicated, and the throughput and latency the server gave.

    .venv/bin/python bench/load.py [--laptops 50] [--seconds 30] [--postgres URL] [--no-sqlite]

Laptops work in locality teams of five (--team-size): each enrols, registers one
(synthetic) person, then until the time is up:
writes 1-5 visit notes, sometimes edits the person, and syncs. Every HTTP request
is timed at the laptop (p95 reported). At the end every laptop syncs once more and
each laptop's own changes are compared with what the server holds for it.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from app.services.care.notes import add_note
from app.services.record import people
from app.workspace import create, unlock
from bench._stats import summary
from bench.sync import KDF, PASSPHRASE, OutOfProcessServer, _nhs
from bench.tally import LaptopSide, laptop_side, server_side, tally
from sync.client.enrol import enrol
from sync.client.session import SyncSession
from sync.server import directory
from sync.server.store import ServerStore
from sync.transport import ServerUnreachableError


class TimedTransport(httpx.HTTPTransport):
    """Times each request to its last byte, at the laptop."""

    def __init__(self, samples: list[float]) -> None:
        super().__init__()
        self.samples = samples

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        began = time.perf_counter()
        response = super().handle_request(request)
        response.read()
        self.samples.append((time.perf_counter() - began) * 1000)
        return response


@dataclass
class LaptopResult:
    device_id: str
    requests_ms: list[float] = field(default_factory=list)
    syncs_ms: list[float] = field(default_factory=list)
    pushed_in_window: int = 0
    requests_in_window: int = 0
    deferred: int = 0
    side: LaptopSide | None = None  # what it holds and shows, after the last sync


def prepare(n: int, folder: str, url: str, code: str) -> str:
    """A new laptop: profile, enrolment, one person on its caseload (own process)."""
    ws = create(Path(folder) / f"laptop-{n}", PASSPHRASE, user_name=f"Load User {n}", kdf=KDF)
    enrol(ws, url, code)
    path = ws.store.path
    ws.close()
    # Unlocked again, as the enrolled member of staff; the first sync brings the team's
    # directory, so the person registered next joins the team's caseload.
    ws = unlock(path, PASSPHRASE, for_sync=True)
    session = SyncSession(ws)
    try:
        session.run()
    finally:
        session.close()
    people.register(ws, people.NewPerson(_nhs(n), f"Person{n}", "Load", "1940-01-01", "DL8 3AB"))
    ws.close()
    return str(path)


def laptop(n: int, path: str, start_at: float, stop_at: float) -> LaptopResult:
    """One laptop's working day, compressed (runs in its own process)."""
    rng = random.Random(n)
    ws = unlock(Path(path), PASSPHRASE, for_sync=True)
    nhs = _nhs(n)
    result = LaptopResult(ws.store.device_id)
    time.sleep(max(0.0, start_at - time.time()))
    k = 0
    while time.time() < stop_at:
        for _ in range(rng.randint(1, 5)):
            k += 1
            add_note(ws, nhs, f"Load visit {k}: medicines taken, no concerns.")
        if rng.random() < 0.3:
            people.edit(ws, nhs, {"preferred_name": f"P{k}"})
        before = len(result.requests_ms)
        began = time.perf_counter()
        session = SyncSession(ws, transport=TimedTransport(result.requests_ms))
        try:
            result.pushed_in_window += session.run().pushed
            result.syncs_ms.append((time.perf_counter() - began) * 1000)
        except ServerUnreachableError:
            result.deferred += 1  # retried next round: counted, never hidden
        finally:
            session.close()
        result.requests_in_window += len(result.requests_ms) - before
    for _ in range(3):  # the window is over: settle up
        session = SyncSession(ws)
        try:
            session.run()
            break
        except ServerUnreachableError:
            time.sleep(1)
        finally:
            session.close()
    result.side = laptop_side(ws)
    ws.close()
    return result


@dataclass
class LoadReport:
    label: str
    laptops: int
    seconds: float
    changes: int
    requests: int
    lost: int
    duplicated: int
    deferred: int
    request_p95_ms: float
    sync_p95_ms: float
    lines: list[str]


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples) or [0.0]
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run_load(
    label: str, db_url: str, laptops: int, seconds: float, team_size: int = 5
) -> LoadReport:
    """Laptops in locality teams of `team_size`: each pulls what its team writes."""
    store = ServerStore(db_url)
    directory.organisation(store, "Load Trust")
    run = uuid.uuid4().hex[:6]
    codes = []
    for n in range(laptops):
        team = f"Load {run} team {n // team_size}"
        if n % team_size == 0:
            directory.add_team(store, team)
        directory.add_user(store, f"Load User {n}", "community_nurse", team)
        codes.append(directory.new_enrolment_code(store, f"Load User {n}"))
    store.close()
    server = OutOfProcessServer(db_url)
    try:
        spawn = get_context("spawn")
        with (
            tempfile.TemporaryDirectory() as folder,
            ProcessPoolExecutor(max_workers=laptops, mp_context=spawn) as pool,
        ):
            every = range(laptops)
            paths = list(
                pool.map(prepare, every, [folder] * laptops, [server.url] * laptops, codes)
            )
            # Every laptop exists and its process is warm: start together.
            start_at = time.time() + 3
            stop_at = start_at + seconds
            results = list(
                pool.map(laptop, every, paths, [start_at] * laptops, [stop_at] * laptops)
            )
    finally:
        server.stop()
    lost = duplicated = checked = 0
    with server.store.engine.connect() as conn:
        for r in results:
            assert r.side is not None
            seen = tally(r.side, server_side(conn, r.device_id))
            lost += seen.lost
            duplicated += seen.duplicated
            checked += seen.changes
    server.store.close()
    requests = [ms for r in results for ms in r.requests_ms]
    syncs = [ms for r in results for ms in r.syncs_ms]
    changes = sum(r.pushed_in_window for r in results)
    n_requests = sum(r.requests_in_window for r in results)
    deferred = sum(r.deferred for r in results)
    lines = [
        f"== {label}: {laptops} laptops (teams of {team_size}) for {seconds:g} s "
        f"on {os.cpu_count()} cores",
        f"changes pushed {changes:,} ({changes / seconds:,.0f}/s), requests {n_requests:,} "
        f"({n_requests / seconds:,.0f}/s), syncs deferred {deferred}",
        summary("request latency at the laptop", requests or [0.0]),
        summary("whole sync (push, pull, apply)", syncs or [0.0]),
        f"checked {checked:,} changes: {lost} lost, {duplicated} duplicated",
    ]
    return LoadReport(
        label,
        laptops,
        seconds,
        changes,
        n_requests,
        lost,
        duplicated,
        deferred,
        _p95(requests),
        _p95(syncs),
        lines,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--laptops", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--team-size", type=int, default=5)
    parser.add_argument("--postgres", help="also run against this PostgreSQL URL")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    reports = []
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'server.db'}"
            reports.append(run_load("SQLite", url, args.laptops, args.seconds, args.team_size))
            print("\n".join(reports[-1].lines), flush=True)
    if args.postgres:
        import sqlalchemy as sa

        name = f"load_{uuid.uuid4().hex[:8]}"
        engine = sa.create_engine(args.postgres)
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {name}"))
        try:
            url = f"{args.postgres}?options=-csearch_path%3D{name}"
            reports.append(run_load("PostgreSQL", url, args.laptops, args.seconds, args.team_size))
            print("\n".join(reports[-1].lines), flush=True)
        finally:
            with engine.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))
            engine.dispose()
    return 0 if all(r.lost == r.duplicated == 0 for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
