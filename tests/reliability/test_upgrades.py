"""A profile made by each older schema version (tests/fixtures/profiles/, built by that
version's own code: scripts/make_fixture_profile.py) upgrades to head with its data
intact, a verified backup taken first; and a migration SIGKILLed at a random
moment inside one of its write transactions (killing.py) leaves a profile that
opens, upgrades and passes `check`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from app.services.profile.integrity import check
from app.workspace import unlock
from scripts.make_fixture_profile import PASSPHRASE, VERSIONS, person_digest
from storage import keyvault
from storage.engine import connect_raw
from storage.migrate import current_revision, head_revision
from tests.reliability.helpers import env_int, seeded
from tests.reliability.killing import KillLog, calibrate, kill_inside_a_write

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "profiles"
MANIFESTS = sorted(FIXTURES.glob("schema-*/manifest.json"))


def _manifest(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text()))


def _copy(manifest: Path, to: Path) -> Path:
    shutil.copytree(manifest.parent, to, ignore=shutil.ignore_patterns("manifest.json"))
    return to


def _assert_intact(path: Path, expected: dict[str, Any]) -> None:
    ws = unlock(path, PASSPHRASE, for_sync=True)
    try:
        assert current_revision(ws.store.engine) == head_revision()
        with ws.store.read() as session:
            for table, count in expected["counts"].items():
                found = session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                # The journal grows by the unlock's own audit events; records do not.
                assert found >= count if table == "change_journal" else found == count, table
            person = session.execute(
                text(
                    "SELECT nhs_number, family_name, given_name, date_of_birth FROM person "
                    "WHERE id = :id"
                ),
                {"id": expected["person_id"]},
            ).one()
        assert person_digest(tuple(person)) == expected["person_digest"]
        report = check(ws)
        assert report.ok, "\n".join(report.lines())
    finally:
        ws.close()


def test_every_older_schema_has_a_fixture() -> None:
    """A new migration makes today's head an older schema: build its fixture then."""
    revisions = sorted(p.name[:4] for p in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))
    # 0001 and 0002 arrived together: no laptop ever stopped at 0001.
    wanted = [r for r in revisions[:-1] if r != "0001"]
    have = sorted(_manifest(m)["revision"] for m in MANIFESTS)
    missing = sorted(set(wanted) - set(have))
    assert not missing, (
        f"no fixture profile for schema {missing}: run scripts/make_fixture_profile.py"
    )


@pytest.mark.parametrize("manifest", MANIFESTS, ids=[m.parent.name for m in MANIFESTS])
def test_an_older_profile_upgrades_with_its_data_intact(manifest: Path, tmp_path: Path) -> None:
    expected = _manifest(manifest)
    path = _copy(manifest, tmp_path / "profile")
    _assert_intact(path, expected)
    backups = sorted((path / "backups").glob("onerecord-*-before-*.db"))
    assert len(backups) == 1  # taken before upgrading, and itself at the old schema
    key = keyvault.unwrap(keyvault.read_vault(path / "keyvault.json"), PASSPHRASE)
    conn = connect_raw(backups[0], key)
    try:
        found = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()
    assert found == expected["revision"]
    # Upgraded once is upgraded for good: a second unlock takes no second backup.
    unlock(path, PASSPHRASE, for_sync=True).close()
    assert len(list((path / "backups").glob("onerecord-*-before-*.db"))) == 1


@pytest.mark.slow
def test_killed_while_migrating(tmp_path: Path) -> None:
    rng = seeded("kill migration")
    oldest = MANIFESTS[0]
    expected = _manifest(oldest)
    env_pass = {"ONERECORD_PASSPHRASE": PASSPHRASE}
    writes = calibrate(
        "check", "--profile", str(_copy(oldest, tmp_path / "calibration")), env=env_pass
    )
    log = KillLog()
    for i in range(env_int("ONERECORD_SOAK_MIGRATION_KILLS", 4)):
        path = _copy(oldest, tmp_path / f"run-{i}")
        kill_inside_a_write(["check", "--profile", str(path)], writes, rng, log, env=env_pass)
        with_backup = list(path.glob("backups/onerecord-*.db"))
        log.outcomes["backup already taken" if with_backup else "no backup yet"] += 1
        _assert_intact(path, expected)
    print(log.line(f"migration from {expected['revision']}"))
    log.assert_inside(0.8)
