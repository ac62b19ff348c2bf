"""The change row is defined once (storage/change_row.py): the wire model, the
laptop's journal table, the server's table, the journal's own writer and the outbox's
query all carry exactly its fields, and a pulled change journals back as it was."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import inspect as sa_inspect

from storage.actor import Actor
from storage.change_row import (
    CHANGE_FIELDS,
    JOURNAL_FIELDS,
    JOURNAL_ONLY,
    ROW_IN_ITS_TABLE,
    journal_rows,
)
from storage.hlc import HybridClock
from storage.journal import WriteContext, change_record
from storage.rawwrite import stored_form
from storage.tables import ChangeRecord
from sync.client import outbox
from sync.protocol import Change, PushedChange
from sync.server import schema as s


def test_the_wire_model_carries_the_change_row_in_its_order() -> None:
    assert tuple(Change.model_fields) == CHANGE_FIELDS
    assert tuple(PushedChange.model_fields) == CHANGE_FIELDS


def test_both_tables_hold_the_change_row_and_only_their_own_columns_beside() -> None:
    journal = [c.key for c in sa_inspect(ChangeRecord).columns]
    assert set(journal) == {"seq", *CHANGE_FIELDS, *JOURNAL_ONLY}
    server = [c.name for c in s.changes.columns]
    assert set(server) == {"seq", *CHANGE_FIELDS, "person_id", "received_at"}


def test_the_journal_writes_and_the_outbox_reads_every_field() -> None:
    actor = Actor(str(uuid.uuid4()), str(uuid.uuid4()), "community_nurse", str(uuid.uuid4()))
    ctx = WriteContext(actor=actor, clock=HybridClock(0))
    row = change_record(ctx, "goal", str(uuid.uuid4()), "set", "statement", "To walk")
    assert set(row) == {*CHANGE_FIELDS, *JOURNAL_ONLY}
    for name in CHANGE_FIELDS:
        assert f"'{name}', " in outbox._WIRE


def test_a_pulled_change_journals_as_it_came() -> None:
    change = Change(
        change_id=str(uuid.uuid4()),
        hlc=12345,
        device_id=str(uuid.uuid4()),
        author_id=str(uuid.uuid4()),
        organisation_id=None,
        entity="goal",
        entity_id=str(uuid.uuid4()),
        op="set",
        field="statement",
        value=json.dumps("To walk to the shop"),
        bases=[str(uuid.uuid4())],
        recorded_at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC).isoformat(),
    )
    (stored,) = journal_rows([change], "2026-11-02 10:00:00.000000", lambda time: time)
    row = dict(zip(JOURNAL_FIELDS, stored, strict=True))
    wire = change.model_dump()
    assert {k: row[k] for k in CHANGE_FIELDS if k != "bases"} == {
        k: wire[k] for k in CHANGE_FIELDS if k != "bases"
    }
    assert json.loads(row["bases"]) == change.bases
    assert (row["pushed_at"], row["push_error"]) == ("2026-11-02 10:00:00.000000", None)
    (no_bases,) = journal_rows([change.model_copy(update={"bases": []})], None, str)
    assert dict(zip(JOURNAL_FIELDS, no_bases, strict=True))["bases"] is None


def test_a_pulled_append_journals_without_its_row_and_its_time_as_the_table_stores_it() -> None:
    change = Change(
        change_id=str(uuid.uuid4()),
        hlc=12345,
        device_id=str(uuid.uuid4()),
        entity="contact_note",
        entity_id=str(uuid.uuid4()),
        op="append",
        value=json.dumps({"id": "x", "narrative": "Walked to the shop"}),
        recorded_at="2026-11-02T09:30:00.250000+00:00",
    )
    (stored,) = journal_rows([change], None, stored_form(ChangeRecord.__table__.c.recorded_at.type))
    row = dict(zip(JOURNAL_FIELDS, stored, strict=True))
    assert row["value"] is ROW_IN_ITS_TABLE is None
    assert row["recorded_at"] == "2026-11-02 09:30:00.250000"
