"""A real partner server on loopback (uvicorn in a thread), on SQLite or PostgreSQL,
and laptops with real encrypted profiles enrolled with it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from app.workspace import Workspace, create
from sync.client.enrol import enrol
from sync.server import directory
from sync.server.embedded import EmbeddedServer, serve_in_thread
from sync.server.store import ServerStore
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.databases import require_postgres_url
from tests.pg_schemas import fresh_schema_url

TEAM = "Craven Locality"


class RunningServer(EmbeddedServer):
    def code_for(self, user: str) -> str:
        return directory.new_enrolment_code(self.store, user)


def start_server(
    db_url: str, *, cert: Path | None = None, key: Path | None = None
) -> RunningServer:
    store = ServerStore(db_url)
    directory.organisation(store, "Dales Community Health")
    running = serve_in_thread(store, cert=cert, key=key)
    return RunningServer(running.url, running.store, running.server, running.thread)


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningServer]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'server.db'}"
    else:
        url = fresh_schema_url(require_postgres_url())
    running = start_server(url)
    directory.add_team(running.store, TEAM)
    for name, role in (
        ("Sam Taylor", "community_nurse"),
        ("Ceri Jones", "social_worker"),
        ("Ola Nowak", "occupational_therapist"),
    ):
        directory.add_user(running.store, name, role, TEAM)
    yield running
    running.stop()
    running.store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerStore]:
    """A server's store, no HTTP, on each database, its organisation set up (a
    module that needs more overrides it, asking for this one by the same name)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'server.db'}"
    else:
        url = fresh_schema_url(require_postgres_url())
    made = ServerStore(url)
    directory.organisation(made, "Dales Community Health")
    yield made
    made.close()


Laptop = Callable[[str], Workspace]


@pytest.fixture
def laptop(server: RunningServer, tmp_path: Path) -> Iterator[Laptop]:
    """Make an enrolled laptop for a named user: laptop("Sam Taylor")."""
    made: list[Workspace] = []

    def make(user: str) -> Workspace:
        ws = create(tmp_path / f"laptop-{len(made)}", PASSPHRASE, user_name=user, kdf=FAST_KDF)
        enrol(ws, server.url, server.code_for(user), device_name=user)
        made.append(ws)
        return ws

    yield make
    for ws in made:
        if ws.store.is_open:
            ws.close()


def reopen(ws: Workspace) -> Workspace:
    """The same profile unlocked again (so the signed-in identity is re-read)."""
    from app.workspace import unlock

    path = ws.store.path
    ws.close()
    return unlock(path, PASSPHRASE, for_sync=True)


__all__ = ["TEAM", "Laptop", "RunningServer", "httpx", "reopen", "start_server"]


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One SQLite server shared by a module's examples (each makes its own team)."""
    running = start_server(f"sqlite:///{tmp_path_factory.mktemp('server') / 'server.db'}")
    yield running
    running.stop()
    running.store.close()
