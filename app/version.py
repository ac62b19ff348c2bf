"""The app's version: one number, kept in pyproject.toml.

An installed copy (pip, or the PyInstaller build, which ships the package's metadata)
reads it from the distribution's metadata; a bare source checkout that was never
installed reads pyproject.toml itself, so `--version` is never a guess."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "onerecord"


def version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
