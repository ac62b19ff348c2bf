"""Where OneRecord keeps things on this computer, per platform conventions.

Linux follows XDG; Windows uses the per-user, non-roaming %LOCALAPPDATA% (a profile
must never roam to a server with the user's Windows profile); macOS uses
~/Library/Application Support and ~/Library/Logs. Checked on each platform by
tests/app/test_platform.py, which fakes `sys.platform`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_FOLDER = "onerecord"


def _env_dir(name: str, fallback: Path) -> Path:
    # An empty variable means "unset" (XDG says so; it would otherwise be a relative path).
    value = os.environ.get(name)
    return Path(value) if value else fallback


def data_dir() -> Path:
    if sys.platform == "win32":
        base = _env_dir("LOCALAPPDATA", Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = _env_dir("XDG_DATA_HOME", Path.home() / ".local" / "share")
    return base / APP_FOLDER


def state_dir() -> Path:
    """Logs: never patient data, so outside the encrypted profile is acceptable."""
    if sys.platform == "win32":
        return data_dir() / "logs"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Logs" / APP_FOLDER
    return _env_dir("XDG_STATE_HOME", Path.home() / ".local" / "state") / APP_FOLDER


def default_profile() -> Path:
    env = os.environ.get("ONERECORD_PROFILE")
    return Path(env).expanduser() if env else data_dir() / "profile"
