"""Shared by the reliability suites: a real `onerecord-server` process, enrolled
laptops, the real `onerecord` command, and the no-loss, no-duplicate comparison."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import select

from app.services.profile.integrity import check
from app.workspace import Workspace, create, unlock
from bench.tally import Tally, laptop_side, server_side, tally
from storage import settings
from sync.client import settings as sync_settings
from sync.client.enrol import enrol
from sync.client.session import SyncSession
from sync.server import directory, schema
from sync.server.embedded import free_port
from sync.server.store import ServerStore
from tests.conftest import FAST_KDF, PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TEAM = "Reliability Locality"


def env_int(name: str, default: int) -> int:
    """Iteration counts: short by default, longer for a soak run (`ONERECORD_SOAK_*`)."""
    return int(os.environ.get(name, default))


def seeded(name: str) -> random.Random:
    """A seeded RNG whose seed is printed, so a failing run can be repeated exactly."""
    seed = int(os.environ.get("ONERECORD_RELIABILITY_SEED", time.time_ns() % 1_000_000))
    print(f"{name}: seed {seed} (repeat with ONERECORD_RELIABILITY_SEED={seed})")
    return random.Random(seed)


class ServerProcess:
    """`onerecord-server` in its own process, administered through its database."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.store = ServerStore(db_url)
        directory.organisation(self.store, "Dales Community Health")
        if TEAM not in _team_names(self.store):
            directory.add_team(self.store, TEAM)
        self.start()

    def start(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(BIN / "onerecord-server"), "serve", "--db", self.db_url, "--port", str(self.port)],
            cwd=ROOT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("onerecord-server did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)

    def close(self) -> None:
        self.stop()
        self.store.close()


def _team_names(store: ServerStore) -> set[str]:
    with store.engine.connect() as conn:
        return set(conn.execute(select(schema.teams.c.name)).scalars())


def new_laptop(server: ServerProcess, folder: Path, user: str, *, url: str | None = None) -> Path:
    """An encrypted profile for a new member of staff, enrolled, then locked."""
    directory.add_user(server.store, user, "community_nurse", TEAM)
    ws = create(folder, PASSPHRASE, user_name=user, kdf=FAST_KDF)
    enrol(ws, url or server.url, directory.new_enrolment_code(server.store, user))
    ws.close()
    # The first sync, as after any enrolment: it brings the team's directory, so people
    # registered next join the team's caseload (and may be opened by this user).
    ws = open_laptop(folder)
    session = SyncSession(ws)
    try:
        session.run()
    finally:
        session.close()
        ws.close()
    return folder


def point_at(path: Path, url: str) -> None:
    """Send this laptop's sync through another address (a proxy, a restarted server)."""
    ws = open_laptop(path)
    try:
        with ws.store.write(ws.actor) as session:
            enrolment = sync_settings.enrolment(session)
            assert enrolment is not None
            settings.put(
                session,
                settings.SYNC_SERVER,
                {"url": url, "server_id": enrolment.server_id, "ca_pem": None},
            )
    finally:
        ws.close()


def open_laptop(path: Path) -> Workspace:
    return unlock(path, PASSPHRASE, for_sync=True)


def onerecord(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "onerecord"), *args],
        capture_output=True,
        text=True,
        env=cli_env(),
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )


def cli_env() -> dict[str, str]:
    return {**os.environ, "ONERECORD_PASSPHRASE": PASSPHRASE}


def assert_sound(path: Path) -> Workspace:
    """The profile opens and `onerecord check` passes. Returns it unlocked."""
    ws = open_laptop(path)
    report = check(ws)
    assert report.ok, "\n".join(report.lines())
    return ws


def compare_with_server(ws: Workspace, server: ServerProcess) -> Tally:
    """After a full sync: every change this laptop made is on the server, or still shown
    on the laptop as waiting (refused); the server holds nothing from this laptop that
    the laptop does not; and no note, person or field value is there twice, on the
    laptop or on the server (bench/tally.py: by content, from the tables)."""
    with server.store.engine.connect() as conn:
        theirs = server_side(conn, ws.store.device_id)
    return tally(laptop_side(ws), theirs)
