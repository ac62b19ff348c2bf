"""With memory security on (a deployment setting), SQLCipher keeps wiping freed memory
while the memory it may lock is capped."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app.workspace import create
from storage.memory_lock import LOCKED_MEMORY_BUDGET, cap_locked_memory
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.storage.own_process import opened_in_own_process

resource = pytest.importorskip("resource")


def test_opening_the_store_caps_locked_memory_and_keeps_wiping(tmp_path: Path) -> None:
    # Its own process: SQLCipher keeps memory security on for the rest of a process.
    settings = tmp_path / "deployment.toml"
    settings.write_text("memory_security = true\n")
    create(tmp_path / "profile", PASSPHRASE, user_name="Sam Taylor", kdf=FAST_KDF).close()
    wiping, soft = opened_in_own_process(tmp_path / "profile", settings)
    assert wiping == "1"
    assert 0 <= soft <= LOCKED_MEMORY_BUDGET


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
