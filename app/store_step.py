"""The seam between the network and the store (as Anki keeps collection work on one
lane): code that talks to the server does every profile access as a *store step*,
`on_store(fn)`, which runs `fn()` where the store may be used and hands back its
result; the HTTP between steps holds no step.

By default (`direct`) a step simply runs where it is called: the command line, the
tests and everything without a desktop work unchanged. The desktop passes a step
that runs `fn` on the database lane (ui/kit/operations.py) and waits for it from
the network lane, so a visit note saved meanwhile goes in between two steps
instead of behind a slow server. A step asked for after the profile was locked
raises `StepCancelled`, which every lane treats as silent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import CancelledError
from typing import Protocol, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


class StoreStep(Protocol):
    def __call__(self, fn: Callable[[], T], /) -> T: ...


def direct(fn: Callable[[], T], /) -> T:
    """Run the step here and now (no desktop: there is only one thread)."""
    return fn()


class StepCancelled(CancelledError):
    """The profile was locked (or the app is closing) while the server was being
    asked: the store is not touched again, and nobody is told."""
