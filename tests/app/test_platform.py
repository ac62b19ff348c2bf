"""Nothing Linux-only in the paths and file handling a Windows or macOS build relies on."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from app import paths
from storage.files import make_private_dir, write_atomic


@pytest.mark.parametrize(
    ("platform", "env", "data", "logs"),
    [
        (
            "linux",
            {"XDG_DATA_HOME": "/x/data", "XDG_STATE_HOME": "/x/state"},
            "/x/data/onerecord",
            "/x/state/onerecord",
        ),
        ("linux", {}, "~/.local/share/onerecord", "~/.local/state/onerecord"),
        (
            "win32",
            {"LOCALAPPDATA": "C:/Users/sam/AppData/Local"},
            "C:/Users/sam/AppData/Local/onerecord",
            "C:/Users/sam/AppData/Local/onerecord/logs",
        ),
        ("win32", {}, "~/AppData/Local/onerecord", "~/AppData/Local/onerecord/logs"),
        (
            "darwin",
            {"XDG_DATA_HOME": "/ignored"},
            "~/Library/Application Support/onerecord",
            "~/Library/Logs/onerecord",
        ),
    ],
)
def test_each_platform_keeps_the_profile_in_its_own_per_user_data_folder(
    monkeypatch: pytest.MonkeyPatch, platform: str, env: dict[str, str], data: str, logs: str
) -> None:
    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "LOCALAPPDATA"):
        monkeypatch.setenv(name, "")  # empty counts as unset, never as a relative path
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", platform)
    home = Path.home()
    assert paths.data_dir() == Path(data.replace("~", str(home)))
    assert paths.state_dir() == Path(logs.replace("~", str(home)))
    assert paths.default_profile() == paths.data_dir() / "profile"
    if platform != "win32" or not env:  # "C:/..." is absolute only on Windows itself
        assert paths.data_dir().is_absolute()


def test_profile_env_variable_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ONERECORD_PROFILE", str(tmp_path / "elsewhere"))
    assert paths.default_profile() == tmp_path / "elsewhere"


def test_atomic_write_works_without_fchmod_as_on_windows(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Python before 3.13 has no os.fchmod on Windows: the write must not depend on it."""
    monkeypatch.delattr(os, "fchmod")
    target = tmp_path / "keyvault.json"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in tmp_path.iterdir()] == ["keyvault.json"]  # no temp file left
    if sys.platform != "win32":  # mkstemp alone already made it owner-only
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_profile_folders_are_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "profile"
    make_private_dir(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
