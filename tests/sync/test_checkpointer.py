"""The server's background checkpoint (SQLite): one after a burst of writes, another
after a later write, and none without writes; only a first write wakes its thread."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from sync.server import checkpoint
from sync.server.checkpoint import Checkpointer

pytestmark = pytest.mark.database("sqlite")


def _until(done: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        time.sleep(0.005)
    return done()


def test_a_burst_of_writes_makes_one_checkpoint_and_a_later_write_another(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'server.db'}")
    checkpointer = Checkpointer(engine)
    try:
        for _ in range(50):
            checkpointer.poke()
        assert _until(lambda: checkpointer.runs == 1)
        time.sleep(3 * checkpoint.QUIET_SECONDS)
        assert checkpointer.runs == 1  # no write, no checkpoint
        checkpointer.poke()  # the thread is idle again: this write wakes it
        assert _until(lambda: checkpointer.runs == 2)
    finally:
        checkpointer.stop()
        engine.dispose()


def test_steady_writes_are_checkpointed_at_least_every_most_seconds(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'server.db'}")
    checkpointer = Checkpointer(engine)
    try:
        # Writes closer together than QUIET_SECONDS never make a quiet spell.
        end = time.monotonic() + checkpoint.MOST_SECONDS + 1.0
        while time.monotonic() < end:
            checkpointer.poke()
            time.sleep(checkpoint.QUIET_SECONDS / 10)
        assert checkpointer.runs >= 1
        last_write = time.monotonic()
        # The last write, made while the thread was in a spell, is checkpointed too.
        assert _until(lambda: checkpointer.covered >= last_write)
    finally:
        checkpointer.stop()
        engine.dispose()
