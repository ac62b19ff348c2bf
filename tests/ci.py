"""What the test suite may skip, and where: on a developer's machine a missing tool or
database skips the tests that need it; in CI (the `CI` environment variable, set by
`.ci/run`'s caller) the same gap fails, because a safety claim whose test silently
skipped is a claim nobody checked."""

from __future__ import annotations

import logging
import os
import shutil
from typing import NoReturn

import pytest

logger = logging.getLogger(__name__)

# Values that mean "not CI" when someone sets the variable to switch it off.
_OFF = {"", "0", "false", "no", "off"}


def flag_is_set(name: str) -> bool:
    """True when the environment variable is set to anything but an 'off' value
    (scripts/postgres.sh reads `CI` the same way)."""
    return os.environ.get(name, "").strip().lower() not in _OFF


def ci_is_set() -> bool:
    return flag_is_set("CI")


def missing(reason: str) -> NoReturn:
    """Skip the test for a missing prerequisite, or fail it when CI is set."""
    __tracebackhide__ = True  # reported at the caller's line
    if ci_is_set():
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


def require_tool(command: str, package: str) -> str:
    """The path of a command-line tool the test reads its evidence with."""
    __tracebackhide__ = True
    path = shutil.which(command)
    if path is None:
        missing(f"{command} ({package}) is not installed")
    return path
