"""Where the main window was (its size and place, maximised or not), kept with the
device's other settings inside the encrypted store so the next unlock opens it there.

Only Qt's own geometry blob travels, as base64 text: a window's place says nothing
about anyone in the record. A damaged or oversized value is dropped, and the window
opens at its default (maximised on a small laptop screen).
"""

from __future__ import annotations

import base64
import binascii

from app.workspace import Workspace
from storage import settings

MAIN_WINDOW_GEOMETRY = "main_window_geometry"
# Qt's geometry blob is under 100 bytes; anything much larger is not one.
_MAX_BYTES = 512


def _clean(value: object) -> bytes | None:
    if not isinstance(value, str) or len(value) > _MAX_BYTES * 2:
        return None
    try:
        blob = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    return blob if 0 < len(blob) <= _MAX_BYTES else None


def load_main_window(workspace: Workspace) -> bytes | None:
    with workspace.store.read() as session:
        return _clean(settings.get(session, MAIN_WINDOW_GEOMETRY))


def save_main_window(workspace: Workspace, geometry: bytes) -> None:
    if not 0 < len(geometry) <= _MAX_BYTES:
        return
    with workspace.store.write(workspace.actor) as session:
        settings.put(session, MAIN_WINDOW_GEOMETRY, base64.b64encode(geometry).decode("ascii"))
