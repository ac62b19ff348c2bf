"""Refusals are visible: a change the server refuses (here one it refuses today, a
field it does not know) comes back with a plain reason, stays on the laptop (not
sent again, not counted as waiting, not dropped), and `onerecord sync` prints it
with what it kept aside; the server counts refusals per device, and the
administrator's `onerecord-server devices` shows the count."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from app.services import clock
from app.services.profile.sync_status import pending_changes
from app.workspace import Workspace, unlock
from storage.tables import ChangeRecord
from sync.client.status import sync_state
from sync.server import cli as server_cli
from sync.server import directory
from sync.server.store import ServerStore
from tests.conftest import PASSPHRASE
from tests.sync.bad_rows import by_hand, server_row, set_field, zoe_on_the_team
from tests.sync.conftest import Laptop, RunningServer
from ui.launcher import main as onerecord

REASON = "'shoe_size' is not a field of 'person' that can be changed."


def unknown_field(ws: Workspace, person_id: str) -> str:
    """A change the server refuses today, written into the laptop's journal by hand."""
    change_id = str(uuid.uuid4())
    with ws.store.engine.begin() as conn:
        conn.execute(
            insert(ChangeRecord),
            [
                {
                    "change_id": change_id,
                    "hlc": 1,
                    "device_id": ws.store.device_id,
                    "author_id": ws.actor.user_id,
                    "organisation_id": ws.actor.organisation_id,
                    "entity": "person",
                    "entity_id": person_id,
                    "op": "set",
                    "field": "shoe_size",
                    "value": json.dumps("9"),
                    "recorded_at": clock.now(),
                }
            ],
        )
    return change_id


def _sync_cli(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, str, str]:
    code = onerecord(["sync", "--profile", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_refused_change_is_printed_kept_and_counted_for_the_administrator(
    server: RunningServer,
    laptop: Laptop,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    nurse, zoe = zoe_on_the_team(laptop)
    laptop("Ceri Jones").close()  # a colleague's laptop, which sends nothing refused
    path = nurse.store.path
    device = nurse.store.device_id
    refused_id = unknown_field(nurse, zoe)
    nurse.close()
    # And one bad row on the server, which this laptop will keep aside.
    by_hand(server, [set_field(server_row(server, "person", entity_id=zoe), "sex", 7)])
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)

    code, out, err = _sync_cli(capsys, path)
    assert code == 1
    assert out.startswith("Synced in ")
    lines = err.splitlines()
    assert "1 change(s) made here were refused by the server; they stay on this laptop:" in lines
    assert f"  person, shoe size: {REASON}" in lines
    assert "1 change(s) from the server could not be applied; they are kept aside:" in lines
    assert "  person, sex: sex is not text" in lines

    # The next sync sends nothing again and still says so; nothing new: success.
    code, _, err = _sync_cli(capsys, path)
    assert code == 0
    assert f"  person, shoe size: {REASON}" in err.splitlines()

    ws = unlock(path, PASSPHRASE)
    try:
        with ws.store.read() as session:
            held = session.execute(
                select(ChangeRecord.push_error, ChangeRecord.pushed_at).where(
                    ChangeRecord.change_id == refused_id
                )
            ).one()
            unpushed = set(
                session.execute(
                    select(ChangeRecord.change_id).where(ChangeRecord.pushed_at.is_(None))
                ).scalars()
            )
        assert held == (REASON, None)  # still on this laptop, with the server's reason
        # Not "waiting to sync" (it will not go by itself): only this unlock's events are.
        assert refused_id in unpushed
        assert pending_changes(ws) == len(unpushed) - 1
        state = sync_state(ws)
        assert (state.refused, state.kept_aside) == (1, 1)
    finally:
        ws.close()

    mine = [d for d in directory.list_devices(server.store) if d.device_id == device]
    assert [d.refused for d in mine] == [1]
    url = server.store.engine.url.render_as_string(hide_password=False)
    assert server_cli.main(["devices", "--db", url]) == 0
    listing = capsys.readouterr().out.splitlines()
    row = next(line for line in listing if line.startswith(device))
    assert " refused 1 " in row
    others = [line for line in listing if not line.startswith(device)]
    assert others and all(" refused 0 " in line for line in others)


def test_devices_on_a_server_with_no_laptops_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    ServerStore(url).close()
    assert server_cli.main(["devices", "--db", url]) == 0
    assert capsys.readouterr().out == (
        "No laptops are enrolled: give a user a code with 'onerecord-server enrol'.\n"
    )
