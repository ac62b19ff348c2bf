"""The server's re-verification covers every stored field of a laptop's audit event:
each field of the event it holds, and each column of the change row that carries it
(the access report filters on that row's person and time), changed in turn in the
server's database, is reported by `onerecord-server audit verify`.
(The laptop's own verify: tests/storage/test_audit_every_field.py.)"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, update

from app.services.care.notes import add_note
from app.services.record import people
from storage import audit_log, settings
from storage.audit_log import append as audit
from sync.server import audit_verify
from sync.server import schema as s
from sync.server.audit_verify import verify_server
from sync.server.cli import main as server_main
from tests.conftest import ZOE
from tests.storage.audit_tamper import AUDIT_COLUMNS, tampered
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync

ALTERED = "has been altered since it was written"

# Columns of the change row that are the transfer's, not the event's: the server's
# own bookkeeping, read by nothing that reports on audit events. Any other column
# (one added later included) must be checked against the event it carries.
NOT_THE_EVENT = {
    "seq": "the server's arrival order; chains are walked in the event's device_seq order",
    "change_id": "the change's id in transit, to spot a push sent twice",
    "hlc": "the clock stamp that orders edits to a record; audit events are never merged",
    "received_at": "when it reached the server, by the server's clock",
    "value": "the event itself, changed field by field in the first loop",
}


def _url(server: RunningServer) -> str:
    return server.store.engine.url.render_as_string(hide_password=False)


def _detected(server: RunningServer, *, altered: bool) -> bool:
    report = verify_server(server.store)
    said = server_main(["audit", "verify", "--db", _url(server)])
    seen = not report.ok and said == 1
    return seen and (not altered or any(ALTERED in p.problem for p in report.problems))


def _set(server: RunningServer, seq: int, values: dict[str, Any]) -> None:
    with server.store.engine.begin() as conn:
        conn.execute(update(s.changes).where(s.changes.c.seq == seq).values(**values))


def test_changing_any_stored_field_of_an_event_is_reported_by_the_server(
    server: RunningServer, laptop: Laptop
) -> None:
    assert audit_verify.hash_of is audit_log.hash_of  # one definition, both sides
    nurse = reopen(laptop("Sam Taylor"))
    sync(nurse)
    people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    with nurse.store.write(nurse.actor) as session:
        zoe = people.find(session, ZOE)
        zoe.team_id = settings.get(session, settings.HOME_TEAM)
        event_id = audit(
            session,
            "record_viewed",
            person_id=zoe.id,
            detail={"break_glass": True, "pages": 2},
            reason="Out-of-hours call from the family",
        ).id
    add_note(nurse, ZOE, "Visited; walking with the frame.")  # events after it
    sync(nurse)
    nurse.close()
    assert verify_server(server.store).ok
    with server.store.engine.connect() as conn:
        held = conn.execute(select(s.changes).where(s.changes.c.entity_id == event_id)).one()
    row = dict(held._mapping)
    event = json.loads(row["value"])
    assert set(AUDIT_COLUMNS) <= set(event), "a column of the event never reaches the server"

    missed: list[str] = []
    for column in AUDIT_COLUMNS:
        _set(server, row["seq"], {"value": json.dumps({**event, column: tampered(event[column])})})
        if not _detected(server, altered=True):
            missed.append(f"event.{column}")
        _set(server, row["seq"], {"value": row["value"]})
    for column in s.changes.columns:
        if column.name in NOT_THE_EVENT:
            continue
        _set(server, row["seq"], {column.name: tampered(row[column.name])})
        if not _detected(server, altered=False):
            missed.append(f"changes.{column.name}")
        _set(server, row["seq"], {column.name: row[column.name]})
    report = verify_server(server.store)
    assert report.ok, report.problems  # every change was put back
    assert missed == [], f"changed on the server without `audit verify` noticing: {missed}"
