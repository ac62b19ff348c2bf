"""Audit events reach the server before a laptop lets them go, and the server's copy
of every laptop's chain is re-verified and reported on (`onerecord-server audit`)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlalchemy import select, text, update

from app.errors import WrongPassphraseError
from app.services import clock
from app.services.care.notes import add_note
from app.services.record import people
from app.services.record.record_view import person_record
from app.workspace import Workspace, unlock
from storage import settings
from storage.audit_anchor import verify_store
from storage.tables import AuditEvent
from sync.client import outbox, purge
from sync.client import settings as sync_settings
from sync.client.enrol import wipe
from sync.server import directory
from sync.server import schema as s
from sync.server.audit_verify import verify_server
from sync.server.cli import main as server_main
from sync.transport import RevokedError, ServerRefusedError, call, client
from tests.conftest import ALUN, PASSPHRASE, ZOE
from tests.sync.bad_rows import by_hand, server_row
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import moved_by_the_coordinator, sync


def _events_about(ws: Workspace, person_id: str) -> list[str]:
    with ws.store.read() as session:
        return list(
            session.execute(
                select(AuditEvent.action).where(AuditEvent.person_id == person_id)
            ).scalars()
        )


def _server_events(server: RunningServer, device_id: str) -> list[dict[str, Any]]:
    with server.store.engine.connect() as conn:
        values = conn.execute(
            select(s.changes.c.value).where(
                s.changes.c.entity == "audit_event", s.changes.c.device_id == device_id
            )
        ).all()
        return [json.loads(str(v)) for (v,) in values]


def _register_both(ws: Workspace) -> None:
    people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    people.register(ws, people.NewPerson(ALUN, "Alun", "Pritchard", "1951-10-30", "BD23 1JD"))
    with ws.store.write(ws.actor) as session:  # on the team's caseload: a legitimate relationship
        team = settings.get(session, settings.HOME_TEAM)
        for nhs in (ZOE, ALUN):
            people.find(session, nhs).team_id = team


def test_audit_events_about_an_evicted_person_reach_the_server_before_they_go(
    server: RunningServer, laptop: Laptop
) -> None:
    directory.add_team(server.store, "Hambleton Locality")
    nurse = reopen(laptop("Sam Taylor"))
    social_worker = reopen(laptop("Ceri Jones"))
    _register_both(nurse)
    sync(nurse)
    sync(social_worker)
    with social_worker.store.read() as session:
        zoe = people.find(session, ZOE).id
    # Offline: the social worker reads Zoë's record and writes a note.
    person_record(social_worker, ZOE)
    add_note(social_worker, ZOE, "Visited; walking with the frame.")
    assert {"record_viewed", "note_added"} <= set(_events_about(social_worker, zoe))

    # The team's coordinator moves Zoë to another team (theirs alone to do).
    moved_by_the_coordinator(server, laptop, ZOE, "Hambleton Locality")

    # Eviction never takes audit events the server has not acknowledged.
    with social_worker.store.write(social_worker.actor) as session:
        assert purge.purge_people(session.connection(), [zoe]) == 0
    assert {"record_viewed", "note_added"} <= set(_events_about(social_worker, zoe))

    report = sync(social_worker)  # pushes first, then evicts
    assert report.evicted == 1
    assert zoe in report.pulled_changes().people  # her record, if open, is refreshed away
    assert _events_about(social_worker, zoe) == []
    held = [e for e in _server_events(server, social_worker.store.device_id)]
    assert {"record_viewed", "note_added"} <= {e["action"] for e in held if e["person_id"] == zoe}

    # The laptop's chain still verifies without them, and carries on after them.
    assert verify_store(social_worker.store)[1] == []
    add_note(social_worker, ALUN, "Phoned; all well.")
    social_worker = reopen(social_worker)
    checked, problems = verify_store(social_worker.store)
    assert problems == [] and checked > 0
    sync(social_worker)
    sync(nurse)
    server_report = verify_server(server.store)
    assert server_report.ok, server_report.problems
    assert {d.device_id for d in server_report.devices} >= {
        nurse.store.device_id,
        social_worker.store.device_id,
    }
    for ws in (nurse, social_worker):
        ws.close()


def _rewrite(server: RunningServer, device_id: str, seq: int, change: dict[str, Any]) -> None:
    with server.store.engine.begin() as conn:
        rows = conn.execute(
            select(s.changes.c.seq, s.changes.c.value).where(
                s.changes.c.entity == "audit_event", s.changes.c.device_id == device_id
            )
        ).all()
        for row_seq, value in rows:
            event = json.loads(str(value))
            if event["device_seq"] == seq:
                event.update(change)
                conn.execute(
                    update(s.changes)
                    .where(s.changes.c.seq == row_seq)
                    .values(value=json.dumps(event))
                )


def _delete(server: RunningServer, device_id: str, seq: int) -> None:
    with server.store.engine.begin() as conn:
        for row_seq, value in conn.execute(
            select(s.changes.c.seq, s.changes.c.value).where(
                s.changes.c.entity == "audit_event", s.changes.c.device_id == device_id
            )
        ).all():
            if json.loads(str(value))["device_seq"] == seq:
                conn.execute(text("DELETE FROM changes WHERE seq = :seq"), {"seq": row_seq})


@pytest.mark.parametrize("tamper", ["edited", "removed", "reordered", "foreign"])
def test_the_server_detects_tampering_with_its_copy(
    server: RunningServer, laptop: Laptop, tamper: str
) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    _register_both(nurse)
    add_note(nurse, ZOE, "First visit.")
    sync(nurse)
    device = nurse.store.device_id
    assert verify_server(server.store).ok
    if tamper == "edited":
        _rewrite(server, device, 3, {"action": "nothing_to_see"})
    elif tamper == "removed":
        _delete(server, device, 3)
    elif tamper == "reordered":
        _rewrite(server, device, 3, {"device_seq": 4})
        _rewrite(server, device, 4, {"device_seq": 3})
    else:
        _rewrite(server, device, 3, {"device_id": "someone-else"})
    report = verify_server(server.store)
    assert not report.ok
    code = server_main(["audit", "verify", "--db", _url(server)])
    assert code == 1
    nurse.close()


def test_removing_the_newest_events_on_the_server_shows_at_the_next_push(
    server: RunningServer, laptop: Laptop
) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    _register_both(nurse)
    sync(nurse)
    device = nurse.store.device_id
    head = max(e["device_seq"] for e in _server_events(server, device))
    _delete(server, device, head)
    # The honest limit: a chain with its end cut off still verifies on its own ...
    assert verify_server(server.store).ok
    # ... until the laptop pushes again and its next event leaves a gap.
    add_note(nurse, ALUN, "Phoned.")
    sync(nurse)
    report = verify_server(server.store)
    assert any("missing" in p.problem for p in report.problems), report.problems
    nurse.close()


def _url(server: RunningServer) -> str:
    return server.store.engine.url.render_as_string(hide_password=False)


def test_the_server_report_covers_the_team(
    server: RunningServer, laptop: Laptop, capsys: pytest.CaptureFixture[str]
) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    social_worker = reopen(laptop("Ceri Jones"))
    _register_both(nurse)
    sync(nurse)
    sync(social_worker)
    person_record(nurse, ZOE)
    person_record(social_worker, ZOE)
    person_record(social_worker, ALUN)
    path = social_worker.store.path
    social_worker.close()
    with pytest.raises(WrongPassphraseError):
        unlock(path, "somebody guessing here")
    social_worker = unlock(path, PASSPHRASE, for_sync=True)
    for ws in (nurse, social_worker):
        sync(ws)
    capsys.readouterr()

    code = server_main(
        [
            "audit",
            "report",
            "--db",
            _url(server),
            "--nhs",
            ZOE,
            "--kind",
            "view",
            "--format",
            "json",
        ]
    )
    rows = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {r["staff"] for r in rows} == {"Sam Taylor", "Ceri Jones"}
    assert {r["person"] for r in rows} == {"Zoë O'Neill (999 000 0018)"}
    assert {r["organisation"] for r in rows} == {"Dales Community Health"}

    code = server_main(["audit", "report", "--db", _url(server), "--kind", "failed_unlock"])
    out = capsys.readouterr().out
    assert code == 0 and "FAILED_UNLOCK" in out and "Ceri Jones" in out
    assert "Sam Taylor" not in out

    today = clock.now().date().strftime("%d/%m/%Y")  # events are stamped in UTC
    code = server_main(
        [
            "audit",
            "report",
            "--db",
            _url(server),
            "--from",
            today,
            "--to",
            today,
            "--format",
            "json",
        ]
    )
    rows = json.loads(capsys.readouterr().out)
    assert code == 0 and {"Sam Taylor", "Ceri Jones"} <= {r["staff"] for r in rows}
    assert [r["at"] for r in rows] == sorted((r["at"] for r in rows), reverse=True)
    code = server_main(
        [
            "audit",
            "report",
            "--db",
            _url(server),
            "--kind",
            "view",
            "--limit",
            "2",
            "--format",
            "json",
        ]
    )
    assert code == 0 and len(json.loads(capsys.readouterr().out)) == 2
    code = server_main(["audit", "report", "--db", _url(server), "--from", "31/12/2099"])
    assert code == 0 and "Sam Taylor" not in capsys.readouterr().out
    code = server_main(["audit", "report", "--db", _url(server), "--from", "yesterday-ish"])
    assert code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    for ws in (nurse, social_worker):
        ws.close()


def test_every_sync_is_in_the_audit_log_without_an_extra_round_trip(
    server: RunningServer, laptop: Laptop
) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    sync(nurse)
    with nurse.store.read() as session:
        synced = sync_settings.last_success(session)
    quiet = [sync(nurse) for _ in range(2)]
    assert all(r.round_trips == 1 and r.pushed == 0 for r in quiet)
    # A sync with nothing to do still says it succeeded: the status bar's "last synced"
    # and the offline-days lock count from it.
    with nurse.store.read() as session:
        last_synced = sync_settings.last_success(session)
    assert synced is not None and last_synced is not None and last_synced > synced
    _register_both(nurse)
    sync(nurse)
    with nurse.store.read() as session:
        details = [
            json.loads(d)
            for d in session.execute(
                select(AuditEvent.detail)
                .where(AuditEvent.action == "sync")
                .order_by(AuditEvent.device_seq)
            ).scalars()
        ]
    last = details[-1]
    assert last["pushed"] > 0 and last["quiet_syncs_before"]["count"] == 2
    assert set(last) == {
        "pushed",
        "pulled",
        "refused",
        "evicted",
        "kept_back",
        "kept_aside",
        "quiet_syncs_before",
    }
    assert set(last["quiet_syncs_before"]) == {"count", "first", "last"}
    nurse.close()


def test_a_revoked_laptop_sends_its_audit_events_before_it_wipes(
    server: RunningServer, laptop: Laptop
) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    _register_both(nurse)
    sync(nurse)
    person_record(nurse, ZOE)  # looked at after the last sync
    add_note(nurse, ZOE, "Written after the last sync.")
    device, path = nurse.store.device_id, nurse.store.path
    directory.revoke(server.store, device)
    with pytest.raises(RevokedError):
        sync(nurse)
    wipe(nurse)
    assert not (path / "onerecord.db").exists()
    held = sorted(_server_events(server, device), key=lambda e: int(e["device_seq"]))
    actions = [e["action"] for e in held]
    assert "record_viewed" in actions and "note_added" in actions
    assert actions[-1] == "wiped"  # even the wipe itself
    assert verify_server(server.store).ok
    with server.store.engine.connect() as conn:  # the note itself went nowhere
        notes = conn.execute(
            select(s.changes.c.change_id).where(
                s.changes.c.entity == "contact_note", s.changes.c.device_id == device
            )
        ).all()
    assert notes == []


def test_push_audit_takes_audit_events_only(server: RunningServer, laptop: Laptop) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    _register_both(nurse)
    with nurse.store.read() as session:
        enrolment = sync_settings.enrolment(session)
        pending = outbox.next_batch(session.connection(), 1, entity="person")
    assert pending is not None
    change = json.loads(pending.body)["changes"][0]
    assert enrolment is not None
    with (
        client(
            enrolment.server_url, device_id=device_of(nurse), private_key=enrolment.private_key
        ) as http,
        pytest.raises(ServerRefusedError, match="Only audit events"),
    ):
        call(http, "POST", "/sync/push-audit", json={"changes": [change]})
    nurse.close()


def device_of(ws: Workspace) -> str:
    return ws.store.device_id


def test_the_report_shows_an_event_it_cannot_read_and_names_people_it_partly_can(
    server: RunningServer, laptop: Laptop, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rows spoilt in the server's database (by hand, or a bug) failed the whole access
    report with a traceback: an event, a person's record, the organisation's entry."""
    nurse = reopen(laptop("Sam Taylor"))
    _register_both(nurse)
    with nurse.store.read() as session:
        zoe, alun = (people.find(session, nhs).id for nhs in (ZOE, ALUN))
    person_record(nurse, ZOE)
    person_record(nurse, ALUN)
    sync(nurse)
    c = s.changes.c
    with server.store.engine.begin() as conn:
        alun_viewed = (
            conn.execute(select(c.entity_id).where(c.entity == "audit_event", c.person_id == alun))
            .scalars()
            .all()
        )
        conn.execute(update(s.changes).where(c.entity_id.in_(alun_viewed)).values(value="{half"))
        conn.execute(
            update(s.changes)
            .where(c.entity == "organisation")
            .values(value='{"name": ["not", "a", "name"]}')
        )
    # A later change to Zoë's family name that cannot be read: not the old name, then.
    by_hand(
        server,
        [
            server_row(server, "person", entity_id=zoe)
            | {
                "change_id": str(uuid.uuid4()),
                "op": "set",
                "field": "family_name",
                "value": "not json",
                "hlc": server_row(server, "person", entity_id=zoe)["hlc"] + 1,
            }
        ],
    )
    code = server_main(["audit", "report", "--db", _url(server), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    rows = json.loads(out)
    unreadable = [r for r in rows if r["action"].startswith("unreadable event")]
    assert len(unreadable) == len(alun_viewed) >= 1
    assert {r["person"] for r in unreadable} == {""}  # nothing of it is guessed
    assert "Zoë (999 000 0018)" in {r["person"] for r in rows}
    assert "Alun" not in out
    # Filters on what cannot be read cannot hide it: a staff name, another kind.
    code = server_main(
        ["audit", "report", "--db", _url(server), "--staff", "Sam", "--kind", "failed_unlock"]
    )
    out, err = capsys.readouterr()
    assert code == 0 and out.count("unreadable") == len(alun_viewed), err
    nurse.close()
