"""One real `onerecord-server` process (SQLite) shared by the reliability suites."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.reliability.helpers import ServerProcess, new_laptop


@pytest.fixture(scope="session")
def server_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    running = ServerProcess(f"sqlite:///{tmp_path_factory.mktemp('server') / 'server.db'}")
    yield running
    running.close()


@pytest.fixture
def enrolled(server_process: ServerProcess, tmp_path: Path) -> Callable[[str], Path]:
    """Make an enrolled, locked laptop: enrolled("nurse") -> its profile folder."""

    def make(label: str) -> Path:
        user = f"{label.title()} {uuid.uuid4().hex[:6]}"
        return new_laptop(server_process, tmp_path / label, user)

    return make
