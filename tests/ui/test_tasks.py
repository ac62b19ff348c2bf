"""The task runner: one worker thread for database work, results back on the GUI thread."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QTimer
from pytestqt.qtbot import QtBot

from app.errors import InvalidInputError
from tests.ui.helpers import PEOPLE
from ui.kit.tasks import BUG_MESSAGE, TaskRunner

pytestmark = pytest.mark.gui


def test_a_slow_task_leaves_the_gui_thread_free(qtbot: QtBot, runner: TaskRunner) -> None:
    # The task blocks until a GUI-thread timer fires: it can only finish if the event
    # loop keeps running while the worker is busy.
    timer_fired = threading.Event()
    results: list[bool] = []

    def slow() -> bool:
        return timer_fired.wait(timeout=5)

    runner.run(slow, on_done=results.append)
    QTimer.singleShot(50, timer_fired.set)
    qtbot.waitUntil(lambda: results == [True], timeout=5_000)


def test_work_runs_on_one_worker_and_callbacks_on_the_gui_thread(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    workers: list[threading.Thread] = []
    callbacks: list[threading.Thread] = []

    def work() -> None:
        workers.append(threading.current_thread())

    for _ in range(3):
        runner.run(work, on_done=lambda _: callbacks.append(threading.current_thread()))
    qtbot.waitUntil(lambda: len(callbacks) == 3)
    assert len(set(workers)) == 1
    assert workers[0] is not threading.main_thread()
    assert set(callbacks) == {threading.main_thread()}


def test_results_arrive_in_the_order_tasks_were_queued(qtbot: QtBot, runner: TaskRunner) -> None:
    seen: list[int] = []
    for n in range(5):
        runner.run(lambda n=n: n, on_done=seen.append)
    qtbot.waitUntil(lambda: len(seen) == 5)
    assert seen == [0, 1, 2, 3, 4]


def test_a_user_facing_error_reaches_on_error_as_its_plain_message(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    messages: list[str] = []

    def refuse() -> None:
        raise InvalidInputError("Enter a postcode.")

    runner.run(
        refuse, on_done=lambda _: pytest.fail("should not succeed"), on_error=messages.append
    )
    qtbot.waitUntil(lambda: bool(messages))
    assert messages == ["Enter a postcode."]


def test_a_bug_is_logged_without_its_message_and_shown_once(
    qtbot: QtBot, runner: TaskRunner, caplog: pytest.LogCaptureFixture
) -> None:
    messages: list[str] = []
    unhandled: list[str] = []
    runner.unhandled_error.connect(unhandled.append)

    person = PEOPLE[0]

    def buggy() -> None:
        # A message quoting patient data (built at run time, as real data would be).
        raise ValueError(f"{person.family_name} {person.nhs_number}")

    with caplog.at_level(logging.ERROR):
        runner.run(buggy, on_error=messages.append)
        qtbot.waitUntil(lambda: bool(messages))
    assert messages == [BUG_MESSAGE]
    assert unhandled == []  # told once, through on_error, not twice
    assert "ValueError" in caplog.text
    assert person.family_name not in caplog.text
    assert person.nhs_number not in caplog.text


def test_an_error_nobody_handles_goes_to_unhandled_error(qtbot: QtBot, runner: TaskRunner) -> None:
    def refuse() -> None:
        raise InvalidInputError("Enter a postcode.")

    with qtbot.waitSignal(runner.unhandled_error) as blocker:
        runner.run(refuse)
    assert blocker.args == ["Enter a postcode."]


def test_shutdown_waits_for_the_worker_and_delivers_nothing_after(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    started = threading.Event()
    release = threading.Event()
    finished: list[str] = []
    delivered: list[Any] = []

    def slow() -> None:
        started.set()
        release.wait(timeout=5)
        finished.append("slow")

    runner.run(slow, on_done=delivered.append)
    runner.run(lambda: finished.append("queued"), on_done=delivered.append)
    assert started.wait(timeout=5)
    # Released from another thread while shutdown() is blocked waiting for the worker.
    releaser = threading.Timer(0.05, release.set)
    releaser.start()
    runner.shutdown()
    releaser.join()

    assert finished == ["slow", "queued"]  # queued work (e.g. closing the profile) still ran
    assert not runner.running
    QCoreApplication.processEvents()  # deliveries already posted must be dropped
    assert delivered == []
    with pytest.raises(RuntimeError):
        runner.run(lambda: None)
