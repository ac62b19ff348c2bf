"""DESIGN.md's field flows replayed at typing speed through the real app on the
reference caseload (5,000 people), counting actions and timing each flow end to end.

    .venv/bin/python bench/field_flows.py [--people 5000] [--reuse] [--runs 5]
        [--chars-per-second 5]

Shares bench/_profiles.py's reference caseload, on a copy (the flows write). Keys go
to the real widgets (QTest, offscreen unless QT_QPA_PLATFORM says otherwise) on the
1366×768 laptop's window; each character is typed at the given speed (5 a second is
a steady typist), each chord or Enter is one key, and the app's own waits (unlocking
with the real Argon2 key derivation, loading, saving, rendering) are what they are.
No thinking time is added: the seconds are the flow's floor for a practised user.

Flows (actions, seconds median and p95):

* from the lock screen to typing a new visit note (passphrase, Enter, Ctrl+N, the
  first letter of the note);
* a routine revisit (search, Enter, Enter, Ctrl+N, note, tick a goal, Ctrl+S), the
  next visit carried forward;
* printing the plan (Ctrl+P, Enter, Enter in the system's Save dialog).

Budgets: DESIGN.md's: lock screen to typing in 4 actions and under 15 s; a revisit in
8 actions; printing in 3.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QListWidget, QWidget

from bench._profiles import PASSPHRASE, scratch_copy, shared_profile
from ui.app_controller import AppController
from ui.app_main import create_application
from ui.kit.tasks import TaskRunner
from ui.record import print_dialog

NOTE = "Wound smaller, no infection; walked to the gate."
SCREEN = (1366, 768)


def wait(condition: Callable[[], object], timeout_ms: int = 30_000, what: str = "") -> None:
    loop = QEventLoop()
    poll = QTimer()
    poll.timeout.connect(lambda: loop.quit() if condition() else None)
    poll.start(5)
    QTimer.singleShot(timeout_ms, loop.quit)
    if not condition():
        loop.exec()
    poll.stop()
    if not condition():
        line = getattr(getattr(condition, "__code__", None), "co_firstlineno", "?")
        raise SystemExit(f"timed out waiting for the app: {what or line}")


class Flow:
    """Counts actions and types at a steady speed."""

    def __init__(self, delay_ms: int) -> None:
        self.delay_ms = delay_ms
        self.actions = 0

    def key(self, widget: QWidget, key: Qt.Key, mods: Qt.KeyboardModifier) -> None:
        self.actions += 1
        QTest.keyClick(widget, key, mods, self.delay_ms)

    def type(self, widget: QWidget, text: str) -> None:
        self.actions += 1
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        QTest.keyClicks(widget, text, Qt.KeyboardModifier.NoModifier, self.delay_ms)


NONE = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def lock_to_typing(controller: AppController, flow: Flow) -> dict[str, float]:
    """The flow; and where its time went (typing, unlocking, the note opening)."""
    window = controller.unlock_window
    start = time.perf_counter()
    flow.type(window.passphrase, PASSPHRASE)
    typed = time.perf_counter()
    flow.key(window.passphrase, Qt.Key.Key_Return, NONE)
    main = controller.main_window
    today = main.home.today
    # Back where it was left: today's list with its first visit selected, or the record.
    wait(
        lambda: (
            controller.unlocked
            and main.isVisible()
            and (today.selected_person() is not None or controller.record.record is not None)
        )
    )
    unlocked = time.perf_counter()
    flow.key(main.focusWidget() or main, Qt.Key.Key_N, CTRL)
    wait(lambda: controller.record.dialog is not None)
    dialog = controller.record.dialog
    assert dialog is not None
    narrative = dialog.field("narrative")
    wait(narrative.hasFocus)
    flow.type(narrative, NOTE[0])  # typing has begun: the flow's end
    end = time.perf_counter()
    return {
        "typing the passphrase": typed - start,
        "Enter to the window in place": unlocked - typed,
        "Ctrl+N to typing the note": end - unlocked,
    }


def revisit(controller: AppController, flow: Flow, family_name: str) -> None:
    window = controller.main_window
    window.show_home()
    window.activateWindow()  # where the user is working (a closed dialog gave it back)
    window.home.setCurrentIndex(1)
    caseload = window.caseload
    caseload.search.clear()
    flow.type(caseload.search, family_name)
    flow.key(caseload.search, Qt.Key.Key_Return, NONE)
    wait(lambda: caseload.selected_person() is not None)
    flow.key(caseload.table, Qt.Key.Key_Return, NONE)
    wait(lambda: controller.record.record is not None and window.showing_record)
    flow.key(window.focusWidget() or window, Qt.Key.Key_N, CTRL)
    wait(lambda: controller.record.dialog is not None)
    dialog = controller.record.dialog
    assert dialog is not None
    flow.type(dialog.field("narrative"), NOTE)
    goals = dialog.field("goals")
    if isinstance(goals, QListWidget) and goals.count():
        goals.setFocus()
        goals.setCurrentRow(0)
        flow.key(goals, Qt.Key.Key_Space, NONE)
    flow.key(dialog, Qt.Key.Key_S, CTRL)
    wait(lambda: controller.record.dialog is None)


def printing(controller: AppController, flow: Flow) -> None:
    window = controller.main_window
    window.activateWindow()
    wait(lambda: controller.record.record is not None)
    flow.key(window.focusWidget() or window.record.sections, Qt.Key.Key_P, CTRL)
    wait(lambda: bool(controller.main_window.findChildren(print_dialog.PrintDialog)))
    dialog = controller.main_window.findChildren(print_dialog.PrintDialog)[0]
    wait(lambda: dialog.save_button.isEnabled() and dialog.focusWidget() is not None)
    focused = dialog.focusWidget()
    assert focused is not None
    flow.key(focused, Qt.Key.Key_Return, NONE)
    wait(dialog.message.isVisible)
    dialog.close()


def report(label: str, samples: list[tuple[int, float]], budget_actions: int) -> str:
    actions = max(a for a, _ in samples)
    seconds = sorted(s for _, s in samples)
    p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
    verdict = "within budget" if actions <= budget_actions else "OVER BUDGET"
    return (
        f"{label:<40} {actions} actions ({verdict}: {budget_actions})   "
        f"median {statistics.median(seconds):6.2f} s   p95 {p95:6.2f} s   n={len(seconds)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chars-per-second", type=float, default=5.0)
    args = parser.parse_args()
    # QTest waits its delay before the press and again before the release of each key.
    delay = round(1000 / args.chars_per_second / 2)
    source = shared_profile(args.people, reuse=args.reuse)
    target = scratch_copy(source, f"field-flows-{args.people}")
    create_application([])
    runner = TaskRunner()
    controller = AppController(runner, target, sync_on_unlock=False)
    controller.main_window.resize(*SCREEN)
    with tempfile.TemporaryDirectory() as scratch:
        # The system's Save dialog, its suggested name taken with Enter: one action.
        saved = Path(scratch)

        def save_dialog(_parent: QWidget, suggested: str) -> str:
            flow_now.actions += 1
            return str(saved / suggested)

        print_dialog._ask_for_pdf_path = save_dialog  # type: ignore[assignment]
        print_dialog.printers_available = lambda: False  # type: ignore[assignment]
        controller.start()
        wait(controller.unlock_window.isVisible)
        results: dict[str, list[tuple[int, float]]] = {"lock": [], "revisit": [], "print": []}
        parts: dict[str, list[float]] = {}
        flow_now = Flow(delay)
        for _ in range(args.runs):
            flow_now = Flow(delay)
            start = time.perf_counter()
            for part, seconds in lock_to_typing(controller, flow_now).items():
                parts.setdefault(part, []).append(seconds)
            results["lock"].append((flow_now.actions, time.perf_counter() - start))
            record = controller.record.record
            assert record is not None
            family = record.header.family_name
            dialog = controller.record.dialog
            if dialog is not None:  # the note typed above is not the one measured next
                controller.record.close_dialog(keep_draft=False)

            flow_now = Flow(delay)
            start = time.perf_counter()
            revisit(controller, flow_now, family)
            results["revisit"].append((flow_now.actions, time.perf_counter() - start))

            flow_now = Flow(delay)
            start = time.perf_counter()
            printing(controller, flow_now)
            results["print"].append((flow_now.actions, time.perf_counter() - start))
            controller.lock("Locked.")
            wait(lambda: not controller.unlocked)
        print(f"typing at {args.chars_per_second:g} characters a second; no thinking time")
        print(report("lock screen to typing a visit note", results["lock"], 4))
        for part, seconds in parts.items():
            print(f"    {part:<36} median {statistics.median(seconds):6.2f} s")
        print(report("routine revisit (next visit carried forward)", results["revisit"], 8))
        print(report("print the plan (Save as PDF)", results["print"], 3))
        controller.shutdown()
    app = QApplication.instance()
    if app is not None:
        app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
