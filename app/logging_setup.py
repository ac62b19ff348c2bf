"""One logging set-up for the CLI and the app. Log lines carry ids, counts and
error kinds, never names, NHS numbers, narrative, passphrases or keys.

Nor words a user typed: no URL's query string reaches a log, at any level.
httpx logs every request's URL at INFO (httpcore its traffic at DEBUG), so both
stay at WARNING, and every handler installed here strips the query string from
any URL a record carries (whoever logged it). The log file and its rotations are
owner-only (0600), in an owner-only folder.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import traceback
from io import TextIOWrapper
from pathlib import Path

from app.paths import state_dir

logger = logging.getLogger(__name__)

# Libraries that log URLs or traffic: never below WARNING, even when verbose.
QUIET = ("httpx", "httpcore", "hpack", "urllib3")
LOG_FILE = "onerecord.log"
# A URL or an absolute path, then "?" and its query, up to a space, quote or bracket.
_QUERY = re.compile(
    r"((?:[a-z][a-z0-9+.-]*://[^\s?#'\"<>]*|/[^\s?#'\"<>]*))\?[^\s#'\"<>)\]]*", re.I
)
QUERY_REMOVED = "?(query removed)"


def strip_queries(text: str) -> str:
    """`text` with the query string of every URL in it replaced."""
    return _QUERY.sub(lambda m: m.group(1) + QUERY_REMOVED, text) if "?" in text else text


class NoQueryStrings(logging.Filter):
    """Rewrites a record so that neither its message nor its exception text holds a
    URL's query string (the words of a search, a cursor): on every handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = strip_queries(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = strip_queries(record.exc_text)
        return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose file, and each file it rotates to, is created 0600 (a
    file left 0644 by an older version is made 0600 when opened)."""

    def _open(self) -> TextIOWrapper:
        descriptor = os.open(
            self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600
        )
        os.fchmod(descriptor, 0o600)
        return os.fdopen(descriptor, "a", encoding=self.encoding, errors=self.errors)


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
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    console.addFilter(NoQueryStrings())
    root.addHandler(console)
    _installed.append(console)
    folder = log_dir or state_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / LOG_FILE
        for old in (path, *(Path(f"{path}.{n}") for n in range(1, 4))):
            if old.exists():  # written by an older version, 0644
                old.chmod(0o600)
        handler = PrivateRotatingFileHandler(path, maxBytes=1_000_000, backupCount=3)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(NoQueryStrings())
        root.addHandler(handler)
        _installed.append(handler)
        return path
    except OSError:
        return None


def log_bug(exc: BaseException) -> None:
    """Record a bug by kind and place only: messages can quote data, frames do not."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("unexpected %s.%s\n%s", type(exc).__module__, type(exc).__name__, frames)
