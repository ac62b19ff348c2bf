"""Retrying sync requests through a bad network: exponential backoff with full jitter.

Only sync requests are retried, because only they are safe to repeat: a push is
idempotent by change id (the server counts a repeat as a duplicate) and a pull by
its cursor (a lost page is sent again). Each attempt is signed afresh, so a retry
never trips the server's replay check. Enrolment is never retried: its one-time
code may already have been spent by the attempt whose answer was lost.

A laptop that cannot connect at all on its first request is offline, not on a
bad network: it fails at once so the app says "offline" without waiting.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


class TransientError(Exception):
    """A request that may succeed if sent again: a cut, a reset, a timeout, a 5xx."""

    def __init__(self, kind: str, *, connected: bool) -> None:
        super().__init__(kind)
        self.kind = kind
        # False when the server was never reached on this attempt (refused, no route).
        self.connected = connected


@dataclass
class RetryPolicy:
    """How hard to try. `attempts` counts the first try; delays are drawn uniformly
    from [0, min(cap, base * 2**n)] ("full jitter"), so a fleet of laptops that lost
    the server together do not all come back in the same instant."""

    attempts: int = 4
    base: float = 0.25
    cap: float = 4.0
    rng: random.Random = field(default_factory=random.Random)
    sleep: Callable[[float], None] = time.sleep
    # Told of every retry: (attempt just failed, attempts allowed, delay, why).
    on_retry: Callable[[int, int, float, str], None] | None = None

    def delay(self, failed_attempt: int) -> float:
        """The pause after the `failed_attempt`-th failure (1-based)."""
        ceiling = min(self.cap, self.base * (2 ** (failed_attempt - 1)))
        return self.rng.uniform(0.0, ceiling)

    def run(self, send: Callable[[], T], *, first_contact: bool) -> T:
        """Call `send` until it succeeds, the error is not transient, or attempts run out.
        The last transient error propagates for the caller to turn into a plain message."""
        attempt = 1
        while True:
            try:
                return send()
            except TransientError as exc:
                offline = first_contact and attempt == 1 and not exc.connected
                if offline or attempt >= self.attempts:
                    raise
                pause = self.delay(attempt)
                logger.warning(
                    "sync request failed (%s); retrying in %.2f s (attempt %d of %d)",
                    exc.kind,
                    pause,
                    attempt + 1,
                    self.attempts,
                )
                if self.on_retry is not None:
                    self.on_retry(attempt, self.attempts, pause, exc.kind)
                self.sleep(pause)
                attempt += 1


NO_RETRY = RetryPolicy(attempts=1)


def retryable(method: str, path: str) -> bool:
    """Pushes (idempotent by change id) and pulls (by cursor) only."""
    return (method.upper(), path) in {("POST", "/sync/push"), ("GET", "/sync/pull")}
