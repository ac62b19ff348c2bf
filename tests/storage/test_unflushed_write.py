"""A write that need not wait for the disk (the count of syncs that moved nothing)
commits with `synchronous = NORMAL` and leaves every pooled connection as it found
it: FULL, so the next save of a note waits for the disk again (test_power_loss.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.workspace import Workspace
from storage import settings

FULL, NORMAL = 2, 1


def _level(workspace: Workspace) -> int:
    with workspace.store.read() as session:
        return int(session.execute(text("PRAGMA synchronous")).scalar_one())


def test_an_unflushed_write_commits_and_puts_the_safety_level_back(workspace: Workspace) -> None:
    store = workspace.store
    with store.write(workspace.actor, flushed=False) as session:
        assert session.execute(text("PRAGMA synchronous")).scalar_one() == NORMAL
        settings.put(session, "quiet_test", {"count": 1})
    with store.read() as session:
        assert settings.get(session, "quiet_test") == {"count": 1}
    assert _level(workspace) == FULL
    with store.write(workspace.actor) as session:
        assert session.execute(text("PRAGMA synchronous")).scalar_one() == FULL


def test_a_failed_unflushed_write_keeps_nothing_and_puts_it_back(workspace: Workspace) -> None:
    store = workspace.store
    with pytest.raises(RuntimeError), store.write(workspace.actor, flushed=False) as session:
        settings.put(session, "quiet_test", {"count": 2})
        raise RuntimeError("cut")
    with store.read() as session:
        assert settings.get(session, "quiet_test") is None
    assert _level(workspace) == FULL
