"""Settings the user can change, declared once with their defaults and limits.

Kept inside the encrypted store (device-local, never synced): a setting read
before unlocking would have to live in a plain file, and nothing does.
"""

from __future__ import annotations

from dataclasses import dataclass

from app import rules
from app.errors import InvalidInputError
from app.workspace import Workspace
from storage import settings

IDLE_LOCK_MINUTES = "idle_lock_minutes"


@dataclass(frozen=True)
class Preferences:
    idle_lock_minutes: int = 5  # DESIGN.md: auto-lock after 5 minutes idle


MIN_IDLE_MINUTES = 1
MAX_IDLE_MINUTES = 30


def load_preferences(workspace: Workspace) -> Preferences:
    defaults = Preferences()
    with workspace.store.read() as session:
        stored = settings.get(session, IDLE_LOCK_MINUTES, defaults.idle_lock_minutes)
    try:
        minutes = rules.score(stored, "idle lock", MIN_IDLE_MINUTES, MAX_IDLE_MINUTES)
    except InvalidInputError:  # a damaged value falls back to the default
        minutes = defaults.idle_lock_minutes
    return Preferences(idle_lock_minutes=minutes)


def save_idle_lock_minutes(workspace: Workspace, *, minutes: int | str) -> Preferences:
    value = rules.score(minutes, "time before locking", MIN_IDLE_MINUTES, MAX_IDLE_MINUTES)
    with workspace.store.write(workspace.actor) as session:
        settings.put(session, IDLE_LOCK_MINUTES, value)
    return Preferences(idle_lock_minutes=value)
