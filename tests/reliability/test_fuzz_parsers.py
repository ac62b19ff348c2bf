"""Hypothesis on the server's payload parsers (sync/protocol.py, sync/server/validation.py,
the pull cursor): whatever arrives, the answer is a value or a plain refusal, never
a crash. A crash here would be a 500 at the server."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from storage.codec import journalled_columns
from storage.hlc import MAX_STAMP
from storage.tables import journalled_tables
from sync.protocol import Change, EnrolRequest, PushRequest
from sync.server.pull import parse_cursor
from sync.server.validation import refusal
from tests.reliability.helpers import env_int

EXAMPLES = env_int("ONERECORD_SOAK_FUZZ_EXAMPLES", 25) * 8
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
TABLES = journalled_tables()
DEVICE = str(uuid.uuid4())

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
uuids = st.uuids().map(str)
names = st.sampled_from(sorted(TABLES)) | st.from_regex(r"[a-z_]{1,60}", fullmatch=True)


@st.composite
def changes(draw: Any) -> Change:
    entity = draw(names)
    cls = TABLES.get(entity)
    fields = list(journalled_columns(cls)) if cls is not None else []
    entity_id = draw(uuids)
    row: dict[str, Any] = {
        f: draw(json_values) for f in draw(st.lists(st.sampled_from(fields or ["id"]), max_size=5))
    }
    if draw(st.booleans()):
        row["id"] = entity_id
    value = draw(
        st.none() | st.just(json.dumps(row)) | json_values.map(json.dumps) | st.text(max_size=40)
    )
    return Change(
        change_id=draw(uuids),
        hlc=draw(st.integers(1, MAX_STAMP)),
        device_id=draw(st.sampled_from([DEVICE]) | uuids),
        author_id=draw(st.none() | uuids),
        organisation_id=draw(st.none() | uuids),
        entity=entity,
        entity_id=entity_id,
        op=draw(st.sampled_from(["create", "set", "delete", "append"])),
        field=draw(
            st.none()
            | st.sampled_from(fields or ["x"])
            | st.from_regex(r"[a-z_]{1,60}", fullmatch=True)
        ),
        value=value,
        bases=draw(st.lists(uuids, max_size=3)),
        recorded_at=draw(st.text(max_size=40)),
    )


@FUZZ
@given(
    text=st.text(max_size=60) | st.from_regex(r"[0-9]{0,30}(\.[0-9]{0,30})?(~own)?", fullmatch=True)
)
def test_a_cursor_parses_to_storable_numbers_or_a_plain_refusal(text: str) -> None:
    try:
        seq, generation = parse_cursor(text.removesuffix("~own"))
    except ValueError as exc:
        message = str(exc)
    else:
        assert 0 <= seq < 2**63 and 0 <= generation < 2**63
        return
    assert message == "The sync cursor is not one this server gave out."


@pytest.mark.parametrize("cursor", ["99999999999999999999", "1.99999999999999999999"])
def test_a_cursor_too_big_for_the_database_is_refused(cursor: str) -> None:
    """Found by the schemathesis run: it used to reach SQLite and end as a 500."""
    with pytest.raises(ValueError, match="not one this server gave out"):
        parse_cursor(cursor)


@FUZZ
@given(body=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()))
def test_push_bodies_parse_or_fail_validation(body: bytes) -> None:
    try:
        PushRequest.model_validate_json(body)
    except ValidationError as exc:
        errors = exc.errors()  # what the server turns into one plain 400 sentence
    else:
        return
    assert errors


@FUZZ
@given(
    body=st.dictionaries(
        st.sampled_from(["code", "device_id", "public_key", "device_name", "x"]), json_values
    )
)
def test_enrol_bodies_parse_or_fail_validation(body: dict[str, Any]) -> None:
    try:
        EnrolRequest.model_validate(body)
    except ValidationError as exc:
        errors = exc.errors()
    else:
        return
    assert errors


@FUZZ
@given(change=changes())
def test_every_change_is_accepted_or_refused_in_a_plain_sentence(change: Change) -> None:
    reason = refusal(change, DEVICE)
    if reason is not None:
        assert isinstance(reason, str) and reason.endswith(".") and "\n" not in reason
        return
    # What is accepted is what the rules promise.
    assert change.device_id == DEVICE and change.entity in TABLES
    if change.op in ("create", "append"):
        row = json.loads(change.value or "")
        assert isinstance(row, dict) and row.get("id") == change.entity_id
    if change.op == "set":
        assert change.field != "id" and change.value is not None
        json.loads(change.value)


@FUZZ
@given(wire=st.dictionaries(st.sampled_from([*sorted(Change.model_fields), "extra"]), json_values))
def test_a_change_on_the_wire_is_a_change_or_a_validation_error(wire: dict[str, Any]) -> None:
    try:
        change = Change.model_validate(wire)
    except ValidationError:
        return
    refusal(change, DEVICE)  # and the rules take whatever the schema let through
