"""How the user laid out a view (which columns they hid), kept inside the encrypted
store with the other device-local settings, never in a plain file.

Only column keys are kept (short lowercase words such as "plan_review_due"): a
layout says nothing about anyone in the record.
"""

from __future__ import annotations

import logging
import re

from app.workspace import Workspace
from storage import settings

logger = logging.getLogger(__name__)

TEAM_HIDDEN_COLUMNS = "team_hidden_columns"
_KEY = re.compile(r"[a-z_]{1,40}")
MAX_KEYS = 30


def _clean(value: object) -> frozenset[str]:
    """Column keys only; anything else (a damaged value) is dropped."""
    if not isinstance(value, list | tuple | frozenset | set):
        return frozenset()
    keys = [v for v in value if isinstance(v, str) and _KEY.fullmatch(v)]
    return frozenset(keys[:MAX_KEYS])


def load_team_hidden_columns(workspace: Workspace) -> frozenset[str]:
    with workspace.store.read() as session:
        return _clean(settings.get(session, TEAM_HIDDEN_COLUMNS, []))


def save_team_hidden_columns(workspace: Workspace, hidden: frozenset[str]) -> frozenset[str]:
    keys = _clean(hidden)
    with workspace.store.write(workspace.actor) as session:
        settings.put(session, TEAM_HIDDEN_COLUMNS, sorted(keys))
    return keys
