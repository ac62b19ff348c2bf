"""A revoked laptop's last words: before it wipes itself, it sends the audit events
the server has not yet got (who unlocked it, what was opened, printed or exported
on it since its last sync), so the wipe never takes the evidence with it.

The server takes them at `/sync/push-audit`, the one call a revoked laptop may
still make, audit events only. Best effort: unreachable or refused, the wipe goes
ahead anyway (a lost laptop must not keep records to protect its audit trail).
"""

from __future__ import annotations

import logging

import httpx

from app.workspace import Workspace
from storage import wallclock
from sync.client import outbox
from sync.client import settings as sync_settings
from sync.protocol import PushResponse
from sync.transport import call, client

logger = logging.getLogger(__name__)

AUDIT = "audit_event"
BATCH = 1000


def send_last_words(workspace: Workspace, *, transport: httpx.BaseTransport | None = None) -> int:
    """Push this laptop's unsent audit events; how many the server took (0 on any failure)."""
    try:
        with workspace.store.read() as session:
            enrolment = sync_settings.enrolment(session)
        if enrolment is None:
            return 0
        taken = 0
        with client(
            enrolment.server_url,
            ca_pem=enrolment.ca_pem,
            device_id=workspace.store.device_id,
            private_key=enrolment.private_key,
            timeout=10.0,
            transport=transport,
        ) as http:
            while True:
                with workspace.store.read() as session:
                    batch = outbox.next_batch(session.connection(), BATCH, entity=AUDIT)
                if batch is None:
                    break
                answer = PushResponse.model_validate(
                    call(
                        http,
                        "POST",
                        "/sync/push-audit",
                        content=batch.body,
                        headers={"content-type": "application/json"},
                    )
                )
                taken += answer.accepted + answer.duplicates
                refused = {r.change_id: r.reason for r in answer.refused}
                with workspace.store.write(workspace.actor) as session:
                    outbox.mark_answered(session.connection(), batch, refused, wallclock.utcnow())
        logger.info("a revoked laptop sent %d audit events before wiping", taken)
        return taken
    except Exception as exc:  # never stop a wipe
        logger.warning("audit events could not be sent before the wipe (%s)", type(exc).__name__)
        return 0
