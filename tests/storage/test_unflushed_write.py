"""A write that need not wait for the disk (a pulled page, the count of syncs that
moved nothing) commits with `synchronous = NORMAL` and leaves every pooled connection
as it found it: FULL, so the next save of a note waits for the disk again
(test_power_loss.py). `local_write` writes the profile's own settings and nothing else."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text, update

from app.workspace import Workspace
from storage import settings
from storage.tables import Team

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


def test_a_local_write_commits_unflushed_and_puts_the_safety_level_back(
    workspace: Workspace,
) -> None:
    store = workspace.store
    with store.local_write() as conn:
        assert conn.execute(text("PRAGMA synchronous")).scalar_one() == NORMAL
        settings.put(conn, "quiet_test", {"count": 3})
    with store.read_rows() as conn:
        assert settings.get(conn, "quiet_test") == {"count": 3}
    assert _level(workspace) == FULL


def test_a_failed_local_write_keeps_nothing_and_puts_it_back(workspace: Workspace) -> None:
    store = workspace.store
    with pytest.raises(RuntimeError), store.local_write() as conn:
        settings.put(conn, "quiet_test", {"count": 4})
        raise RuntimeError("cut")
    with store.read() as session:
        assert settings.get(session, "quiet_test") is None
    assert _level(workspace) == FULL


def test_a_local_write_refuses_anything_but_the_settings(workspace: Workspace) -> None:
    """No journal context there: a record written would never be sent."""
    store = workspace.store
    with store.read() as session:
        before = session.execute(select(func.count()).select_from(Team)).scalar_one()
    with pytest.raises(RuntimeError, match="settings"), store.local_write() as conn:
        settings.put(conn, "quiet_test", {"count": 5})
        conn.execute(update(Team).values(name="Renamed without a journal"))
    with store.read() as session:
        assert settings.get(session, "quiet_test") is None  # the whole write is undone
        names = session.execute(select(Team.name)).scalars().all()
        assert "Renamed without a journal" not in names
        assert session.execute(select(func.count()).select_from(Team)).scalar_one() == before
    # The guard belongs to that write only: a journalled write still works.
    with store.write(workspace.actor) as session:
        settings.put(session, "after", 1)
