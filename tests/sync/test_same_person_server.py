"""Before registering someone, the team server is asked too (issue 17), on a real
loopback server: a person registered on laptop A and synced is found from laptop B
before B syncs (by NHS number, and by family name, date of birth and postcode typed
differently); someone with another team is reported by team only; an unreachable
server is a plain "not checked", never a traceback; bad bodies are refused with a
4xx, and each check is audited on the server with counts only."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.cli.main import main as cli_main
from app.services.record import people
from app.services.record.registration import NewPerson
from app.services.record.team_server_check import (
    NOT_REACHED,
    AlreadyOnServerError,
    HeldByAnotherTeamError,
    PossibleDuplicateOnServerError,
    check_team_server,
)
from app.values.same_person import SAME_DETAILS, SAME_NHS_NUMBER
from app.workspace import Workspace
from storage.tables import Person
from sync.cli import register as sync_commands
from sync.client.beyond_team import _http
from sync.client.same_person import check_same_person
from sync.server import directory
from sync.server import schema as s
from sync.server.same_person import ANOTHER_TEAM
from sync.transport import ServerRefusedError, call
from tests.conftest import PASSPHRASE, ZOE
from tests.sync.bad_rows import by_hand, server_row
from tests.sync.conftest import Laptop, RunningServer, reopen, start_server
from tests.sync.helpers import sync

OTHER = "Wharfedale Locality"
ZOE_AGAIN = NewPerson(ZOE, "Zoe", "O'Neill", "1938-04-12", "DL8 3AB")
# No NHS number, and the family name and postcode typed as people do.
ZOE_TYPED = NewPerson("", "Zoe", "  o NEILL ", "12/04/1938", "dl83ab")


def _ready(laptop: Laptop, user: str) -> Workspace:
    ws = reopen(laptop(user))
    sync(ws)
    return reopen(ws)


def _register_zoe(ws: Workspace) -> str:
    people.register(ws, NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    sync(ws)
    with ws.store.read() as session:
        return people.find(session, ZOE).id


def _zoe_on_server(server: RunningServer) -> str:
    c = s.changes.c
    with server.store.engine.connect() as conn:
        return str(
            conn.execute(
                select(c.entity_id).where(c.entity == "person", c.op == "create")
            ).scalar_one()
        )


def _server_audit(server: RunningServer) -> list[dict[str, Any]]:
    c = s.changes.c
    with server.store.engine.connect() as conn:
        rows: Any = conn.execute(select(c.value).where(c.entity == "audit_event")).scalars()
        return [e for e in (json.loads(v) for v in rows) if e["action"] == "same_person_check"]


def _cli(path: Path, *extra: str) -> list[str]:
    return [
        "person",
        "add",
        "--profile",
        str(path),
        "--given",
        "Zoe",
        "--family",
        "O NEILL",
        "--born",
        "1938-04-12",
        "--postcode",
        "dl8 3ab",
        *extra,
    ]


_RANDOM = frozenset({"id", "hash", "prev_hash", "device_id", "actor_id", "organisation_id"})


def test_a_teammates_registration_is_found_before_this_laptop_syncs(
    server: RunningServer, laptop: Laptop
) -> None:
    ceri = _ready(laptop, "Ceri Jones")
    zoe = _register_zoe(_ready(laptop, "Sam Taylor"))
    with ceri.store.read() as session:
        assert session.get(Person, zoe) is None  # Ceri has not synced since
    with pytest.raises(AlreadyOnServerError, match="team server") as same:
        check_team_server(ceri, ZOE_AGAIN, check_same_person, different_person=True)
    assert same.value.match.person_id == zoe and same.value.match.why == SAME_NHS_NUMBER
    with pytest.raises(PossibleDuplicateOnServerError, match="O'Neill, born 12 April 1938") as e:
        check_team_server(ceri, ZOE_TYPED, check_same_person)
    assert [(m.person_id, m.why) for m in e.value.matches] == [(zoe, SAME_DETAILS)]
    # Twins at the same address: said to be a different person, the details do not stop it.
    answer = check_team_server(ceri, ZOE_TYPED, check_same_person, different_person=True)
    assert answer.checked and answer.note == ""
    # Audited on the server with the counts only: nothing that was typed.
    events = _server_audit(server)
    assert [json.loads(e["detail"]) for e in events] == [
        {"matches": 1, "other_teams": 0, "held_elsewhere": []}
    ] * 3
    # Ids and hashes are random hex, which can hold "1938" by chance: leave them out.
    said = json.dumps([{k: v for k, v in e.items() if k not in _RANDOM} for e in events])
    assert ZOE not in said and "1938" not in said and "O'Neill" not in said


def test_someone_with_another_team_is_reported_by_team_only(
    server: RunningServer, laptop: Laptop, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    directory.add_team(server.store, OTHER)
    directory.add_user(server.store, "Nell Wharfe", "community_nurse", OTHER)
    _register_zoe(_ready(laptop, "Nell Wharfe"))
    sam = _ready(laptop, "Sam Taylor")
    http = _http(sam)
    try:
        body = call(
            http,
            "POST",
            "/sync/same-person",
            json={
                "nhs_number": ZOE,
                "family_name": "x",
                "date_of_birth": "2000-01-01",
                "postcode": "",
            },
        )
    finally:
        http.close()
    # An NHS number alone (any name, another birth date) does not say which team: a
    # probe learns only that the organisation knows the number.
    assert body == {
        "matches": [],
        "other_teams": [{"team": ANOTHER_TEAM, "why": SAME_NHS_NUMBER}],
    }
    assert OTHER not in json.dumps(body)
    # Whose team the check pointed at is in the server's audit (the record's id).
    (event,) = [e for e in _server_audit(server) if json.loads(e["detail"])["other_teams"]]
    assert json.loads(event["detail"])["held_elsewhere"] == [_zoe_on_server(server)]
    with pytest.raises(HeldByAnotherTeamError, match=OTHER) as held:
        check_team_server(sam, ZOE_AGAIN, check_same_person, different_person=True)
    assert "Zo" not in str(held.value) and "1938" not in str(held.value)
    # The command line: one plain line, nothing registered; --different-person lets
    # a details-only match through (the same NHS number never).
    path = sam.store.path
    sam.close()
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    assert cli_main(_cli(path, "--nhs", ZOE, "--different-person"), [sync_commands]) == 1
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and OTHER in err and "coordinator" in err, err
    assert cli_main(_cli(path), [sync_commands]) == 1
    out, err = capsys.readouterr()
    assert "another team" in err and "Traceback" not in err
    assert cli_main(_cli(path, "--different-person"), [sync_commands]) == 0
    out, err = capsys.readouterr()
    assert "Registered Zoe O NEILL" in out and err == ""


def test_an_unreachable_server_is_not_checked_not_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    from app.workspace import create
    from sync.client.enrol import enrol
    from tests.conftest import FAST_KDF

    running = start_server(f"sqlite:///{tmp_path / 'gone.db'}")
    directory.add_team(running.store, "Craven Locality")
    directory.add_user(running.store, "Sam Taylor", "community_nurse", "Craven Locality")
    ws = create(tmp_path / "sam", PASSPHRASE, user_name="Sam Taylor", kdf=FAST_KDF)
    enrol(ws, running.url, directory.new_enrolment_code(running.store, "Sam Taylor"))
    running.stop()
    running.store.close()
    answer = check_team_server(ws, ZOE_AGAIN, check_same_person)
    assert not answer.checked and answer.note == NOT_REACHED
    path = ws.store.path
    ws.close()
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    assert cli_main(_cli(path, "--nhs", ZOE), [sync_commands]) == 0
    out, err = capsys.readouterr()
    assert err == NOT_REACHED + "\n" and "Registered" in out


def test_bad_bodies_are_refused_plainly(server: RunningServer, laptop: Laptop) -> None:
    sam = _ready(laptop, "Sam Taylor")
    good = {
        "nhs_number": None,
        "family_name": "O'Neill",
        "date_of_birth": "1938-04-12",
        "postcode": "DL8 3AB",
    }
    http = _http(sam)
    try:
        assert call(http, "POST", "/sync/same-person", json=good)["matches"] == []
        for bad in (
            {**good, "family_name": "x" * 10_000},
            {**good, "postcode": "y" * 500},
            {**good, "nhs_number": "not a number"},
            {**good, "date_of_birth": "1938-02-31"},
            {**good, "date_of_birth": "12/04/1938"},
            {**good, "given_name": "Zoë"},  # nothing beyond what the rule needs
            {k: v for k, v in good.items() if k != "family_name"},
            ["not", "an", "object"],
        ):
            with pytest.raises(ServerRefusedError):
                call(http, "POST", "/sync/same-person", json=bad)
        response = http.post("/sync/same-person", content=b"{not json")
        assert 400 <= response.status_code < 500
    finally:
        http.close()
    # Unsigned: who is asking decides what is named, so no one unknown is answered.
    import httpx

    response = httpx.post(f"{server.url}/sync/same-person", json=good)
    assert response.status_code == 401


def test_a_refusal_is_said_plainly_and_registration_goes_on(
    server: RunningServer, laptop: Laptop
) -> None:
    sam = _ready(laptop, "Sam Taylor")
    for _ in range(10):  # the limit a minute per laptop
        assert check_team_server(sam, ZOE_AGAIN, check_same_person).checked
    answer = check_team_server(sam, ZOE_AGAIN, check_same_person)
    assert not answer.checked and "Too many" in answer.note


def test_a_person_the_server_cannot_read_is_passed_over(
    server: RunningServer, laptop: Laptop
) -> None:
    """A person whose stored record cannot be read (spoilt by hand, or a bug), whose
    text holds the birth date or NHS number sought, failed the check for everyone
    registering someone like them; it is passed over, and the real match still found."""
    ceri = _ready(laptop, "Ceri Jones")
    zoe = _register_zoe(_ready(laptop, "Sam Taylor"))
    other = str(uuid.uuid4())
    by_hand(
        server,
        [
            server_row(server, "person", entity_id=zoe)
            | {
                "change_id": str(uuid.uuid4()),
                "entity_id": other,
                "person_id": other,
                "value": f'{{"nhs_number": "{ZOE}", "date_of_birth": "1938-04-12", half',
            }
        ],
    )
    with pytest.raises(AlreadyOnServerError) as same:
        check_team_server(ceri, ZOE_AGAIN, check_same_person, different_person=True)
    assert same.value.match.person_id == zoe
    with pytest.raises(PossibleDuplicateOnServerError) as e:
        check_team_server(ceri, ZOE_TYPED, check_same_person)
    assert [m.person_id for m in e.value.matches] == [zoe]
