"""The server administrator's trail: every `onerecord-server` command that changes who
may do what or reads across the organisation leaves one entry (who ran it, when, done
or refused, and only its safe arguments: never an enrolment code, an NHS number, a
duty to share's reason or a partner's key), a laptop's enrolment leaves one in its
own transaction, and an edited, removed or reordered entry breaks the hash chain.
On SQLite and PostgreSQL."""

from __future__ import annotations

import getpass
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from sync.server import admin_log
from sync.server.cli import main
from sync.server.store import ServerStore
from tests.databases import require_postgres_url
from tests.pg_schemas import fresh_schema_url


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.db'}"
    return fresh_schema_url(require_postgres_url())


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _entries(db: str) -> list[admin_log.Entry]:
    store = ServerStore(db)
    try:
        return list(reversed(admin_log.entries(store)))
    finally:
        store.close()


def test_each_command_leaves_one_safe_entry(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "team", "add", "Craven Locality", "--db", db)[0] == 0
    assert (
        _run(
            capsys,
            "user",
            "add",
            "--name",
            "Ceri Jones",
            "--role",
            "social_worker",
            "--team",
            "Craven Locality",
            "--db",
            db,
        )[0]
        == 0
    )
    code, out, _ = _run(capsys, "enrol", "--user", "Ceri Jones", "--db", db)
    assert code == 0
    secret = re.search(r"Enrolment code for Ceri Jones: (\S+)", out)
    assert secret is not None
    code, _, err = _run(capsys, "revoke", "--device", "no-such-device", "--db", db)
    assert code == 1 and err
    code, _, _ = _run(capsys, "report", "outcomes", "--period", "last-12-months", "--db", db)
    assert code == 0
    entries = _entries(db)
    assert [(e.action, e.outcome) for e in entries] == [
        ("team add", "done"),
        ("user add", "done"),
        ("enrol", "done"),
        ("revoke", "refused"),
        ("report outcomes", "done"),
    ]
    assert entries[1].detail == {
        "name": "Ceri Jones",
        "role": "social_worker",
        "team": "Craven Locality",
    }
    assert entries[2].detail == {"user": "Ceri Jones", "hours": 24.0}
    assert entries[4].detail == {"period": "last-12-months"}
    assert {e.account for e in entries} == {getpass.getuser()}
    everything = repr(entries)
    assert secret.group(1) not in everything  # never the code
    code, out, _ = _run(capsys, "admin-log", "--db", db)
    assert code == 0 and "user add" in out and "Ceri Jones" in out
    code, out, _ = _run(capsys, "admin-log", "--verify", "--db", db)
    assert code == 0 and "6 entries" in out  # the listing above is itself an entry


def test_what_names_a_person_or_a_secret_is_only_said_to_be_given() -> None:
    kept = admin_log.kept(
        "duty-to-share add",
        {"person": "9990000018", "partner": "Dales", "by": "Ivy", "reason": "Her son, 14 Elm St"},
    )
    assert kept == {"partner": "Dales", "by": "Ivy", "person_given": True, "reason_given": True}
    assert admin_log.kept("audit report", {"nhs": "9990000018", "staff": "Ceri"}) == {
        "staff": "Ceri",
        "nhs_given": True,
    }


def test_a_changed_or_removed_entry_breaks_the_chain(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("Craven", "Wharfe", "Nidd"):
        assert _run(capsys, "team", "add", name, "--db", db)[0] == 0
    engine = sa.create_engine(db)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "UPDATE admin_log SET detail = :d WHERE action = 'team add' AND seq = "
                    "(SELECT min(seq) FROM admin_log)"
                ),
                {"d": '{"name": "Someone else"}'},
            )
        code, _, err = _run(capsys, "admin-log", "--verify", "--db", db)
        assert code == 1 and "tampered" in err
        with engine.begin() as conn:  # put it back, then take one out
            conn.execute(
                sa.text(
                    "UPDATE admin_log SET detail = :d WHERE seq = (SELECT min(seq) FROM admin_log)"
                ),
                {"d": '{"name": "Craven"}'},
            )
        assert _run(capsys, "admin-log", "--verify", "--db", db)[0] == 0
        with engine.begin() as conn:
            conn.execute(
                sa.text("DELETE FROM admin_log WHERE seq = (SELECT min(seq) + 1 FROM admin_log)")
            )
        code, _, err = _run(capsys, "admin-log", "--verify", "--db", db)
        assert code == 1 and "tampered" in err
    finally:
        engine.dispose()


def test_a_laptop_enrolling_leaves_an_entry_with_its_device(db: str) -> None:
    from sync import signing
    from sync.server import directory

    store = ServerStore(db)
    try:
        directory.add_team(store, "Craven Locality")
        directory.add_user(store, "Sam Taylor", "community_nurse", "Craven Locality")
        code = directory.new_enrolment_code(store, "Sam Taylor")
        key = signing.public_key_of(signing.new_private_key())
        device_id = directory.enrol(store, code, key, "Sam's laptop").device_id
        (entry,) = admin_log.entries(store)
        assert entry.action == "laptop enrolled" and entry.outcome == "done"
        assert entry.account == "the laptop, with its one-time code"
        assert entry.detail == {"device": device_id, "user": "Sam Taylor", "name": "Sam's laptop"}
        assert code not in repr(entry) and key not in repr(entry)
        assert admin_log.verify(store) == (1, [])
    finally:
        store.close()
