"""The work behind /sync/push and /sync/pull, from request bytes to response bytes.

Kept apart from the FastAPI routes (app.py) so the benchmark (bench/server_sync.py)
measures exactly what a request costs the server, without HTTP in the way.
"""

from __future__ import annotations

from typing import Any

from app.gc_pause import gc_paused
from sync.protocol import PushRequest
from sync.server import pull_wire
from sync.server.store import ServerStore
from sync.server.visibility import withhold_restricted


def push(store: ServerStore, device: dict[str, Any], body: bytes) -> bytes:
    """Validate a push against the wire schema (pydantic's ValidationError if it is
    not one), store it, and answer with the PushResponse as JSON. Thousands of models
    and rows without cycles: the collector waits (app/gc_pause.py)."""
    with gc_paused():
        request = PushRequest.model_validate_json(body)
        return store.ingest(device, request.changes).model_dump_json().encode()


def pull(store: ServerStore, device: dict[str, Any], cursor: str, limit: int) -> bytes:
    """The next PullResponse page for a device as JSON, restricted content withheld
    (ValueError for a cursor this server never gave out)."""
    with gc_paused():
        page = store.pull(device, cursor, limit)
        return pull_wire.encode(page, withhold_restricted(store, device, page.rows, page.now))
