"""The demo caseload passes the record's own rules, and `check` catches a row that breaks them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from app.services.profile.demo_profile import create_demo_profile
from app.services.profile.integrity import check
from app.services.record.record_rules import validate
from app.workspace import Workspace
from tests.conftest import FAST_KDF, PASSPHRASE


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    folder: Path = tmp_path_factory.mktemp("demo") / "p"
    workspace, _ = create_demo_profile(folder, PASSPHRASE, people=80, seed=11, kdf=FAST_KDF)
    yield workspace
    workspace.close()


def test_the_demo_caseload_passes_every_rule_and_check(demo: Workspace) -> None:
    with demo.store.read() as session:
        checked, breaks = validate(session)
    assert checked > 80 * 20  # people, notes, goals, actions, risks...
    assert breaks == []
    report = check(demo)
    assert report.ok, report.lines()


@pytest.mark.parametrize(
    ("sql", "table", "field"),
    [
        ("UPDATE person SET level_of_need = 'enormous' WHERE rowid = 1", "person", "level_of_need"),
        ("UPDATE person SET nhs_number = '9990000019' WHERE rowid = 2", "person", "nhs_number"),
        (
            "UPDATE person SET date_of_birth = '2999-01-01' WHERE rowid = 3",
            "person",
            "date_of_birth",
        ),
        ("UPDATE alert SET kind = 'unicorn' WHERE rowid = 1", "alert", "kind"),
        (
            "UPDATE contact_note SET contact_type = 'seance' WHERE rowid = 1",
            "contact_note",
            "contact_type",
        ),
        (
            "UPDATE consent_to_share SET method = 'telepathy' WHERE rowid = 1",
            "consent_to_share",
            "method",
        ),
    ],
)
def test_broken_rules_are_reported(tmp_path: Path, sql: str, table: str, field: str) -> None:
    workspace, _ = create_demo_profile(tmp_path / "p", PASSPHRASE, people=5, seed=2, kdf=FAST_KDF)
    try:
        with workspace.store.engine.begin() as conn:
            conn.execute(text(sql))
        with workspace.store.read() as session:
            _, breaks = validate(session)
        assert [(b.table, b.field) for b in breaks] == [(table, field)]
        report = check(workspace)
        assert not report.ok
        assert any(line.startswith("Record rules: PROBLEMS") for line in report.lines())
    finally:
        workspace.close()
