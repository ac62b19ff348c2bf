"""A laptop takes the device id its server assigned at enrolment.

A profile is made with an id of its own (storage.profile.create), used for whatever
it records before it is enrolled. At enrolment the server assigns the id the laptop
is known by from then on (so no laptop can choose another laptop's id, or the
server's), and everything this profile recorded under its own id moves to the
assigned one, in one transaction: the setting, each row's recorded_device, the
change journal (its device_id, and recorded_device inside each whole row), and the
audit chain, whose hashes cover the device id and so are computed again, in order,
from the first event.

The same goes for who recorded it: a profile made on its own has a user and an
organisation of its own making (app.workspace.create), the one person who holds its
passphrase. At enrolment that person becomes the server's user, so their records
move to the enrolled user, organisation and role (every column that names the user
or the organisation, in the tables, the journal and the audit chain): the server
takes a change only in the name of the laptop's enrolled user.

Rewriting a hash chain is what the chain exists to show, so it is done only here,
only for a chain that still verifies (sync.client.enrol checks it first, with its
anchor), only before anything has left the laptop (an enrolled laptop cannot enrol
again), and it is recorded: the next event, "enrolled", names the id it replaced.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, select, update
from sqlalchemy.orm import Session

from storage.audit_log import GENESIS, HASHED_FIELDS, hash_of
from storage.audit_pruned import pruned_head
from storage.codec import encode, row_of
from storage.tables import AuditEvent, ChangeRecord, ProfileSetting, journalled_tables

logger = logging.getLogger(__name__)

AUDIT = AuditEvent.__tablename__
_PAGE = 5000

# Columns that name a member of staff, or an organisation, by id (storage/tables);
# and the role column that goes with a user column in the same row.
USER_COLUMNS = (
    "recorded_by",
    "updated_by",
    "author_id",
    "actor_id",
    "staff_member_id",
    "lead_professional_id",
    "assigned_to_id",
    "assessed_by_id",
    "performed_by_id",
    "owner_id",
    "review_owner_id",
)
ORGANISATION_COLUMNS = ("recorded_org", "organisation_id", "who_organisation_id")
ROLE_OF = {"author_id": "author_role", "actor_id": "actor_role", "staff_member_id": "staff_role"}


@dataclass(frozen=True)
class Identity:
    """Who the profile's records were made by, before and after enrolment."""

    old_user: str
    new_user: str
    old_organisation: str
    new_organisation: str
    new_role: str

    def moved(self, column: str, value: Any) -> Any:
        if column in USER_COLUMNS and value == self.old_user:
            return self.new_user
        if column in ORGANISATION_COLUMNS and value == self.old_organisation:
            return self.new_organisation
        return value

    def move_row(self, row: dict[str, Any]) -> bool:
        """Rewrite one whole row (journal JSON) in place; whether anything changed."""
        changed = False
        for column, value in list(row.items()):
            new = self.moved(column, value)
            if new != value:
                row[column] = new
                changed = True
        for user, role in ROLE_OF.items():
            if row.get(user) == self.new_user and role in row and row[role] != self.new_role:
                row[role] = self.new_role
                changed = True
        return changed


def _table(cls: type[Any]) -> Table:
    return cast(Table, cls.__table__)


def current_device_id(conn: Connection) -> str:
    raw = conn.execute(
        select(ProfileSetting.value).where(ProfileSetting.key == "device_id")
    ).scalar_one()
    return str(json.loads(raw))


def adopt(session: Session, new_id: str, identity: Identity | None = None) -> str:
    """Move this profile's own records from its id to `new_id`, and from its own user
    and organisation to the enrolled ones (`identity`), in the caller's transaction;
    the id it had before."""
    conn = session.connection()
    old = current_device_id(conn)
    if identity is not None and (
        identity.old_user != identity.new_user
        or identity.old_organisation != identity.new_organisation
    ):
        _move_identity(conn, identity)
    else:
        identity = None
    if old == new_id and identity is None:
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
    _move_whole_rows(conn, old, new_id, identity)
    # The ORM's copies of the audit events predate the updates above.
    session.expire_all()
    moved = _rechain(session, old, new_id)
    conn.execute(update(ChangeRecord).where(ChangeRecord.device_id == old).values(device_id=new_id))
    logger.info("took the device id assigned at enrolment (%d audit events re-chained)", moved)
    return old


def _move_identity(conn: Connection, identity: Identity) -> None:
    """Every table's user and organisation columns (the journal's copies follow in
    _move_whole_rows), and the journal's own author and organisation."""
    tables: list[type[Any]] = [*journalled_tables().values(), AuditEvent]
    for cls in tables:
        table = _table(cls)
        for column in (*USER_COLUMNS, *ORGANISATION_COLUMNS):
            if column not in table.c:
                continue
            old = identity.old_user if column in USER_COLUMNS else identity.old_organisation
            conn.execute(
                update(table)
                .where(table.c[column] == old)
                .values({column: identity.moved(column, old)})
            )
        for user, role in ROLE_OF.items():
            if user in table.c and role in table.c:
                conn.execute(
                    update(table)
                    .where(table.c[user] == identity.new_user)
                    .values({role: identity.new_role})
                )
    journal = _table(ChangeRecord)
    conn.execute(
        update(journal)
        .where(journal.c.author_id == identity.old_user)
        .values(author_id=identity.new_user)
    )
    conn.execute(
        update(journal)
        .where(journal.c.organisation_id == identity.old_organisation)
        .values(organisation_id=identity.new_organisation)
    )


def _move_whole_rows(
    conn: Connection, old: str, new_id: str, identity: Identity | None = None
) -> None:
    """recorded_device (and, with `identity`, the user and organisation columns)
    inside each change this device journalled: whole rows of creates and appends,
    and the value of a set of one of those columns, written back exactly as the
    journal writes them; a page at a time, so a large caseload made before enrolment
    is never held in memory whole."""
    journal = _table(ChangeRecord)
    after = 0
    while True:
        page = conn.execute(
            select(journal.c.seq, journal.c.op, journal.c.field, journal.c.value)
            .where(
                journal.c.seq > after,
                journal.c.device_id == old,
                journal.c.entity != AUDIT,
            )
            .order_by(journal.c.seq)
            .limit(_PAGE)
        ).all()
        if not page:
            return
        after = page[-1][0]
        moved: list[dict[str, Any]] = []
        for seq, op, field, text in page:
            value = json.loads(str(text)) if text else None
            changed = False
            if op in ("create", "append") and isinstance(value, dict):
                if value.get("recorded_device") == old:
                    value["recorded_device"] = new_id
                    changed = True
                if identity is not None and identity.move_row(value):
                    changed = True
            elif op == "set" and identity is not None and field:
                new = identity.moved(str(field), value)
                changed, value = new != value, new
            if changed:
                moved.append({"at_seq": seq, "new_value": json.dumps(value, ensure_ascii=False)})
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
