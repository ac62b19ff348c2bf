"""The window never waits on the network: a sync talks to the server on the network
lane and reaches the profile only in short store steps on the database lane, so a
visit note saved while the server stalls is saved at once; locking during a
stalled sync returns at once and nothing is written after it. Against a real
server on loopback whose /sync/push is made to stall."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, text

from app.services.record import people
from app.store_step import StoreStep
from app.workspace import Workspace
from app.workspace import unlock as unlock_profile
from storage.store import Store
from storage.tables import ContactNote
from sync import transport
from sync.client.session import pending_count
from sync.server import handlers
from tests.conftest import PASSPHRASE, ZOE
from tests.sync.conftest import Laptop, RunningServer
from tests.ui.helpers import person_id_of, unlock
from tests.ui.test_sync_ui import _app, _note, _write
from ui.app_controller import AppController
from ui.kit.tasks import TaskRunner

pytestmark = pytest.mark.gui
on_sqlite = pytest.mark.parametrize("server", ["sqlite"], indirect=True)

NOTE = "Seen while the server was slow: all well."
STALL_SECONDS = 8.0  # longer than any wait below: the sync is still stalled throughout


class Stall:
    """Once armed, holds the server's /sync/push until `release()` (or STALL_SECONDS)."""

    def __init__(self) -> None:
        self.armed = threading.Event()
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.answered = threading.Event()

    def push(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def stalled(*args: Any) -> Any:
            if not self.armed.is_set():
                return real(*args)
            self.entered.set()
            self.gate.wait(STALL_SECONDS)
            try:
                return real(*args)
            finally:
                self.answered.set()

        return stalled

    def release(self) -> None:
        self.gate.set()


@pytest.fixture
def stall(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stall]:
    held = Stall()
    monkeypatch.setattr(handlers, "push", held.push(handlers.push))
    yield held
    held.release()


def _enrolled_app(qtbot: QtBot, runner: TaskRunner, laptop: Laptop) -> tuple[AppController, str]:
    ws = laptop("Sam Taylor")
    people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    person_id = person_id_of(ws, ZOE)
    return _app(qtbot, runner, ws), person_id


def _start_stalled_sync(qtbot: QtBot, controller: AppController, stall: Stall) -> None:
    """Something to push, then Sync now: it stalls in the server's /sync/push."""
    _write(qtbot, controller, _note(ZOE))
    qtbot.waitUntil(lambda: controller.main_window.sync_action.isEnabled(), timeout=5_000)
    stall.armed.set()
    controller.main_window.sync_action.trigger()
    qtbot.waitUntil(stall.entered.is_set, timeout=5_000)
    assert controller.sync.running


def _read(qtbot: QtBot, controller: AppController, fn: Callable[[Workspace], Any]) -> Any:
    answers: list[Any] = []
    assert controller.ops.read(fn, on_done=answers.append)
    qtbot.waitUntil(lambda: bool(answers), timeout=5_000)
    return answers[0]


def _notes_saying(text: str) -> Callable[[Workspace], int]:
    def count(ws: Workspace) -> int:
        with ws.store.read() as session:
            return int(
                session.execute(
                    select(func.count())
                    .select_from(ContactNote)
                    .where(ContactNote.narrative == text)
                ).scalar_one()
            )

    return count


def _pushed(ws: Workspace) -> int:
    """Journal rows marked as taken by the server."""
    with ws.store.read() as session:
        query = text("SELECT count(*) FROM change_journal WHERE pushed_at IS NOT NULL")
        return int(session.execute(query).scalar_one())


def save_visit_note(qtbot: QtBot, controller: AppController, person_id: str, text: str) -> float:
    """Open the record, Ctrl+N, type, Ctrl+S: seconds from Ctrl+S to "Visit note saved."."""
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        controller.open_record(person_id)
    controller.new_visit_note()
    qtbot.waitUntil(lambda: controller.record.dialog is not None, timeout=5_000)
    dialog = controller.record.dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.field("narrative"), text)
    bar = controller.main_window.statusBar()
    started = time.perf_counter()
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bar.currentMessage() == "Visit note saved.", timeout=5_000)
    return time.perf_counter() - started


@on_sqlite
def test_a_visit_note_saves_at_once_while_a_sync_stalls_and_the_sync_then_pushes_it(
    qtbot: QtBot, runner: TaskRunner, server: RunningServer, laptop: Laptop, stall: Stall
) -> None:
    controller, zoe = _enrolled_app(qtbot, runner, laptop)
    try:
        _start_stalled_sync(qtbot, controller, stall)

        seconds = save_visit_note(qtbot, controller, zoe, NOTE)

        assert seconds < 1.0
        assert controller.record.dialog is None
        assert _read(qtbot, controller, _notes_saying(NOTE)) == 1  # in the store
        assert not stall.gate.is_set() and controller.sync.running  # still stalled
        stall.release()
        qtbot.waitUntil(lambda: not controller.sync.running, timeout=10_000)
        # The same sync took the note in its next batch: nothing is left to send.
        assert _read(qtbot, controller, pending_count) == 0
        assert controller.main_window.pending_label.text() == "Nothing waiting to sync"
    finally:
        stall.release()
        controller.shutdown()


