"""SQLite only: the write-ahead log is copied back into the database by a thread
of its own, after each write, instead of inside whichever request's commit
happens to cross SQLite's threshold (that copy and its fsync were a third of a
2,000-change push). PostgreSQL manages its own log.

PASSIVE checkpoints never wait for, or block, readers and writers. SQLite's own
automatic checkpoint stays on at a higher threshold, as a safety net should
this thread fall behind.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine

logger = logging.getLogger(__name__)

# Pages of log (4 KiB each) before a committing request checkpoints itself.
SAFETY_NET_PAGES = 16_384


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
            self._wake.clear()
            if self._stopping:
                return
            try:
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").all()
                self.runs += 1
            except Exception as exc:  # the safety net still checkpoints; never kill the thread
                logger.warning("background checkpoint failed: %s", type(exc).__name__)
