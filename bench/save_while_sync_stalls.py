"""Saving a visit note while a sync is stalled on the network, through the real widgets.

    .venv/bin/python bench/save_while_sync_stalls.py [--runs 20] [--stall 3]

A real partner server on loopback (embedded, SQLite) whose /sync/push is held for
`--stall` seconds; an enrolled laptop (a fresh profile, synthetic data) opened in
the same AppController as `onerecord gui` (offscreen unless QT_QPA_PLATFORM says
otherwise). Each run writes a change, presses Sync now, waits until the server is
holding the push, then opens the person's record, types a visit note and presses
Ctrl+S; the times are from Ctrl+S, and from opening the record, to "Visit note
saved." in the status bar (and it counts the runs in which the stall had ended
before the save, which should be none). The stall is then let go and the sync
finishes. The same save with no sync running is measured too. Prints median and
p95.

Budget: the save within 1 s while the sync stalls (the window never waits on the
network). Were the sync on the database lane, the save would wait out the stall.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest

from app.services import clock
from app.services.care.visits import record_visit
from app.services.changes import Change
from app.services.record import people
from app.workspace import Workspace, create
from bench._stats import summary
from storage.keyvault import KdfParams
from sync.client.enrol import enrol
from sync.server import directory, handlers
from sync.server.embedded import serve_in_thread
from sync.server.store import ServerStore
from ui.app_controller import AppController
from ui.app_main import create_application
from ui.kit.tasks import TaskRunner

PASSPHRASE = "benchmark passphrase, synthetic data only"
KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)  # the KDF is not what is measured
USER = "Bench Nurse"
NHS = "9990000018"
SAVED = "Visit note saved."


class Stall:
    """Once armed, the server holds each /sync/push until released or `seconds` pass."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = threading.Event()
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.let_go = threading.Event()  # the held push went on (released or timed out)
        real = handlers.push

        def push(*args: Any) -> Any:
            if self.armed.is_set():
                self.entered.set()
                self.gate.wait(self.seconds)
                self.let_go.set()
            return real(*args)

        handlers.push = push  # type: ignore[assignment]

    def arm(self) -> None:
        self.gate.clear()
        self.entered.clear()
        self.let_go.clear()
        self.armed.set()

    def release(self) -> None:
        self.armed.clear()
        self.gate.set()


def wait(condition: Callable[[], object], timeout_ms: int = 30_000) -> None:
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(1)
    poll.timeout.connect(lambda: loop.quit() if condition() else None)
    poll.start()
    QTimer.singleShot(timeout_ms, loop.quit)
    if not condition():
        loop.exec()
    poll.stop()
    if not condition():
        raise SystemExit(f"timed out waiting for the app ({condition})")


def enrolled_laptop(folder: Path, url: str, store: ServerStore) -> tuple[Path, str]:
    ws = create(folder / "laptop", PASSPHRASE, user_name=USER, kdf=KDF)
    enrol(ws, url, directory.new_enrolment_code(store, USER), device_name=USER)
    person_id = people.register(
        ws, people.NewPerson(NHS, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB")
    )
    path = ws.store.path
    ws.close()
    return path, person_id


def save_note(controller: AppController, person_id: str, text: str) -> tuple[float, float]:
    """Open the record, Ctrl+N, type, Ctrl+S: milliseconds from Ctrl+S to "saved", and
    from opening the record to "saved" (typing included)."""
    opened = time.perf_counter()
    loaded: list[bool] = []
    controller.record.loaded.connect(lambda *_a: loaded.append(True))
    controller.open_record(person_id)
    wait(lambda: loaded)
    controller.new_visit_note()
    wait(lambda: controller.record.dialog is not None)
    dialog = controller.record.dialog
    assert dialog is not None
    QTest.keyClicks(dialog.field("narrative"), text)
    bar = controller.main_window.statusBar()
    bar.clearMessage()
    start = time.perf_counter()
    QTest.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait(lambda: bar.currentMessage() == SAVED)
    end = time.perf_counter()
    return (end - start) * 1000, (end - opened) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--stall", type=float, default=3.0, help="seconds the server holds a push")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="onerecord-bench-stall-"))
    store = ServerStore(f"sqlite:///{folder / 'server.db'}")
    directory.organisation(store, "Benchmark Trust")
    directory.add_team(store, "Benchmark Locality")
    directory.add_user(store, USER, "community_nurse", "Benchmark Locality")
    server = serve_in_thread(store)
    stall = Stall(args.stall)
    path, person_id = enrolled_laptop(folder, server.url, store)

    create_application([])
    runner = TaskRunner()
    controller = AppController(runner, path, idle_ms=3_600_000)
    controller.start()
    controller.unlock_window.passphrase.setText(PASSPHRASE)
    controller.unlock_window.unlock_button.click()
    wait(lambda: controller.unlocked)
    wait(lambda: controller.sync.enrolled and not controller.sync.running)
    window = controller.main_window

    def write_something(ws: Workspace) -> Change:
        return record_visit(ws, person_id=person_id, narrative="To push.", occurred_at=clock.now())

    quiet: list[float] = []
    stalled: list[float] = []
    quiet_writes: list[object] = []
    stalled_whole: list[float] = []
    late = 0
    try:
        for n in range(args.runs):
            quiet.append(save_note(controller, person_id, f"Quiet note {n}.")[0])
            before = len(quiet_writes)
            controller.ops.write(write_something, on_done=quiet_writes.append)
            wait(lambda: len(quiet_writes) > before)  # noqa: B023 - waited for at once
            wait(lambda: window.sync_action.isEnabled())
            stall.arm()
            window.sync_action.trigger()
            wait(lambda: stall.entered.is_set())
            saved, whole = save_note(controller, person_id, f"Note while stalled {n}.")
            stalled.append(saved)
            stalled_whole.append(whole)
            late += stall.let_go.is_set()  # the stall ended before the save did
            stall.release()
            wait(lambda: not controller.sync.running)
    finally:
        stall.release()
        controller.shutdown()
        server.stop()
        store.close()
    print(summary("save a visit note, no sync running", quiet))
    print(summary(f"save a visit note while a sync stalls ({args.stall:g} s)", stalled, 1000))
    print(summary("  the same, from opening the record", stalled_whole, 1000))
    print(f"runs in which the stall ended before the save: {late} of {args.runs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