@on_sqlite
def test_a_sync_touches_the_store_only_on_the_database_lane_and_the_server_only_on_the_network_lane(
    qtbot: QtBot,
    runner: TaskRunner,
    server: RunningServer,
    laptop: Laptop,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    controller, _zoe = _enrolled_app(qtbot, runner, laptop)
    store_threads: list[str] = []
    http_threads: list[str] = []
    read, write, attempt = Store.read, Store.write, transport._attempt

    def record(names: list[str], fn: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            names.append(threading.current_thread().name)
            return fn(*args, **kwargs)

        return recorded

    monkeypatch.setattr(Store, "read", record(store_threads, read))
    monkeypatch.setattr(Store, "write", record(store_threads, write))
    monkeypatch.setattr(transport, "_attempt", record(http_threads, attempt))
    try:
        _write(qtbot, controller, _note(ZOE))
        qtbot.waitUntil(lambda: controller.main_window.sync_action.isEnabled(), timeout=5_000)
        with qtbot.waitSignal(controller.sync.synced, timeout=10_000):
            controller.main_window.sync_action.trigger()
        qtbot.waitUntil(lambda: not controller.sync.running, timeout=5_000)
    finally:
        controller.shutdown()
    # The network lane, or the thread it starts to send the next request while the
    # database lane stores the last answer (sync/client/session.py): never the GUI
    # thread, never the database lane.
    assert http_threads and "onerecord-net" in http_threads
    assert {name.split("_")[0] for name in http_threads} <= {
        "onerecord-net",
        "onerecord-net-push",
        "onerecord-net-pull",
    }
    assert store_threads and {name.rsplit("_", 1)[0] for name in store_threads} == {"onerecord-db"}


@on_sqlite
def test_locking_during_a_stalled_sync_returns_at_once_and_nothing_is_written_after_it(
    qtbot: QtBot, runner: TaskRunner, server: RunningServer, laptop: Laptop, stall: Stall
) -> None:
    controller, _zoe = _enrolled_app(qtbot, runner, laptop)
    problems: list[str] = []
    controller.ops.problem.connect(problems.append)
    runner.unhandled_error.connect(problems.append)
    try:
        _start_stalled_sync(qtbot, controller, stall)
        workspace = controller.ops.workspace
        assert workspace is not None
        assert _read(qtbot, controller, pending_count) > 0
        pushed = _read(qtbot, controller, _pushed)

        started = time.perf_counter()
        controller.lock("Locked.")
        assert time.perf_counter() - started < 1.0
        assert not controller.sync.running
        # The profile closes on the database lane, not behind the stalled request.
        qtbot.waitUntil(lambda: not workspace.store.is_open, timeout=1_000)

        # The server answers after the lock: the sync's next store step is refused, in
        # silence, and the network thread goes.
        stall.release()
        qtbot.waitUntil(stall.answered.is_set, timeout=5_000)
        qtbot.waitUntil(
            lambda: not any(t.name == "onerecord-net" for t in threading.enumerate()),
            timeout=5_000,
        )
        qtbot.wait(100)
        assert problems == []
    finally:
        stall.release()
        controller.shutdown()
    again = unlock_profile(workspace.store.path, PASSPHRASE)
    try:
        assert _pushed(again) == pushed  # nothing marked sent after the lock
    finally:
        again.close()


def test_a_store_step_asked_for_after_the_lock_is_refused_in_silence(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    ops = controller.ops
    gate = threading.Event()
    ran: list[str] = []
    answers: list[object] = []
    problems: list[str] = []
    ops.problem.connect(problems.append)

    def job(ws: Workspace, on_store: StoreStep) -> str:
        # A step from the database lane's own thread runs in place (no deadlock).
        ran.append(on_store(lambda: on_store(lambda: threading.current_thread().name)))
        gate.wait(5)  # the server is slow; meanwhile the user locks
        on_store(lambda: ran.append("after the lock"))
        return "answer"

    assert ops.network(job, on_done=answers.append)
    qtbot.waitUntil(lambda: bool(ran), timeout=5_000)
    assert ran[0].startswith("onerecord-db")
    controller.lock("Locked.")
    gate.set()
    qtbot.waitUntil(
        lambda: not any(t.name == "onerecord-net" for t in threading.enumerate()), timeout=5_000
    )
    qtbot.wait(50)
    assert ran[1:] == [] and answers == [] and problems == []
    assert not ops.network(job, on_done=answers.append)  # locked: nothing runs
