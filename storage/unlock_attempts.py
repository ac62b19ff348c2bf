"""Failed unlocks, remembered beside the key vault until the next successful unlock.

A wrong passphrase never opens the database, so the attempt cannot be an audit
event at once. Instead a small side file (`unlock-failures.json`, 0600, written
atomically) keeps a count and the times of the latest attempts: nothing else,
no name, no passphrase, nothing about the person who typed. The next successful
unlock turns each remembered attempt into an "unlock_failed" audit event (in the
same transaction as its "unlock" event) and then removes the file.

The file is evidence of casual guessing only: someone who can delete files in the
profile folder can delete it too. What it cannot be is a leak.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from storage import wallclock
from storage.errors import DiskFullError, ProfileNotWritableError
from storage.files import write_atomic

logger = logging.getLogger(__name__)

FAILURES_FILE = "unlock-failures.json"
# Times kept for at most this many attempts; the count goes on beyond it.
MAX_TIMES = 100


@dataclass(frozen=True)
class FailedUnlocks:
    """Attempts since the last successful unlock: the total, and the latest times."""

    count: int
    times: tuple[datetime, ...]

    @property
    def untimed(self) -> int:
        """Attempts older than the kept times (only their number is known)."""
        return max(0, self.count - len(self.times))


NONE = FailedUnlocks(0, ())


def read(profile: Path) -> FailedUnlocks:
    """What the side file holds; nothing (not an error) when it is missing or unreadable."""
    path = profile / FAILURES_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        times = tuple(datetime.fromisoformat(t) for t in data.get("times", []))
        return FailedUnlocks(max(int(data.get("count", 0)), len(times)), times[-MAX_TIMES:])
    except FileNotFoundError:
        return NONE
    except (OSError, ValueError, TypeError, AttributeError):
        # A damaged file is itself worth knowing about, but must not stop an unlock.
        logger.warning("the failed-unlock file could not be read")
        return FailedUnlocks(1, ())


def record_failure(profile: Path, *, now: datetime | None = None) -> FailedUnlocks:
    """Remember one wrong passphrase. Never raises: a read-only or full disk only
    means this attempt goes uncounted (and is logged as such, without detail)."""
    before = read(profile)
    when = (now or wallclock.utcnow()).astimezone(UTC)
    after = FailedUnlocks(before.count + 1, (*before.times, when)[-MAX_TIMES:])
    body = {
        "count": after.count,
        "times": [t.isoformat(timespec="seconds") for t in after.times],
    }
    try:
        write_atomic(profile / FAILURES_FILE, json.dumps(body, indent=1).encode())
    except (ProfileNotWritableError, DiskFullError, OSError) as exc:
        logger.warning("a failed unlock could not be counted (%s)", type(exc).__name__)
        return before
    return after


def clear(profile: Path) -> None:
    """After their audit events have committed."""
    try:
        (profile / FAILURES_FILE).unlink(missing_ok=True)
    except OSError as exc:
        # They will be recorded again at the next unlock: a duplicate, never a loss.
        logger.warning("the failed-unlock file could not be removed (%s)", type(exc).__name__)
