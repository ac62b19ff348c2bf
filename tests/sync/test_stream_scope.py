"""The pull's stream query (built once, with bound parameters) and the server's
scope (who a device may hold) name the same people: a team's caseload and grants
in force, never an expired grant, another team's people, or anyone whose team is
unset; the directory always, what stays on the server never, and a laptop's own
changes only when it asks for them."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, insert

from sync.server import schema as s
from sync.server import servertime, stream
from sync.server.pull import device_scope
from sync.server.store import ServerStore

DEVICE = "device-on-team-a"


def _change(conn: Connection, person_id: str | None, entity: str, device: str) -> None:
    conn.execute(
        insert(s.changes),
        {
            "change_id": str(uuid.uuid4()),
            "hlc": 1,
            "device_id": device,
            "entity": entity,
            "entity_id": str(uuid.uuid4()),
            "op": "create",
            "value": "{}",
            "recorded_at": "2026-01-01T00:00:00+00:00",
            "person_id": person_id,
            "received_at": servertime.now(),
        },
    )


def _people(store: ServerStore) -> dict[str, str]:
    """Five people, and who may hold whom at `now`; a change for each, and more."""
    now = servertime.now()
    people = {
        name: str(uuid.uuid4())
        for name in ("on_team", "other_team", "unteamed", "glassed", "expired")
    }
    teams = {"on_team": "A", "other_team": "B", "unteamed": None, "glassed": "B", "expired": "B"}
    with store.engine.begin() as conn:
        for name, person_id in people.items():
            conn.execute(
                insert(s.person_team),
                {"person_id": person_id, "team_id": teams[name], "hlc": 1, "device_id": "x"},
            )
            _change(conn, person_id, "contact_note", "someone-else")
        for name, expires in (("glassed", now + timedelta(hours=1)), ("expired", now)):
            conn.execute(
                insert(s.break_glass_scope),
                {
                    "grant_id": str(uuid.uuid4()),
                    "device_id": DEVICE,
                    "person_id": people[name],
                    "user_id": "u",
                    "started_at": now - timedelta(hours=2),
                    "expires_at": expires,
                },
            )
        _change(conn, None, "team", "the-server")  # the directory: everyone's
        _change(conn, None, "audit_event", "someone-else")  # stays on the server
        _change(conn, people["on_team"], "contact_note", DEVICE)  # the laptop's own
    return people


def _sent(
    conn: Connection, device: dict[str, Any], *, receives: bool = True, own: bool = False
) -> list[Any]:
    query = stream.query(receives=receives, own=own, dialect=conn.dialect.name)
    params = stream.params(device, now=servertime.now(), after=0, head=10**9, limit=100)
    return list(conn.execute(query, params))


def test_the_stream_sends_whom_the_scope_names_and_the_directory(store: ServerStore) -> None:
    people = _people(store)
    names = {person_id: name for name, person_id in people.items()}
    with store.engine.connect() as conn:
        for team, expected in (("A", {"on_team", "glassed"}), (None, {"glassed"})):
            device = {"device_id": DEVICE, "team_id": team}
            scope: set[str] = set(conn.execute(device_scope(device, "community_nurse")).scalars())
            assert {names[p] for p in scope} == expected
            rows = _sent(conn, device)
            assert {names[r.person_id] for r in rows if r.person_id} == expected
            # The directory (the organisation set up, the team added), never the audit.
            shared = [r.entity for r in rows if r.person_id is None]
            assert shared == ["organisation", "team"]
            assert all(r.device_id != DEVICE for r in rows)
            assert [r.seq for r in rows] == sorted(r.seq for r in rows)


def test_own_changes_come_only_when_asked_and_no_record_without_the_role(
    store: ServerStore,
) -> None:
    _people(store)
    device = {"device_id": DEVICE, "team_id": "A"}
    with store.engine.connect() as conn:
        assert any(r.device_id == DEVICE for r in _sent(conn, device, own=True))
        administrator = _sent(conn, device, receives=False)
        assert [r.entity for r in administrator] == ["organisation", "team"]
        assert list(conn.execute(device_scope(device, "administrator")).scalars()) == []


def test_a_page_stops_at_its_limit_and_its_head(store: ServerStore) -> None:
    _people(store)
    device = {"device_id": DEVICE, "team_id": "A"}
    query = stream.query(receives=True, own=False, dialect=store.engine.dialect.name)
    with store.engine.connect() as conn:
        every = [r.seq for r in _sent(conn, device)]
        now = servertime.now()
        first = conn.execute(
            query, stream.params(device, now=now, after=0, head=10**9, limit=1)
        ).all()
        assert [r.seq for r in first] == every[:1]
        upto = conn.execute(
            query, stream.params(device, now=now, after=every[0], head=every[1], limit=100)
        ).all()
        assert [r.seq for r in upto] == every[1:2]
