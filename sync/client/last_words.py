"""A revoked laptop's last words: before it wipes itself, it sends the audit events
the server has not yet got (who unlocked it, what was opened, printed or exported
on it since its last sync), so the wipe never takes the evidence with it.

The server takes them at `/sync/push-audit`, the one call a revoked laptop may
still make, audit events only. Best effort: unreachable or refused, the wipe goes
ahead anyway (a lost laptop must not keep records to protect its audit trail).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import httpx
from sqlalchemy import select, update

from app.workspace import Workspace
from storage.tables import ChangeRecord
from sync.client import settings as sync_settings
from sync.client.transport import call, client
from sync.protocol import PushResponse

logger = logging.getLogger(__name__)

AUDIT = "audit_event"
BATCH = 1000


def _pending_audit(workspace: Workspace) -> list[ChangeRecord]:
    with workspace.store.read() as session:
        return list(
            session.execute(
                select(ChangeRecord)
                .where(
                    ChangeRecord.entity == AUDIT,
                    ChangeRecord.pushed_at.is_(None),
                    ChangeRecord.push_error.is_(None),
                )
                .order_by(ChangeRecord.seq)
            ).scalars()
        )


def _wire(row: ChangeRecord) -> dict[str, object]:
    return {
        "change_id": row.change_id,
        "hlc": row.hlc,
        "device_id": row.device_id,
        "author_id": row.author_id,
        "organisation_id": row.organisation_id,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "op": row.op,
        "field": row.field,
        "value": row.value,
        "bases": [],
        "recorded_at": row.recorded_at.isoformat(),
    }


def send_last_words(workspace: Workspace, *, transport: httpx.BaseTransport | None = None) -> int:
    """Push this laptop's unsent audit events; how many the server took (0 on any failure)."""
    try:
        with workspace.store.read() as session:
            enrolment = sync_settings.enrolment(session)
        rows = _pending_audit(workspace)
        if enrolment is None or not rows:
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
            for start in range(0, len(rows), BATCH):
                batch = rows[start : start + BATCH]
                answer = PushResponse.model_validate(
                    call(
                        http,
                        "POST",
                        "/sync/push-audit",
                        json={"changes": [_wire(r) for r in batch]},
                    )
                )
                taken += answer.accepted + answer.duplicates
                refused = {r.change_id for r in answer.refused}
                with workspace.store.write(workspace.actor) as session:
                    session.execute(
                        update(ChangeRecord)
                        .where(
                            ChangeRecord.seq.in_(
                                [r.seq for r in batch if r.change_id not in refused]
                            )
                        )
                        .values(pushed_at=datetime.now(UTC))
                    )
        logger.info("a revoked laptop sent %d audit events before wiping", taken)
        return taken
    except Exception as exc:  # never stop a wipe
        logger.warning("audit events could not be sent before the wipe (%s)", type(exc).__name__)
        return 0
