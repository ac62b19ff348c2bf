"""What keeps the end of this laptop's audit chain honest.

A hash chain shows an edited, removed or reordered event, but not the newest
events removed from the end: what remains is still a valid chain. Two things
beside the chain cover that:

- the anchor: `audit-anchor.json` beside the key vault (0600, atomic; a device
  id, a count and a hash, nothing identifiable) holds the head the chain had
  reached when the profile was last locked. Verification reports a chain that
  now ends before it, or whose event at that place is a different one. The
  anchor only moves forward from a chain that still contains it, so tampering
  stays reported until someone looks into it.
- pruned links (storage/audit_pruned.py): when a person leaves the caseload the
  laptop removes their record, including the audit events about them, but only
  after the server has them (sync.client.purge). Their place in the chain
  (seq -> hash) is kept in the encrypted store so the chain still verifies
  without them.

The limit, said plainly: someone with the database key and write access to the
folder can rewrite the chain, the pruned links and the anchor together. Against
that the server's copy is the authority (`onerecord-server audit verify`): every
event a laptop pushed is held there, out of the laptop's reach.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from sqlalchemy import Connection, select

from storage.audit_log import Anchor, ChainProblem, verify
from storage.audit_pruned import pruned_head, read_pruned
from storage.files import write_atomic
from storage.store import Store
from storage.tables import AuditEvent

logger = logging.getLogger(__name__)

ANCHOR_FILE = "audit-anchor.json"


def read_anchor(profile: Path) -> Anchor | None:
    try:
        data = json.loads((profile / ANCHOR_FILE).read_text(encoding="utf-8"))
        return Anchor(str(data["device_id"]), int(data["seq"]), str(data["hash"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError):
        # A damaged anchor cannot vouch for anything: verification says so.
        logger.warning("the audit anchor could not be read")
        return Anchor("", 1, "unreadable")


def _head(conn: Connection, device_id: str) -> tuple[int, str] | None:
    row = conn.execute(
        select(AuditEvent.device_seq, AuditEvent.hash)
        .where(AuditEvent.device_id == device_id)
        .order_by(AuditEvent.device_seq.desc())
        .limit(1)
    ).first()
    pruned = pruned_head(conn, device_id)
    best = (int(row[0]), str(row[1])) if row else None
    if pruned is not None and (best is None or pruned[0] > best[0]):
        best = pruned
    return best


def _holds(conn: Connection, anchor: Anchor) -> bool:
    found = conn.execute(
        select(AuditEvent.hash).where(
            AuditEvent.device_id == anchor.device_id, AuditEvent.device_seq == anchor.seq
        )
    ).scalar()
    if found is None:
        found = read_pruned(conn).get(anchor.seq)
    return found == anchor.hash


def advance(store: Store) -> None:
    """Move the anchor to this device's head (at lock). An anchor the chain no longer
    holds is left as it is, so verification keeps reporting the tampering."""
    profile, device = store.path, store.device_id
    with store.engine.connect() as conn:
        head = _head(conn, device)
        old = read_anchor(profile)
        if head is None or (old is not None and (old.seq, old.hash) == head):
            return
        if old is not None and old.device_id == device and not _holds(conn, old):
            logger.warning("the audit chain no longer holds its anchor: left unchanged")
            return
    body = {"device_id": device, "seq": head[0], "hash": head[1]}
    write_atomic(profile / ANCHOR_FILE, json.dumps(body, indent=1).encode())


def verify_store(store: Store) -> tuple[int, list[ChainProblem]]:
    """Every chain in the store, with this device's pruned links and its anchor."""
    anchor = read_anchor(store.path)
    with store.read() as session:
        pruned = {store.device_id: read_pruned(session.connection())}
        checked, problems = verify(session, anchors=[anchor] if anchor else [], pruned=pruned)
    if anchor is not None and anchor.device_id != store.device_id:
        problems.append(
            ChainProblem(store.device_id, 0, "has an anchor that belongs to another device")
        )
    return checked, problems
