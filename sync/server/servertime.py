"""The server's clock for break-glass grants: one place, so a test can move it."""

from __future__ import annotations

from datetime import datetime

from storage import wallclock


def now() -> datetime:
    return wallclock.utcnow()
