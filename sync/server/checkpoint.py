"""SQLite only: the write-ahead log is copied back into the database by a thread
of its own, once writes pause, instead of inside whichever request's commit
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
        # When the last write committed, and whether the thread waits for a first one:
        # only that write wakes it. During a spell it reads the time instead (a wake
        # at every write cost a quiet sync, whose nonce is a write, about 0.15 ms).
        self._last_write = 0.0
        self._idle = True
        self.runs = 0  # checkpoints done (for tests)
        self.covered = 0.0  # writes up to this monotonic time are checkpointed (for tests)
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        """A write committed: checkpoint soon (several pokes make one checkpoint)."""
        self._last_write = time.monotonic()
        if self._idle:
            self._idle = False
            self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            while True:
                self._wake.clear()
                if self._stopping or not self._quiet_spell():
                    return
                ended = time.monotonic()
                if self._checkpoint():
                    self.covered = ended
                self._idle = True
                # A write that came since the spell ended may have found the thread
                # not yet idle, and not woken it: it starts the next spell itself.
                if self._last_write <= ended:
                    break
                self._idle = False

    def _checkpoint(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").all()
        except Exception as exc:  # the safety net still checkpoints; never kill the thread
            logger.warning("background checkpoint failed: %s", type(exc).__name__)
            return False
        self.runs += 1
        return True

    def _quiet_spell(self) -> bool:
        """Wait until no write has come for QUIET_SECONDS (at most MOST_SECONDS);
        False when stopping."""
        give_up = time.monotonic() + MOST_SECONDS
        while True:
            due = min(self._last_write + QUIET_SECONDS, give_up)
            left = due - time.monotonic()
            if left <= 0:
                return not self._stopping
            # Set only by stop, or by a write racing the end of the last checkpoint.
            if self._wake.wait(left):
                if self._stopping:
                    return False
                self._wake.clear()
