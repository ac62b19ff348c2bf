"""Where a passphrase comes from: --passphrase-file, ONERECORD_PASSPHRASE, or a prompt."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from app.errors import InvalidInputError, UsageError

ENV = "ONERECORD_PASSPHRASE"
NEW_ENV = "ONERECORD_NEW_PASSPHRASE"


def _from_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise UsageError("Cannot read the passphrase file {path}.", path=path) from None
    value = text.rstrip("\r\n")
    if not value:
        raise UsageError("The passphrase file {path} is empty.", path=path)
    return value


def read(file: Path | None, *, env: str = ENV, prompt: str = "Passphrase: ") -> str:
    if file is not None:
        return _from_file(file)
    if value := os.environ.get(env):
        return value
    if not sys.stdin.isatty():
        raise UsageError("No passphrase: give --passphrase-file or set {env}.", env=env)
    return getpass.getpass(prompt)


def read_new(file: Path | None, *, env: str = ENV) -> str:
    """A new passphrase; typed twice when it comes from a prompt."""
    if file is not None or os.environ.get(env) or not sys.stdin.isatty():
        return read(file, env=env)
    first = getpass.getpass("New passphrase: ")
    if getpass.getpass("Type it again: ") != first:
        raise InvalidInputError("The two passphrases were different: nothing was changed.")
    return first
