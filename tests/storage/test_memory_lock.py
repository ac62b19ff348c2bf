"""SQLCipher keeps wiping freed memory while the memory it may lock is capped."""

from __future__ import annotations

import sys

import pytest

from app.workspace import Workspace
from storage.memory_lock import LOCKED_MEMORY_BUDGET, cap_locked_memory

resource = pytest.importorskip("resource")


def test_opening_the_store_caps_locked_memory_and_keeps_wiping(workspace: Workspace) -> None:
    with workspace.store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cipher_memory_security").scalar() == "1"
    soft, _hard = resource.getrlimit(resource.RLIMIT_MEMLOCK)
    assert soft != resource.RLIM_INFINITY and soft <= LOCKED_MEMORY_BUDGET


@pytest.mark.skipif(sys.platform == "win32", reason="no RLIMIT_MEMLOCK")
def test_a_lower_limit_is_left_alone() -> None:
    before = resource.getrlimit(resource.RLIMIT_MEMLOCK)
    try:
        resource.setrlimit(resource.RLIMIT_MEMLOCK, (64 * 1024, before[1]))
        assert cap_locked_memory() == 64 * 1024
        assert resource.getrlimit(resource.RLIMIT_MEMLOCK)[0] == 64 * 1024
    finally:
        # Lowering a soft limit is always allowed; raising it back needs it to be <= hard.
        resource.setrlimit(
            resource.RLIMIT_MEMLOCK, (min(before[0], LOCKED_MEMORY_BUDGET), before[1])
        )
