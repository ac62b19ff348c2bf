"""Shared fixtures: real encrypted profiles in throwaway folders.

Profiles made here use a cheap Argon2 setting so the suite stays fast; the
parameters are stored per profile, exactly as a production profile stores its own.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.record.people import NewPerson, register
from app.workspace import Workspace, create
from storage.keyvault import KdfParams
from tests import clock_trace, databases, pg_schemas

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    # The offscreen screen is the reference laptop's, 1366×768 (its default is 800×800),
    # so windows fitted to the screen are sized as on a field laptop.
    _screen = Path(__file__).parent / "screens" / "laptop-1366x768.json"
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"

PASSPHRASE = "a long test passphrase"
FAST_KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
# Synthetic NHS numbers from the 999 test range, all with valid check digits.
ZOE = "9990000018"
ALUN = "9990000026"


# Under pytest-xdist (scripts/test: --dist loadfile --no-loadscope-reorder) each file runs
# whole on one worker and files are handed out in collection order: the longest go first
# so the two workers finish together (the build alone is minutes when dist/ is missing).
LONGEST_FIRST = ("tests/packaging/test_built_app.py", "tests/sync/test_convergence.py")


def pytest_configure(config: pytest.Config) -> None:
    # Counts tests per server database and, in CI, fails the run when a PostgreSQL
    # test skipped (tests/databases.py).
    databases.install(config)
    # Notes which tests read "today" so the passes as of other days run only those.
    clock_trace.install(config)


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Each process (each xdist worker) drops the PostgreSQL schemas it made.
    pg_schemas.drop_made()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not hasattr(config, "workerinput"):
        return  # a single process keeps the usual order
    rank: dict[str, int] = {}
    for item in items:
        path = item.nodeid.split("::")[0]
        if path in LONGEST_FIRST:
            mine = LONGEST_FIRST.index(path)
        else:
            mine = len(LONGEST_FIRST) + (0 if item.get_closest_marker("slow") else 1)
        rank[path] = min(rank.get(path, mine), mine)
    items.sort(key=lambda item: rank[item.nodeid.split("::")[0]])


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests never read or write the developer's own profile, logs or settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    # Nor a deployment file of the developer's choosing: the defaults, unless a test
    # writes one here (a machine with an administrator's /etc/onerecord file uses that).
    monkeypatch.setenv("ONERECORD_DEPLOYMENT_FILE", str(home / "deployment.toml"))
    monkeypatch.delenv("ONERECORD_PASSPHRASE", raising=False)
    monkeypatch.delenv("ONERECORD_NEW_PASSPHRASE", raising=False)
    monkeypatch.delenv("ONERECORD_PROFILE", raising=False)


@pytest.fixture(autouse=True)
def _collector_on_the_gui_thread() -> None:
    """Once a test has made the QApplication, Python's collector runs on the GUI thread
    only, as in the app (ui/kit/gui_gc.py): collected on the database worker, a cycle
    holding a Qt object crashed the test process. Tests without Qt are untouched."""
    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtWidgets import QApplication

    from ui.kit.gui_gc import collect_on_gui_thread

    app = QApplication.instance()
    if app is not None:
        collect_on_gui_thread(app)


@pytest.fixture
def profile_path(tmp_path: Path) -> Path:
    return tmp_path / "profile"


@pytest.fixture
def workspace(profile_path: Path) -> Iterator[Workspace]:
    ws = create(profile_path, PASSPHRASE, user_name="Sam Taylor", kdf=FAST_KDF)
    yield ws
    ws.close()


@pytest.fixture
def populated(workspace: Workspace) -> Workspace:
    register(workspace, NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    register(workspace, NewPerson(ALUN, "Alun", "Pritchard", "1951-10-30", "BD23 1JD"))
    return workspace
