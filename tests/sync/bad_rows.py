"""Rows written by hand into a real server's database (as an attacker with database
access, or a bug, could), for the suites that show a laptop survives them."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

from app.services import clock
from app.services.care import visits
from app.services.record import people
from app.workspace import Workspace
from storage import settings
from sync.server import schema as s
from sync.server.store import ServerStore
from tests.conftest import ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync


def zoe_on_the_team(laptop: Laptop) -> tuple[Workspace, str]:
    """The nurse's laptop holding Zoë (on the team, with one note), synced."""
    nurse = reopen(laptop("Sam Taylor"))
    people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    with nurse.store.write(nurse.actor) as session:
        person = people.find(session, ZOE)
        person.team_id = settings.get(session, settings.HOME_TEAM)
        zoe = person.id
    visits.record_visit(nurse, person_id=zoe, narrative="First visit.", occurred_at=clock.now())
    sync(nurse)
    return nurse, zoe


def server_row(server: RunningServer, entity: str, **where: Any) -> dict[str, Any]:
    """The first change the server holds for `entity` (and `where`), as a dict."""
    query = select(s.changes).where(s.changes.c.entity == entity)
    for name, value in where.items():
        query = query.where(s.changes.c[name] == value)
    with server.store.engine.connect() as conn:
        row = conn.execute(query.order_by(s.changes.c.seq).limit(1)).one()
    found = dict(row._mapping)
    found.pop("seq")
    return found


def by_hand(server: RunningServer, rows: list[dict[str, Any]]) -> None:
    """Rows written straight into the server's database, as an attacker or a bug could."""
    with server.store.engine.begin() as conn:
        conn.execute(insert(s.changes), rows)


def note_like(template: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A new contact note like `template` (fields replaced; GONE removes one)."""
    value = json.loads(template["value"])
    note_id = str(uuid.uuid4())
    value.update({"id": note_id, "narrative": "A visit made by hand.", **fields})
    value = {k: v for k, v in value.items() if v is not GONE}
    return {
        **template,
        "change_id": str(uuid.uuid4()),
        "device_id": ELSEWHERE,
        "entity_id": note_id,
        "value": json.dumps(value),
        "received_at": datetime.now(UTC),
    }


GONE = object()
# The device the hand-made rows claim: not any test laptop, so every one is sent them.
ELSEWHERE = str(uuid.uuid4())


def set_field(template: dict[str, Any], field: str, value: Any, **extra: Any) -> dict[str, Any]:
    """A later edit of one field of the record `template` created (it replaces that value)."""
    return {
        **template,
        "change_id": str(uuid.uuid4()),
        "device_id": ELSEWHERE,
        "hlc": template["hlc"] + 1,
        "op": "set",
        "field": field,
        "value": json.dumps(value),
        "bases": json.dumps([template["change_id"]]),
        "received_at": datetime.now(UTC),
        **extra,
    }


def spoil(store: ServerStore, entity_id: str, *, op: str | None = None, **columns: Any) -> None:
    """Overwrite columns of a record's stored changes (of one kind of change, if `op`),
    as a bug or someone editing the server's database by hand could."""
    where = s.changes.c.entity_id == entity_id
    if op is not None:
        where = where & (s.changes.c.op == op)
    with store.engine.begin() as conn:
        conn.execute(s.changes.update().where(where).values(**columns))


def spoil_entries(server: RunningServer, entity: str, value: str) -> None:
    """Every stored change of one kind of record given `value`, as a bug or someone
    editing the server's database by hand could."""
    with server.store.engine.begin() as conn:
        conn.execute(s.changes.update().where(s.changes.c.entity == entity).values(value=value))
