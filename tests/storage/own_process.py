"""Open a profile in a process of its own under given deployment settings, and say what
SQLCipher and the memory-lock limit were there. SQLCipher keeps memory security on for
the rest of a process once a connection turns it on, so a test's own process must not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from storage.deployment import FILE_VARIABLE
from tests.conftest import PASSPHRASE

_ASK = """
import resource, sys
from pathlib import Path
from app.workspace import unlock
ws = unlock(Path(sys.argv[1]), sys.argv[2])
with ws.store.engine.connect() as conn:
    print(conn.exec_driver_sql("PRAGMA cipher_memory_security").scalar())
ws.close()
soft = resource.getrlimit(resource.RLIMIT_MEMLOCK)[0]
print(-1 if soft == resource.RLIM_INFINITY else soft)
"""


def opened_in_own_process(profile: Path, settings: Path) -> tuple[str, int]:
    """(cipher_memory_security as reported, the soft RLIMIT_MEMLOCK after opening)."""
    done = subprocess.run(
        [sys.executable, "-c", _ASK, str(profile), PASSPHRASE],
        env={**os.environ, FILE_VARIABLE: str(settings)},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    wiping, soft = done.stdout.split()
    return wiping, int(soft)
