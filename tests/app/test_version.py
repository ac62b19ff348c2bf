"""`onerecord --version` says the version in pyproject.toml (the build ships the same)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from app.version import version
from ui.launcher import main

ROOT = Path(__file__).resolve().parents[2]


def test_version_is_the_one_in_pyproject(capsys: pytest.CaptureFixture[str]) -> None:
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert version() == expected
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"onerecord {expected}\n"
