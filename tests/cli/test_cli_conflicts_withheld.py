"""A conflict between a value this laptop was sent and one the server withheld
from it: the list says whom to ask, never the raw marker (service and CLI)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from app.cli.main import main
from app.services import clock
from app.services.care.risks import add_alert
from app.services.record import conflicts, people
from app.workspace import Workspace
from storage.tables import StaffMember, SyncConflict
from storage.withheld import MARK, marker
from tests.conftest import PASSPHRASE, ZOE


def _conflict(ws: Workspace) -> str:
    """Two concurrent key safe codes: the nurse's own, and one withheld from this laptop."""
    with ws.store.write(ws.actor) as s:
        lead = StaffMember(display_name="Sol Social", role="social_worker")
        s.add(lead)
        s.flush()
        person = people.find(s, ZOE)
        person.lead_professional_id = lead.id
        zoe = person.id
    alert = add_alert(
        ws, person_id=zoe, kind="access_to_home", summary="Key safe", restricted_detail="KS 1"
    )
    heads = [
        {"change_id": str(uuid.uuid4()), "hlc": 2 << 16, "device_id": "d2", "value": marker()},
        {"change_id": str(uuid.uuid4()), "hlc": 1 << 16, "device_id": "d1", "value": "KS 1"},
    ]
    with ws.store.write(ws.actor) as s:
        s.add(
            SyncConflict(
                entity="alert",
                entity_id=str(alert.entity_id),
                field="restricted_detail",
                person_id=zoe,
                heads=json.dumps(heads),
                detected_at=clock.now(),
            )
        )
    return f"alert:{alert.entity_id}:restricted_detail"


def test_the_service_says_whom_to_ask_for_a_withheld_value(populated: Workspace) -> None:
    key = _conflict(populated)
    (found,) = conflicts.list_conflicts(populated)
    assert found.key == key
    withheld, mine = found.values
    assert withheld.withheld == "Withheld (restricted) — ask Sol Social"
    assert mine.withheld is None and mine.value == "KS 1"


def test_conflicts_list_shows_the_withheld_line_not_the_marker(
    populated: Workspace,
    profile_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _conflict(populated)
    populated.close()
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    assert main(["conflicts", "list", "--profile", str(profile_path)]) == 0
    out = capsys.readouterr().out
    assert "1. Withheld (restricted) — ask Sol Social  by" in out
    assert MARK not in out
    assert '2. "KS 1"' in out
