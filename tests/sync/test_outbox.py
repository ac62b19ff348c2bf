"""The outbox builds each pending change's wire JSON in SQL: it must say exactly
what the journal row says (the form datetime.isoformat and json would give), be
valid against the protocol, leave directory placeholders out, and mark what the
server answered: taken rows pushed, refused rows with the reason kept."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from app.services import clock
from app.workspace import Workspace
from storage.hlc import MAX_STAMP
from storage.tables import ChangeRecord
from sync.client import outbox
from sync.protocol import PushRequest
from sync.server.validation import DIRECTORY


def _expected(row: ChangeRecord) -> dict[str, Any]:
    """The wire form, written out the slow way."""
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
        "bases": json.loads(row.bases) if row.bases else [],
        "recorded_at": row.recorded_at.isoformat(),
    }


def _odd_rows(ws: Workspace) -> list[str]:
    """Rows the app writes rarely: replaced bases, a whole-second time, quotes and
    non-ASCII text in a value, a directory placeholder."""
    base = str(uuid.uuid4())
    rows = [
        ChangeRecord(
            change_id=str(uuid.uuid4()),
            hlc=MAX_STAMP - 7,
            device_id=ws.actor.device_id,
            author_id=None,
            organisation_id=None,
            entity="alert",
            entity_id=str(uuid.uuid4()),
            op="set",
            field="summary",
            value=json.dumps('Zoë said "no" \\ twice\nthen yes'),
            bases=json.dumps([base]),
            recorded_at=datetime(2026, 11, 22, 9, 0, 0, tzinfo=UTC),
        ),
        ChangeRecord(
            change_id=str(uuid.uuid4()),
            hlc=5,
            device_id=ws.actor.device_id,
            entity=sorted(DIRECTORY)[0],
            entity_id=str(uuid.uuid4()),
            op="create",
            value="{}",
            recorded_at=datetime(2026, 11, 22, 9, 0, 0, 250, tzinfo=UTC),
        ),
    ]
    with ws.store.write(ws.actor) as session:
        session.add_all(rows)
    return [r.change_id for r in rows]


def test_the_wire_json_is_the_journal_row(populated: Workspace) -> None:
    _odd_rows(populated)
    with populated.store.read() as session:
        journal = {
            r.change_id: r
            for r in session.execute(
                select(ChangeRecord).where(ChangeRecord.pushed_at.is_(None))
            ).scalars()
        }
        batch = outbox.next_batch(session.connection(), 10_000)
        assert outbox.pending_count(session.connection()) == len(journal)
    assert batch is not None
    assert sorted(batch.change_ids) == sorted(journal)
    sent = json.loads(batch.body)["changes"]
    expected = [_expected(journal[c]) for c in batch.change_ids]
    assert sent == [e for e in expected if e["entity"] not in DIRECTORY]
    local = [r for r in journal.values() if r.entity in DIRECTORY]
    assert local, "the placeholder directory row is pending"
    assert batch.sent == len(sent) == len(journal) - len(local)
    # The odd row's value and time survive exactly, and the batch is valid protocol.
    assert any(c["recorded_at"] == "2026-11-22T09:00:00+00:00" for c in sent)
    said = 'Zoë said "no" \\ twice\nthen yes'
    assert any(c["value"] and json.loads(c["value"]) == said for c in sent)
    PushRequest.model_validate_json(batch.body)


def test_batches_come_oldest_first_and_audit_only_on_request(populated: Workspace) -> None:
    with populated.store.read() as session:
        conn = session.connection()
        first = outbox.next_batch(conn, 3)
        audit = outbox.next_batch(conn, 1000, entity="audit_event")
    assert first is not None and len(first.seqs) == 3 and first.seqs == sorted(first.seqs)
    assert audit is not None
    assert {c["entity"] for c in json.loads(audit.body)["changes"]} == {"audit_event"}


def test_answered_changes_are_pushed_and_refusals_kept(populated: Workspace) -> None:
    with populated.store.read() as session:
        batch = outbox.next_batch(session.connection(), 5)
    assert batch is not None
    refused = {batch.change_ids[1]: "This server has no such record."}
    with populated.store.write(populated.actor) as session:
        outbox.mark_answered(session.connection(), batch, refused, clock.now())
    with populated.store.read() as session:
        rows = {
            r.change_id: r
            for r in session.execute(
                select(ChangeRecord).where(ChangeRecord.change_id.in_(batch.change_ids))
            ).scalars()
        }
        again = outbox.next_batch(session.connection(), 10_000)
    assert rows[batch.change_ids[1]].push_error == "This server has no such record."
    assert rows[batch.change_ids[1]].pushed_at is None
    assert all(rows[c].pushed_at is not None for c in batch.change_ids if c not in refused)
    assert again is None or not set(again.change_ids) & set(batch.change_ids)
