"""Where OneRecord keeps things on this computer, per platform conventions."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def data_dir() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "onerecord"


def state_dir() -> Path:
    """Logs: never patient data, so outside the encrypted profile is acceptable."""
    if sys.platform in ("win32", "darwin"):
        return data_dir() / "logs"
    return Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "onerecord"


def default_profile() -> Path:
    env = os.environ.get("ONERECORD_PROFILE")
    return Path(env).expanduser() if env else data_dir() / "profile"
