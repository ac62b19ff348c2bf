"""The access report on a laptop: who looked at whom, break-glass with its reason,
failed unlocks, prints and exports; filtered in SQL; for coordinators and the IG lead
only; itself audited. Through the service and through `onerecord audit report`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli.main import main
from app.errors import AccessDeniedError, InvalidInputError, WrongPassphraseError
from app.reports.fhir import export_fhir, save_export
from app.reports.printing import render_plan, save_plan
from app.services import clock
from app.services.need_to_know.access_report import ReportQuery, counts_by_kind, fetch
from app.services.need_to_know.break_glass import break_glass_by_nhs
from app.services.record import people
from app.services.record.record_view import person_record
from app.values.vocab import Role
from app.workspace import Workspace, create, unlock
from storage.tables import AuditEvent
from tests.conftest import ALUN, FAST_KDF, PASSPHRASE, ZOE

REASON = "Called by the out-of-hours GP about a fall at home"


@pytest.fixture
def coordinator(profile_path: Path, tmp_path: Path) -> Iterator[Workspace]:
    ws = create(
        profile_path,
        PASSPHRASE,
        user_name="Rhian Coordinator",
        role=Role.COORDINATOR,
        kdf=FAST_KDF,
    )
    people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    people.register(ws, people.NewPerson(ALUN, "Alun", "Pritchard", "1951-10-30", "BD23 1JD"))
    with ws.store.write(ws.actor) as session:  # Alun belongs to another team's caseload
        people.find(session, ALUN).team_id = "another-team"
    person_record(ws, ZOE)
    break_glass_by_nhs(ws, ALUN, REASON)
    person_record(ws, ALUN)
    save_plan(ws, render_plan(ws, ZOE), tmp_path / "plan.pdf")
    export = export_fhir(ws, ZOE)
    save_export(ws, export, export.json, tmp_path / "zoe.json")
    ws.close()
    with pytest.raises(WrongPassphraseError):
        unlock(profile_path, "a wrong guess at it")
    ws = unlock(profile_path, PASSPHRASE)
    yield ws
    ws.close()


def test_the_report_shows_who_looked_at_whom(coordinator: Workspace) -> None:
    rows, total = fetch(coordinator, ReportQuery())
    assert total == len(rows) > 8
    kinds = {r.kind for r in rows}
    assert {"view", "break_glass", "print", "export", "failed_unlock", "unlock", "lock"} <= kinds
    assert rows == sorted(rows, key=lambda r: r.at, reverse=True)
    glass = [r for r in rows if r.kind == "break_glass"]
    assert len(glass) == 1 and glass[0].reason == REASON and glass[0].highlighted
    assert glass[0].person == "Alun Pritchard (999 000 0026)"
    assert glass[0].staff == "Rhian Coordinator" and glass[0].role == "coordinator"
    failed = [r for r in rows if r.kind == "failed_unlock"]
    assert len(failed) == 1 and "attempted_at" in failed[0].detail


def test_filters_run_in_sql(coordinator: Workspace) -> None:
    views, _ = fetch(coordinator, ReportQuery(kinds=frozenset({"view"}), nhs_number=ZOE))
    assert [r.action for r in views] == ["record_viewed"]
    assert views[0].person == "Zoë O'Neill (999 000 0018)"
    both, _ = fetch(coordinator, ReportQuery(kinds=frozenset({"print", "export"})))
    assert sorted(r.kind for r in both) == ["export", "print"]
    changes, _ = fetch(coordinator, ReportQuery(kinds=frozenset({"change"})))
    assert changes and all(r.kind == "change" for r in changes)
    assert "person_registered" in {r.action for r in changes}
    today = clock.today()
    assert fetch(coordinator, ReportQuery(start=today + timedelta(days=1)))[1] == 0
    assert fetch(coordinator, ReportQuery(start=today - timedelta(days=1), end=today))[1] > 0
    assert fetch(coordinator, ReportQuery(staff="rhian"))[1] > 0
    assert fetch(coordinator, ReportQuery(staff="nobody of that name"))[1] == 0
    page, total = fetch(coordinator, ReportQuery(limit=3, offset=2))
    assert len(page) == 3 and total > 5
    counts = counts_by_kind(coordinator, ReportQuery())
    assert counts["break_glass"] == 1 and counts["failed_unlock"] == 1


def test_bad_filters_are_plain_errors(coordinator: Workspace) -> None:
    with pytest.raises(InvalidInputError, match="Unknown kind"):
        ReportQuery(kinds=frozenset({"peek"}))
    with pytest.raises(InvalidInputError, match="before"):
        ReportQuery(start=date(2026, 11, 2), end=date(2026, 11, 1))


def test_only_coordinators_and_the_ig_lead_see_it(populated: Workspace) -> None:
    with pytest.raises(AccessDeniedError):
        fetch(populated, ReportQuery())


def test_opening_the_report_is_audited(coordinator: Workspace) -> None:
    fetch(coordinator, ReportQuery(kinds=frozenset({"break_glass"})))
    with coordinator.store.read() as session:
        detail = session.execute(
            select(AuditEvent.detail).where(AuditEvent.action == "access_report_viewed")
        ).scalar_one()
    assert json.loads(detail) == {"kinds": ["break_glass"], "rows": 1}


def test_the_cli_report(
    coordinator: Workspace,
    profile_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    coordinator.close()
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    base = ["audit", "report", "--profile", str(profile_path)]
    assert main([*base, "--kind", "break_glass"]) == 0
    out = capsys.readouterr().out
    assert "BREAK_GLASS" in out and REASON in out and "Alun Pritchard" in out
    assert main([*base, "--kind", "failed_unlock", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 1 and rows[0]["Kind"] == "failed_unlock"
    assert main([*base, "--nhs", ZOE, "--kind", "view", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["action"] for r in data] == ["record_viewed"]
    assert main([*base, "--from", "not a date"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("onerecord: ") and err.count("\n") == 1
    assert main(["audit", "verify", "--profile", str(profile_path)]) == 0
    assert "Audit log intact" in capsys.readouterr().out
