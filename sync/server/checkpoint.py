"""SQLite only: the write-ahead log is copied back into the database by a thread
of its own, after each write, instead of inside whichever request's commit
happens to cross SQLite's threshold (that copy and its fsync were a third of a
2,000-change push). PostgreSQL manages its own log.

PASSIVE checkpoints never wait for, or block, readers and writers. SQLite's own
automatic checkpoint stays on at a higher threshold, as a safety net should
this thread fall behind.

A checkpoint waits for the writes to pause (QUIET_SECONDS without one, and never
longer than MOST_SECONDS): one after every write cost a quiet sync a checkpoint's
copy and fsync each time (its nonce is a write), a quarter of the server's work.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import Engine

logger = logging.getLogger(__name__)

# Pages of log (4 KiB each) before a committing request checkpoints itself.
SAFETY_NET_PAGES = 16_384
# A burst of writes (a push's batches, many laptops' syncs) makes one checkpoint.
QUIET_SECONDS = 0.2
MOST_SECONDS = 2.0


class Checkpointer:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._wake = threading.Event()
        self._stopping = False
        self.runs = 0  # checkpoints done (for tests)
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        """A write committed: checkpoint soon (several pokes make one checkpoint)."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            if self._stopping or not self._quiet_spell():
                return
            try:
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").all()
                self.runs += 1
            except Exception as exc:  # the safety net still checkpoints; never kill the thread
                logger.warning("background checkpoint failed: %s", type(exc).__name__)

    def _quiet_spell(self) -> bool:
        """Wait until no write has come for QUIET_SECONDS (at most MOST_SECONDS);
        False when stopping."""
        give_up = time.monotonic() + MOST_SECONDS
        while True:
            self._wake.clear()
            left = give_up - time.monotonic()
            if left <= 0 or not self._wake.wait(min(QUIET_SECONDS, left)):
                return not self._stopping
            if self._stopping:
                return False
