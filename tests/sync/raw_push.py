"""An enrolled laptop that writes its own signed requests, as an attacker with a
stolen laptop (or malware on one) would: the server must judge every change
itself, whatever the laptop's own services would have let through."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx

from app.services import clock
from app.workspace import Workspace
from sync import signing
from sync.client import settings as sync_settings
from sync.client.session import SyncReport
from tests.sync.conftest import reopen
from tests.sync.helpers import sync
from tests.sync.rows import complete_row


def stamp(ahead_ms: int = 0) -> int:
    """A clock stamp from the real clock (as storage/hlc.py makes them), moved ahead."""
    return (time.time_ns() // 1_000_000 + ahead_ms) << 16


def crafted(
    ws: Workspace,
    entity: str,
    op: str,
    entity_id: str,
    value: Any,
    field: str | None = None,
    *,
    raw: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """A change in this laptop's own name (its device, user and organisation); `value`
    is JSON-encoded here, or sent as it is with raw=True."""
    return {
        "change_id": str(uuid.uuid4()),
        "hlc": stamp(),
        "device_id": ws.store.device_id,
        "author_id": ws.actor.user_id,
        "organisation_id": ws.actor.organisation_id,
        "entity": entity,
        "entity_id": entity_id,
        "op": op,
        "field": field,
        "value": value if raw else json.dumps(value),
        "bases": [],
        "recorded_at": clock.now().isoformat(),
    } | extra


def own_row(ws: Workspace, entity: str, **values: Any) -> dict[str, Any]:
    """A whole row of `entity` recorded by this laptop's own user, organisation and
    device, as its journal stamps them: the write policy refuses a row in anyone
    else's name, so a test about another rule must not break this one too."""
    actor = ws.actor
    recorded = {
        "recorded_by": actor.user_id,
        "recorded_org": actor.organisation_id,
        "recorded_device": ws.store.device_id,
    }
    if entity == "contact_note":  # a note names its author, as the journal's does
        recorded |= {
            "author_id": actor.user_id,
            "author_role": actor.role,
            "organisation_id": actor.organisation_id,
        }
    return complete_row(entity, **(recorded | values))


def signed_push(url: str, ws: Workspace, changes: list[dict[str, Any]]) -> httpx.Response:
    """POST /sync/push signed with the laptop's own key, the body exactly as given."""
    with ws.store.read() as session:
        enrolment = sync_settings.enrolment(session)
    assert enrolment is not None
    body = json.dumps({"changes": changes}).encode()
    headers = signing.sign(enrolment.private_key, ws.store.device_id, "POST", "/sync/push", body)
    with httpx.Client(base_url=url, timeout=60) as http:
        return http.post(
            "/sync/push", content=body, headers={**headers, "content-type": "application/json"}
        )


def refusals(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {r["change_id"]: r["reason"] for r in response.json()["refused"]}


def still_syncs(ws: Workspace) -> tuple[Workspace, SyncReport]:
    """The laptop syncs, unlocks again and syncs again, with nothing refused."""
    first = sync(ws)
    assert not first.refused, first.refused
    ws = reopen(ws)
    again = sync(ws)
    assert not again.refused, again.refused
    return ws, first
