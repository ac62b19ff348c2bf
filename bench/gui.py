"""Desktop app budgets on the reference caseload, measured through the real widgets.

    .venv/bin/python bench/gui.py [--runs 20]

Uses a copy of bench/out/profile-5000 (build it first with
`.venv/bin/python bench/foundation.py --people 5000 --reuse`), made once as
bench/out/profile-5000-gui, where the person with the most notes is given
notes until they have 500. Drives the same AppController as `onerecord gui`
(offscreen unless QT_QPA_PLATFORM says otherwise) and prints median and p95 of:

* caseload first paint: the whole team's 5,000 people, from asking to the
  table's first paint with rows;
* a search keystroke to updated rows: from the key press (including the
  deliberate 150 ms debounce) and from the query leaving (without it);
* opening a record with 500 notes, to the first paint of the record page;
* resident memory (RSS) after browsing 50 records.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtTest import QTest
from sqlalchemy import func, select

from app.services.care.visits import record_visit
from app.services.caseload.caseload import CaseloadQuery, fetch
from app.workspace import unlock
from bench._stats import summary
from storage import profile
from storage.tables import ContactNote
from ui.app_controller import AppController
from ui.app_main import create_application
from ui.caseload.home_view import CASELOAD_TAB
from ui.kit.tasks import TaskRunner
from ui.record.record_page import Section

PASSPHRASE = "benchmark passphrase, synthetic data only"
OUT = Path(__file__).resolve().parent / "out"
SOURCE = OUT / "profile-5000"
TARGET = OUT / "profile-5000-gui"
NOTES_WANTED = 500


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def prepare() -> str:
    """The copy, migrated, with one person at 500 notes; returns that person's id."""
    if not profile.exists(SOURCE):
        raise SystemExit(f"{SOURCE} is missing: run bench/foundation.py --people 5000 first")
    if not profile.exists(TARGET):
        print(f"copying {SOURCE.name} to {TARGET.name} (once)…", flush=True)
        shutil.copytree(SOURCE, TARGET, ignore=shutil.ignore_patterns("backups"))
    workspace = unlock(TARGET, PASSPHRASE)  # migrates the copy if the schema moved on
    try:
        with workspace.store.read() as session:
            person_id, count = session.execute(
                select(ContactNote.person_id, func.count())
                .group_by(ContactNote.person_id)
                .order_by(func.count().desc())
                .limit(1)
            ).one()
        if count < NOTES_WANTED:
            print(f"adding {NOTES_WANTED - count} notes to one person (once)…", flush=True)
            from datetime import UTC, datetime, timedelta

            start = datetime.now(UTC) - timedelta(days=3 * 365)
            for n in range(NOTES_WANTED - count):
                record_visit(
                    workspace,
                    person_id=person_id,
                    narrative=f"Benchmark visit {n}: reviewed the plan with her; all well.",
                    occurred_at=start + timedelta(days=2 * n),
                )
        total, _ = fetch(workspace, CaseloadQuery(limit=1))
        print(f"profile: {total:,} open people; the busiest person has {NOTES_WANTED} notes")
    finally:
        workspace.close()
    return str(person_id)


