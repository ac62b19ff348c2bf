"""One logging set-up for the CLI and the app. Log lines carry ids, counts and
error kinds, never names, NHS numbers, narrative, passphrases or keys."""

from __future__ import annotations

import logging
import logging.handlers
import traceback
from pathlib import Path

from app.paths import state_dir

logger = logging.getLogger(__name__)


# The handlers configure() installed: a second call (a test, or a command run in the
# same process as another) replaces them rather than logging every line twice to
# streams that may since have closed.
_installed: list[logging.Handler] = []


def reset() -> None:
    """Remove what configure() installed."""
    root = logging.getLogger()
    while _installed:
        old = _installed.pop()
        root.removeHandler(old)
        if isinstance(old, logging.FileHandler):
            old.close()


def configure(*, verbose: bool = False, log_dir: Path | None = None) -> Path | None:
    reset()
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(console)
    _installed.append(console)
    folder = log_dir or state_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / "onerecord.log"
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        _installed.append(handler)
        return path
    except OSError:
        return None


def log_bug(exc: BaseException) -> None:
    """Record a bug by kind and place only: messages can quote data, frames do not."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("unexpected %s.%s\n%s", type(exc).__module__, type(exc).__name__, frames)
