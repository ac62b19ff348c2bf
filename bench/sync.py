"""Sync budgets over loopback, against a real server on SQLite and (when given) PostgreSQL.

    .venv/bin/python bench/sync.py [--postgres URL] [--skip-team | --team-only] [--reuse]
                                   [--team-people 5000] [--laptops 20]

Prints median and p95 for: pushing then pulling 10,000 changes; a sync with
nothing to do; the first sync of a new laptop for a 5,000-person team; and
server throughput with 20 laptops syncing at once. Synthetic data only.

Building the team's caseload and pushing it to a server takes minutes; on SQLite
the server's database is kept in bench/out/sync-team-N once made, and `--reuse`
starts the team's server from a copy of it (made again when the schema, the demo
generator or the server's tables have changed since).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from sqlalchemy import text, update

from app.demo.generator import build_demo_caseload
from app.services.record import people
from app.workspace import Workspace, create, open_workspace, unlock
from bench._profiles import OUT
from bench._stats import summary
from storage import profile
from storage.bulk import insert_rows
from storage.ids import new_id
from storage.keyvault import KdfParams
from storage.migrate import head_revision
from storage.tables import ContactNote
from sync.client import outbox
from sync.client.enrol import enrol
from sync.client.session import SyncReport, SyncSession
from sync.protocol import PushRequest
from sync.server import directory, schema
from sync.server.embedded import free_port
from sync.server.store import ServerStore
from sync.server.store import _transaction as store_transaction

PASSPHRASE = "benchmark passphrase, synthetic data only"
KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)  # the KDF is not what is measured
TEAM = "Benchmark Locality"
ROOT = Path(__file__).resolve().parents[1]


class OutOfProcessServer:
    """`onerecord-server` in its own process, as deployed: the laptop's timings then
    include no server work done on the laptop's own interpreter."""

    def __init__(self, db_url: str) -> None:
        self.store = ServerStore(db_url)  # administration, as the server CLI does it
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sync.server.cli", "serve", "--db", db_url, "--port", str(port)],
            cwd=Path(__file__).resolve().parents[1],
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the benchmark server did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class Bench:
    def __init__(self, db_url: str, folder: Path, *, made: bool = False) -> None:
        """`made`: the database already holds the organisation and the team."""
        self.folder = folder
        store = ServerStore(db_url)
        directory.organisation(store, "Benchmark Trust")
        self.team_id = (
            directory.team_id_by_name(store, TEAM) if made else directory.add_team(store, TEAM)
        )
        store.close()
        self.server = OutOfProcessServer(db_url)
        self.count = 0

    def laptop(
        self,
        *,
        empty: bool = False,
        team: str = TEAM,
        before_enrol: Callable[[Workspace], object] | None = None,
        first_sync: bool = True,
    ) -> Workspace:
        self.count += 1
        name = f"Bench User {self.count}"
        directory.add_user(self.server.store, name, "community_nurse", team)
        path = self.folder / f"laptop-{self.count}"
        if empty:
            ws = open_workspace(profile.create(path, PASSPHRASE, kdf=KDF))
        else:
            ws = create(path, PASSPHRASE, user_name=name, kdf=KDF)
        if before_enrol is not None:
            before_enrol(ws)
        enrol(ws, self.server.url, directory.new_enrolment_code(self.server.store, name))
        path = ws.store.path
        ws.close()
        ws = unlock(path, PASSPHRASE, for_sync=True)
        if first_sync:
            sync(ws)
        return ws

    def close(self) -> None:
        self.server.stop()
        self.server.store.close()


def sync(ws: Workspace, **kwargs: object) -> SyncReport:
    session = SyncSession(ws, **kwargs)  # type: ignore[arg-type]
    try:
        return session.run()
    finally:
        session.close()


def add_notes(ws: Workspace, person_id: str, count: int) -> None:
    now = datetime.now(UTC)
    with ws.store.write(ws.actor) as session:
        insert_rows(
            session,
            ContactNote,
            [
                {
                    "id": new_id(),
                    "person_id": person_id,
                    "contact_type": "home_visit",
                    "occurred_at": now,
                    "narrative": f"Benchmark visit note {n}: walked to the kitchen with the frame, "
                    "medicines taken, no concerns raised by her daughter.",
                    "linked_goal_ids": "[]",
                    # Written as the laptop's own user, as the app does (the write policy
                    # refuses a note in anyone else's name).
                    "author_id": ws.actor.user_id,
                    "author_role": ws.actor.role,
                    "organisation_id": ws.actor.organisation_id,
                }
                for n in range(count)
            ],
        )


