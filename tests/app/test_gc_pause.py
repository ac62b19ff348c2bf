"""The collector pause: off inside, back on after (even after an error), nested and
across threads back on only when the last pause ends, and never turned on by a pause
that found it off."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from app import gc_pause
from app.gc_pause import gc_paused


@pytest.fixture(autouse=True)
def _collector_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # As in a process whose collector the desktop has not taken over.
    monkeypatch.setattr(gc_pause, "_handed_over", False)
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_off_inside_and_on_after_even_after_an_error() -> None:
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError, match="boom"), gc_paused():
        raise ValueError("boom")
    assert gc.isenabled()


class _PausedElsewhere:
    """A pause held by another thread, from `start` until `end`."""

    def __init__(self) -> None:
        self._inside = threading.Event()
        self._release = threading.Event()
        self._thread = threading.Thread(target=self._hold)

    def _hold(self) -> None:
        with gc_paused():
            self._inside.set()
            self._release.wait(10)

    def start(self) -> None:
        self._thread.start()
        assert self._inside.wait(10)

    def end(self) -> None:
        self._release.set()
        self._thread.join(10)


def test_nested_and_threaded_pauses_end_with_the_last() -> None:
    other = _PausedElsewhere()
    with gc_paused():
        other.start()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread's pause still holds it
    other.end()
    assert gc.isenabled()


def test_a_collector_found_off_stays_off() -> None:
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()


def test_once_handed_over_a_pause_never_turns_it_back_on() -> None:
    with gc_paused():
        # The desktop takes the collector over while a sync's pause is on.
        gc_pause.hand_over()
        gc.disable()
    assert not gc.isenabled()


def _collections() -> tuple[list[int], Any]:
    seen: list[int] = []

    def counted(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    return seen, counted


def test_held_too_long_by_overlapping_pauses_the_ending_one_collects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server's requests pause it in turn and overlap: under steady load it would never
    be on, so once it has been held HELD_AT_MOST, a pause that ends collects (everything)
    while the others still hold it."""
    monkeypatch.setattr(gc_pause, "HELD_AT_MOST", 0.05)
    seen, counted = _collections()
    other = _PausedElsewhere()
    other.start()
    gc.callbacks.append(counted)
    try:
        with gc_paused():
            pass
        assert seen == []  # held for less than HELD_AT_MOST: no collection yet
        time.sleep(0.1)
        with gc_paused():
            pass
        assert seen == [2]
        assert not gc.isenabled()  # the other pause still holds it
        with gc_paused():
            pass
        assert seen == [2]  # and the clock starts again from that collection
    finally:
        gc.callbacks.remove(counted)
        other.end()
    assert gc.isenabled()


def test_once_handed_over_a_pause_held_too_long_never_collects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The desktop collects on its GUI thread only (ui/kit/gui_gc.py): a sync's pause
    ending on another thread must not collect there, however long it was held."""
    monkeypatch.setattr(gc_pause, "HELD_AT_MOST", 0.0)
    seen, counted = _collections()
    gc.callbacks.append(counted)
    try:
        with gc_paused():
            gc_pause.hand_over()
            gc.disable()
            time.sleep(0.01)
            with gc_paused():
                pass
    finally:
        gc.callbacks.remove(counted)
    assert seen == []
