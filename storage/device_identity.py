"""A laptop takes the device id its server assigned at enrolment.

A profile is made with an id of its own (storage.profile.create), used for whatever
it records before it is enrolled. At enrolment the server assigns the id the laptop
is known by from then on (so no laptop can choose another laptop's id, or the
server's), and everything this profile recorded under its own id moves to the
assigned one, in one transaction: the setting, each row's recorded_device, the
change journal (its device_id, and recorded_device inside each whole row), and the
audit chain, whose hashes cover the device id and so are computed again, in order,
from the first event.

Rewriting a hash chain is what the chain exists to show, so it is done only here,
only for a chain that still verifies (sync.client.enrol checks it first, with its
anchor), only before anything has left the laptop (an enrolled laptop cannot enrol
again), and it is recorded: the next event, "enrolled", names the id it replaced.
"""

from __future__ import annotations

import json
import logging
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, select, update
from sqlalchemy.orm import Session

from storage.audit_anchor import pruned_head
from storage.audit_log import GENESIS, HASHED_FIELDS, hash_of
from storage.codec import encode, row_of
from storage.tables import AuditEvent, ChangeRecord, ProfileSetting, journalled_tables

logger = logging.getLogger(__name__)

AUDIT = AuditEvent.__tablename__
_PAGE = 5000


def _table(cls: type[Any]) -> Table:
    return cast(Table, cls.__table__)


def current_device_id(conn: Connection) -> str:
    raw = conn.execute(
        select(ProfileSetting.value).where(ProfileSetting.key == "device_id")
    ).scalar_one()
    return str(json.loads(raw))


def adopt(session: Session, new_id: str) -> str:
    """Move this profile's own records from its id to `new_id` (in the caller's
    transaction); the id it had before."""
    conn = session.connection()
    old = current_device_id(conn)
    if old == new_id:
        return old
    if pruned_head(conn, old) is not None:
        # Events are pruned only after a server had them: this laptop was enrolled.
        raise RuntimeError("a profile that has synced cannot take another device id")
    conn.execute(
        update(ProfileSetting)
        .where(ProfileSetting.key == "device_id")
        .values(value=json.dumps(new_id))
    )
    for cls in journalled_tables().values():
        table = _table(cls)
        if "recorded_device" in table.c:
            conn.execute(
                update(table).where(table.c.recorded_device == old).values(recorded_device=new_id)
            )
    _move_whole_rows(conn, old, new_id)
    moved = _rechain(session, old, new_id)
    conn.execute(update(ChangeRecord).where(ChangeRecord.device_id == old).values(device_id=new_id))
    logger.info("took the device id assigned at enrolment (%d audit events re-chained)", moved)
    return old


def _move_whole_rows(conn: Connection, old: str, new_id: str) -> None:
    """recorded_device inside each whole row this device journalled (creates and
    appends), written back exactly as the journal writes it; a page at a time, so a
    large caseload made before enrolment is never held in memory whole."""
    journal = _table(ChangeRecord)
    after = 0
    while True:
        page = conn.execute(
            select(journal.c.seq, journal.c.value)
            .where(
                journal.c.seq > after,
                journal.c.device_id == old,
                journal.c.op.in_(("create", "append")),
                journal.c.entity != AUDIT,
            )
            .order_by(journal.c.seq)
            .limit(_PAGE)
        ).all()
        if not page:
            return
        after = page[-1][0]
        moved: list[dict[str, Any]] = []
        for seq, text in page:
            row = json.loads(str(text)) if text else None
            if isinstance(row, dict) and row.get("recorded_device") == old:
                row["recorded_device"] = new_id
                moved.append({"at_seq": seq, "new_value": json.dumps(row, ensure_ascii=False)})
        if moved:
            conn.execute(
                update(journal)
                .where(journal.c.seq == bindparam("at_seq"))
                .values(value=bindparam("new_value")),
                moved,
            )


def _rechain(session: Session, old: str, new_id: str) -> int:
    """This device's audit events under the new id, each hash computed again in
    order; the journal's copy of each event (what the server receives) with them."""
    events = (
        session.execute(
            select(AuditEvent).where(AuditEvent.device_id == old).order_by(AuditEvent.device_seq)
        )
        .scalars()
        .all()
    )
    prev = GENESIS
    rows: list[dict[str, Any]] = []
    values: list[dict[str, Any]] = []
    for event in events:
        body = {key: encode(getattr(event, key)) for key in HASHED_FIELDS}
        body.update(device_id=new_id, prev_hash=prev)
        digest = hash_of(body)
        rows.append({"event": event.id, "new_prev": prev, "new_hash": digest})
        whole = row_of(event)
        whole.update(device_id=new_id, prev_hash=prev, hash=digest)
        values.append({"event": event.id, "new_value": json.dumps(whole, ensure_ascii=False)})
        prev = digest
    # The ORM copies are stale from here: nothing else in this session reads them.
    session.expunge_all()
    if rows:
        conn = session.connection()
        audit = _table(AuditEvent)
        conn.execute(
            update(audit)
            .where(audit.c.id == bindparam("event"))
            .values(device_id=new_id, prev_hash=bindparam("new_prev"), hash=bindparam("new_hash")),
            rows,
        )
        journal = _table(ChangeRecord)
        conn.execute(
            update(journal)
            .where(journal.c.entity == AUDIT, journal.c.entity_id == bindparam("event"))
            .values(value=bindparam("new_value")),
            values,
        )
    return len(rows)