def push_and_pull(
    bench: Bench, rounds: int, changes: int, *, noop: bool = True, nhs: str = "9990000018"
) -> None:
    writer = bench.laptop()
    reader = bench.laptop()
    person_id = people.register(
        writer, people.NewPerson(nhs, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB")
    )
    sync(writer)
    sync(reader)
    push_ms, pull_ms = [], []
    for _ in range(rounds):
        add_notes(writer, person_id, changes)
        start = time.perf_counter()
        report = sync(writer, push_batch=2000)
        push_ms.append((time.perf_counter() - start) * 1000)
        assert report.pushed >= changes, report
        start = time.perf_counter()
        report = sync(reader, pull_page=5000)
        pull_ms.append((time.perf_counter() - start) * 1000)
        assert report.pulled >= changes, report
    # Issue 21's budgets are for 10,000 changes; a routine sync is reported as measured.
    big = changes >= 10_000
    print(summary(f"push {changes:,} changes (sync incl. push)", push_ms, 300 if big else None))
    print(
        summary(
            f"pull {changes:,} changes (sync incl. pull + apply)", pull_ms, 350 if big else None
        )
    )
    if not noop:
        writer.close()
        reader.close()
        return
    print(summary("sync with nothing to do (1 round trip)", quiet_syncs(reader), 3))
    writer.close()
    reader.close()


def quiet_syncs(ws: Workspace, runs: int = 50) -> list[float]:
    """Milliseconds of each of `runs` syncs with nothing to do (one round trip each)."""
    quiet = []
    for _ in range(runs):
        start = time.perf_counter()
        report = sync(ws)
        quiet.append((time.perf_counter() - start) * 1000)
        assert report.round_trips == 1, report
    return quiet


def first_sync_of_a_team(bench: Bench, people_count: int) -> None:
    """A new laptop's first sync, on a server holding the team's caseload."""
    newcomer = bench.laptop(empty=True, first_sync=False)
    seen: list[tuple[float, int]] = []
    start = time.perf_counter()
    # The page size the app chooses (the largest the server sends, once far behind).
    report = sync(
        newcomer,
        progress=lambda stage, done, total: (
            seen.append((time.perf_counter(), done)) if stage == "pull" else None
        ),
    )
    elapsed = time.perf_counter() - start
    # Whether a page costs more as the laptop fills: the first and last fifth's rates.
    fifth = max(1, len(seen) // 5)
    for name, part in (("first", seen[: fifth + 1]), ("last", seen[-fifth - 1 :])):
        if len(part) > 1 and part[-1][0] > part[0][0]:
            rate = (part[-1][1] - part[0][1]) / (part[-1][0] - part[0][0])
            print(f"  {name} fifth of the pages: {rate:,.0f} changes/s")
    with newcomer.store.engine.connect() as conn:
        held = conn.execute(text("SELECT count(*) FROM person")).scalar()
    print(
        f"first sync of a new laptop: {report.pulled:,} changes, {held:,} people, "
        f"{report.round_trips} round trips, {elapsed:.1f} s, "
        f"{report.pulled / elapsed:,.0f} changes/s ({len(seen)} progress updates)"
    )
    # DESIGN.md's budget for a sync with nothing to do is on the reference caseload:
    # this laptop now holds the whole team's.
    label = f"sync with nothing to do, {held:,} people held (1 round trip)"
    print(summary(label, quiet_syncs(newcomer), 3))
    newcomer.close()


def team_caseload(bench: Bench, people_count: int) -> None:
    """The server as it stands once a team's laptops have pushed a caseload's history.

    One profile builds the demo caseload (as its many staff, with their own clock
    stamps), and its journal goes into the server's store through the same insert a
    push ends in (ids, owners, each person's team), but without a laptop user's write
    policy: the changes are in the names of the demo's nurses, social workers and
    therapists, whose own laptops would each have sent their share. What this
    benchmark measures is the newcomer's download, not those pushes (`push 10,000`
    above measures a push)."""
    start = time.perf_counter()
    source = open_workspace(profile.create(bench.folder / "team-source", PASSPHRASE, kdf=KDF))
    build_demo_caseload(source.store, people=people_count, seed=2026)
    built = time.perf_counter() - start
    store = bench.server.store
    seeder = {"device_id": source.store.device_id, "team_id": bench.team_id, "user_id": None}
    taken = 0
    start = time.perf_counter()
    with source.store.read() as session:
        batch = outbox.next_batch(session.connection(), 2000)
        while batch is not None:
            changes = PushRequest.model_validate_json(batch.body).changes
            with store_transaction(store.engine) as conn:
                accepted, _duplicates, refused = store._insert(conn, seeder, list(changes))
            assert not refused, refused[:3]
            taken += accepted
            batch = outbox.next_batch(session.connection(), 2000, after=batch)
    source.close()
    # The demo made its own team; its people are the server's benchmark team's.
    with store.engine.begin() as conn:
        conn.execute(update(schema.person_team).values(team_id=bench.team_id))
    print(
        f"built a {people_count:,}-person caseload in {built:.0f} s; "
        f"{taken:,} changes into the server in {time.perf_counter() - start:.0f} s"
    )


def _made_with() -> str:
    """What a kept team database depends on: the schema, the generator, the server's tables."""
    digest = hashlib.sha256(head_revision().encode())
    for source in ("app/demo/generator.py", "sync/server/schema.py", "bench/sync.py"):
        digest.update((ROOT / source).read_bytes())
    return digest.hexdigest()[:16]


def team_on_sqlite(folder: Path, args: argparse.Namespace) -> None:
    """The first-sync benchmark on a SQLite server of its own, from the kept copy if
    asked and still right, otherwise built (and kept for next time)."""
    kept = OUT / f"sync-team-{args.team_people}"
    made_with = _made_with()
    database = folder / "team.db"
    fresh = not (
        args.reuse
        and (kept / "server.db").is_file()
        and (kept / "made-with").read_text().strip() == made_with
    )
    if not fresh:
        shutil.copyfile(kept / "server.db", database)
        print(f"team server copied from {kept.relative_to(ROOT)}")
    bench = Bench(f"sqlite:///{database}", folder / "team", made=not fresh)
    try:
        if fresh:
            team_caseload(bench, args.team_people)
            kept.mkdir(parents=True, exist_ok=True)
            # SQLite's online backup: a whole, consistent copy while the server runs.
            with (
                closing(sqlite3.connect(database)) as live,
                closing(sqlite3.connect(kept / "server.db.partial")) as copy,
            ):
                live.backup(copy)
            (kept / "server.db.partial").replace(kept / "server.db")
            (kept / "made-with").write_text(made_with + "\n")
        first_sync_of_a_team(bench, args.team_people)
    finally:
        bench.close()


def _sync_in_own_process(path: str, start_at: float) -> float:
    """One laptop, as in real life: its own process. Waits for a common start time."""
    ws = unlock(Path(path), PASSPHRASE, for_sync=True)
    try:
        time.sleep(max(0.0, start_at - time.time()))
        began = time.perf_counter()
        sync(ws)
        return (time.perf_counter() - began) * 1000
    finally:
        ws.close()


def many_laptops(bench: Bench, laptops: int, notes_each: int) -> None:
    # A team of their own, so joining does not first download the earlier rounds' notes.
    team = f"Fleet {uuid.uuid4().hex[:6]}"
    directory.add_team(bench.server.store, team)
    fleet = [bench.laptop(team=team) for _ in range(laptops)]
    paths = []
    for n, ws in enumerate(fleet):
        person = people.register(
            ws, people.NewPerson(_nhs(n), f"Person{n}", "Bench", "1940-01-01", "DL8 3AB")
        )
        add_notes(ws, person, notes_each)
        paths.append(str(ws.store.path))
        ws.close()
    # Laptops are separate machines: one process each (threads in one process would
    # share the GIL and SQLCipher's memory locking, and measure that instead).
    start_at = time.time() + 10
    with ProcessPoolExecutor(max_workers=laptops, mp_context=get_context("spawn")) as pool:
        times = list(pool.map(_sync_in_own_process, paths, [start_at] * laptops))
    total = laptops * (notes_each + 3)
    print(summary(f"{laptops} laptops syncing at once (per laptop)", times))
    slowest = max(times) / 1000
    print(f"server throughput: {total / slowest:,.0f} changes/s ({total:,} in {slowest:.1f} s)")


def _nhs(n: int) -> str:
    from app.values.nhs_number import check_digit

    while True:
        first = f"999{600000 + n:06d}"
        check = check_digit(first)
        if check != 10:
            return first + str(check)
        n += 1000


def run_all(label: str, db_url: str, args: argparse.Namespace) -> None:
    print(f"\n== server on {label}")
    with tempfile.TemporaryDirectory() as tmp:
        if args.team_only:
            (Path(tmp) / "team").mkdir()
            team_on_sqlite(Path(tmp), args)
            return
        bench = Bench(db_url, Path(tmp))
        try:
            push_and_pull(bench, rounds=5, changes=10_000)
            # A day's visits for a team: what a routine sync moves.
            push_and_pull(bench, rounds=10, changes=200, noop=False, nhs=_nhs(90_000))
            many_laptops(bench, args.laptops, 200)
            if not args.skip_team and label != "SQLite":
                team_caseload(bench, args.team_people)
                first_sync_of_a_team(bench, args.team_people)
        finally:
            bench.close()
        if not args.skip_team and label == "SQLite":
            (Path(tmp) / "team").mkdir()
            team_on_sqlite(Path(tmp), args)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="a PostgreSQL URL to run the same benchmarks against")
    parser.add_argument("--skip-team", action="store_true", help="skip the 5,000-person first sync")
    parser.add_argument("--team-people", type=int, default=5000)
    parser.add_argument("--laptops", type=int, default=20)
    parser.add_argument(
        "--team-only", action="store_true", help="only the first sync of a team (SQLite)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="start the team's server from bench/out if still right"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run_all("SQLite", f"sqlite:///{Path(tmp) / 'server.db'}", args)
    if args.postgres:
        import sqlalchemy as sa

        schema_name = f"bench_{uuid.uuid4().hex[:8]}"
        engine = sa.create_engine(args.postgres)
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema_name}"))
        try:
            run_all("PostgreSQL", f"{args.postgres}?options=-csearch_path%3D{schema_name}", args)
        finally:
            with engine.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema_name} CASCADE"))
            engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
