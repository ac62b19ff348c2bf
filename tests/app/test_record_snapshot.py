"""The record snapshot (app/services/record/record_snapshot.py) applies need-to-know once:
a restricted value (key safe code, safeguarding detail, a sensitive note) is in the
snapshot only for a role that may see it, so no projection of it (the screen,
`onerecord show`) can show it to anyone else; and making the snapshot changes nothing
in the store."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.inspection import inspect as sa_inspect

from app.services.record.record import screen_record
from app.services.record.record_snapshot import RecordSnapshot, load_snapshot
from app.services.record.record_view import shown_record
from app.workspace import Workspace
from storage.tables import Alert, ContactNote
from tests.app.access_data import (
    KEY_SAFE,
    ROLE_SEES,
    ROLE_SEES_FIELDS,
    SAFEGUARDING,
    SENSITIVE,
    Scene,
    build_scene,
    sign_in,
)


@pytest.fixture
def scene(populated: Workspace) -> Scene:
    return build_scene(populated)


def _everything(snap: RecordSnapshot) -> str:
    """Every value of every row the snapshot holds, as text."""
    values: list[Any] = []
    for field_value in vars(snap).values():
        rows = field_value.values() if isinstance(field_value, dict) else field_value
        if not isinstance(rows, list | tuple | type({}.values())):
            rows = [rows]
        for row in rows:
            mapper = sa_inspect(type(row), raiseerr=False)
            if mapper is not None and hasattr(mapper, "column_attrs"):
                values += [getattr(row, c.key) for c in mapper.column_attrs]
            else:
                values.append(row)
    return repr(values)


@pytest.mark.parametrize(ROLE_SEES_FIELDS, ROLE_SEES)
def test_what_a_role_may_not_see_is_in_neither_its_snapshot_nor_any_projection(
    populated: Workspace,
    scene: Scene,
    who: str,
    key_safe: bool,
    safeguarding: bool,
    sensitive: bool,
) -> None:
    ws = sign_in(populated, scene, who)
    with ws.store.write(ws.actor) as session:
        snap = load_snapshot(session, ws.actor, scene.zoe, notes=None)
        # The copies that withhold a value are never in the session: nothing to write.
        assert not session.new and not session.dirty
        held = _everything(snap)
        projections = {
            "screen": repr(screen_record(snap)),
            "show": json.dumps(shown_record(snap), default=str, ensure_ascii=False),
        }
    for value, visible in ((KEY_SAFE, key_safe), (SAFEGUARDING, safeguarding)):
        assert (value in held) is visible, value
        for name, text in projections.items():
            assert (value in text) is visible, (name, value)
    assert (SENSITIVE in held) is sensitive
    assert (SENSITIVE in projections["show"]) is sensitive  # the screen's notes page apart
    if not (key_safe and safeguarding):
        assert snap.alert_asks, "whom to ask is said where detail is withheld"


def test_the_store_keeps_every_restricted_value_after_any_snapshot(
    populated: Workspace, scene: Scene
) -> None:
    for who in ("sid", "cora", "sol"):
        ws = sign_in(populated, scene, who)
        with ws.store.write(ws.actor) as session:
            load_snapshot(session, ws.actor, scene.zoe, notes=None)
    with populated.store.read() as session:
        details = set(session.execute(select(Alert.restricted_detail)).scalars())
        narratives = set(session.execute(select(ContactNote.narrative)).scalars())
    assert {KEY_SAFE, SAFEGUARDING} <= details
    assert SENSITIVE in narratives