class PaintWatch(QObject):
    """Notes when a widget paints, to find its first paint after the data arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.paints: list[float] = []

    def arm(self) -> None:
        self.paints.clear()

    def after(self, moments: list[float]) -> float | None:
        """The first paint after the last of `moments` (None until there is one)."""
        if not moments:
            return None
        return next((t for t in self.paints if t > moments[-1]), None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints.append(time.perf_counter())
        return False


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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    busiest = prepare()

    app = create_application([])
    runner = TaskRunner()
    controller = AppController(runner, TARGET, idle_ms=3_600_000)
    controller.start()
    window = controller.main_window
    window.resize(1366, 768)
    controller.unlock_window.passphrase.setText(PASSPHRASE)
    controller.unlock_window.unlock_button.click()
    wait(lambda: controller.unlocked and controller.model.rowCount() > 0)
    rss_unlocked = rss_mb()

    panel = window.caseload
    window.home.setCurrentIndex(CASELOAD_TAB)
    loaded: list[float] = []
    controller.model.first_page_loaded.connect(lambda: loaded.append(time.perf_counter()))
    panel.whole_team.setChecked(True)
    wait(lambda: controller.model.total > 4000)
    table_paint = PaintWatch()
    panel.table.viewport().installEventFilter(table_paint)

    # -- caseload first paint -----------------------------------------------------------
    first_paint: list[float] = []
    for _ in range(args.runs):
        loaded.clear()
        table_paint.arm()
        start = time.perf_counter()
        controller.model.reload()
        wait(lambda: table_paint.after(loaded))
        first_paint.append((table_paint.after(loaded) - start) * 1000)  # type: ignore[operator]
    print(summary("caseload first paint (5,000 people, team)", first_paint))

    # -- a search keystroke -------------------------------------------------------------
    queries: list[float] = []
    sent: list[float] = []
    panel.search_changed.connect(lambda _t: sent.append(time.perf_counter()))
    keystroke: list[float] = []
    words = ["smi", "jon", "999 1", "DL8", "tay", "bro", "wil", "ash", "kha", "pat"]
    for n in range(args.runs):
        word = words[n % len(words)]
        panel.search.clear()
        QTest.keyClicks(panel.search, word[:-1])
        wait(lambda: not panel._debounce.isActive())
        wait(lambda: not controller.model.busy)
        loaded.clear()
        sent.clear()
        table_paint.arm()
        start = time.perf_counter()
        QTest.keyClick(panel.search, word[-1])
        wait(lambda: table_paint.after(loaded))
        painted = table_paint.after(loaded)
        keystroke.append((painted - start) * 1000)  # type: ignore[operator]
        queries.append((painted - sent[-1]) * 1000)  # type: ignore[operator]
    print(summary("search keystroke to rows (incl. 150 ms debounce)", keystroke))
    print(summary("search query to rows (after the debounce)", queries, 50))
    panel.search.clear()
    QTest.keyClick(panel.search, Qt.Key.Key_Backspace)

    # -- opening a record with 500 notes ------------------------------------------------
    page = window.record
    page_paint = PaintWatch()
    page.header.installEventFilter(page_paint)
    opened: list[float] = []
    controller.record.loaded.connect(lambda _p: opened.append(time.perf_counter()))
    record_ms: list[float] = []
    for _ in range(args.runs):
        controller.back_to_list()
        app.processEvents()
        opened.clear()
        page_paint.arm()
        start = time.perf_counter()
        controller.open_record(busiest)
        wait(lambda: page_paint.after(opened))
        record_ms.append((page_paint.after(opened) - start) * 1000)  # type: ignore[operator]
    assert controller.timeline.total >= NOTES_WANTED
    print(summary("open a record with 500 notes, to first paint", record_ms, 150))

    # -- memory after browsing 50 records -----------------------------------------------
    # The user's own people: one outside their relationship opens only through
    # break-glass (a question asked in a dialog), which is not what is measured here.
    rows = [controller.model.row_at(r) for r in range(controller.model.rowCount())]
    people = [row for row in rows if row is not None and not row.limited][:50]
    for row in people:
        opened.clear()
        controller.open_record(row.person_id)
        page.show_section(Section(len(opened) % len(Section)))
        wait(lambda: bool(opened))
        app.processEvents()
    controller.back_to_list()
    app.processEvents()
    print(f"{'resident memory after unlock':<48} {rss_unlocked:8.0f} MB")
    print(f"{'resident memory after browsing 50 records':<48} {rss_mb():8.0f} MB   budget 300 MB")

    controller.shutdown()
    # The windows go before the interpreter does: left to its last collection, with
    # Qt's objects half torn down, PySide6 crashed the process at exit (status 134
    # after every figure had printed). The app itself quits through app.exec().
    for window in app.topLevelWidgets():
        window.deleteLater()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
