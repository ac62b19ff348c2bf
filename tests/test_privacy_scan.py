"""Privacy hygiene: a whole session, then every file written outside the encrypted
store is scanned for the people's names, NHS numbers, dates of birth and postcodes.

HOME, XDG_*, TMPDIR and the Qt settings location all point into one scratch folder.
The session: a demo profile through the CLI (list, show, print, export, a handled
error and a bug); a real profile enrolled with a real loopback server (its log in
a file), browsed and edited through the services, synced, then a real offscreen GUI
session (unlock with a wrong passphrase first, open a record, print and save a
plan, lock). Excluded, on purpose and by name: the encrypted database (+ WAL and
shared memory) and its backups; the files the user chose to write (the plan PDF,
the printer's PDF, the FHIR export); the server's database, which holds the shared
record by design and belongs on an encrypted volume (docs/security.md). The
server's log is scanned. A PDF anywhere is read through pdftotext, JSON with its
escapes undone (tests/privacy_scan.py).

The files the user chose hold the person by design, but never restricted detail
(hazard H7 in docs/clinical-safety.md): the PDFs read through pdftotext and the FHIR
exports parsed with fhir.resources hold no key safe code, no alert's restricted
detail and no sensitive note's narrative from either profile. pdftotext is needed:
without it the test skips, or fails when CI is set.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.cli.main import main as cli
from app.errors import OneRecordError
from app.logging_setup import configure, reset
from app.reports.fhir import export_fhir, save_export
from app.reports.printing import render_plan, save_plan
from app.services.care.notes import add_note
from app.services.caseload import caseload
from app.services.record import people
from app.services.record.people import NewPerson
from app.services.record.record_view import person_record
from app.workspace import Workspace, unlock
from storage import settings
from storage.tables import Alert, ContactNote, Person
from sync.client.enrol import enrol
from sync.server import directory
from tests.ci import require_tool
from tests.privacy_scan import Finding, files_under, output_text, restricted_found, scan
from tests.sync.conftest import RunningServer, start_server
from tests.sync.helpers import sync
from tests.ui.helpers import (
    DEV,
    KEY_SAFE_CODE,
    PASSPHRASE,
    PEOPLE,
    STAFF,
    make_controller,
    make_profile,
)
from tests.ui.helpers import unlock as gui_unlock
from ui.kit.tasks import TaskRunner
from ui.record.print_dialog import PrintDialog

pytestmark = pytest.mark.slow


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "scratch"
    config_before = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    for name in ("home", "config", "data", "state", "cache", "runtime", "tmp", "chosen"):
        (root / name).mkdir(parents=True, mode=0o700)
    monkeypatch.setenv("HOME", str(root / "home"))
    for var, name in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_RUNTIME_DIR", "runtime"),
        ("TMPDIR", "tmp"),
    ):
        monkeypatch.setenv(var, str(root / name))
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(root / "config"))
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    # Only this session's logging: handlers left by earlier tests may hold closed streams.
    logger = logging.getLogger()
    saved, level = list(logger.handlers), logger.level
    logger.handlers = []
    yield root
    for handler in logger.handlers:
        handler.close()
    logger.handlers, logger.level = saved, level
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, config_before)


def _demo_session(root: Path) -> list[NewPerson]:
    profile = root / "data" / "onerecord" / "demo"
    base = ["--profile", str(profile)]
    assert cli(["demo", *base, "--people", "12", "--seed", "7"]) == 0
    ws = unlock(profile, PASSPHRASE)
    with ws.store.read() as session:
        demo = [
            NewPerson(
                p.nhs_number or "",
                p.given_name,
                p.family_name,
                p.date_of_birth.isoformat(),
                p.postcode,
            )
            for p in session.execute(select(Person).order_by(Person.family_name).limit(4)).scalars()
        ]
    ws.close()
    assert cli(["list", *base]) == 0
    for person in demo[:2]:
        assert cli(["show", *base, "--nhs", person.nhs_number]) == 0
    chosen = root / "chosen"
    assert (
        cli(["print-plan", *base, "--nhs", demo[0].nhs_number, "--out", str(chosen / "demo.pdf")])
        == 0
    )
    assert (
        cli(["export", *base, "--nhs", demo[0].nhs_number, "--out", str(chosen / "demo.json")]) == 0
    )
    assert cli(["show", *base, "--nhs", "9990000050"]) != 0  # a handled error: nobody there

    def bug(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(f"bug while showing {demo[1].given_name} {demo[1].family_name}")

    with pytest.MonkeyPatch.context() as patch:  # its own undo: the scratch env stays
        patch.setattr("app.services.record.record_view.person_record", bug)
        assert cli(["show", *base, "--nhs", demo[1].nhs_number]) == 1
    return demo


def _synced_session(root: Path, server: RunningServer, code: str) -> Path:
    profile = make_profile(root / "data" / "onerecord" / "profile")
    ws: Workspace = unlock(profile, PASSPHRASE)
    try:
        enrol(ws, server.url, code, device_name="laptop")
        with ws.store.write(ws.actor) as session:  # the team's caseload
            team = settings.get(session, settings.HOME_TEAM)
            for person in PEOPLE:
                people.find(session, person.nhs_number).team_id = team
        caseload.fetch(ws)
        for person in PEOPLE:
            person_record(ws, person.nhs_number)
        people.edit(ws, DEV, {"level_of_need": "specialist"})
        add_note(ws, DEV, "Visited; walking with the frame.")
        save_plan(ws, render_plan(ws, DEV), root / "chosen" / "plan.pdf")
        export = export_fhir(ws, DEV)
        save_export(ws, export, export.json, root / "chosen" / "dev.json")
        sync(ws)

        def broken(*_args: object, **_kwargs: object) -> None:  # a bug on the server
            raise RuntimeError(f"pull failed for {PEOPLE[0].given_name} {PEOPLE[0].family_name}")

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(server.store, "pull", broken)
            with pytest.raises(OneRecordError):
                sync(ws)
    finally:
        ws.close()
    return profile


def _gui_session(qtbot: QtBot, profile: Path, chosen: Path) -> None:
    runner = TaskRunner()
    app = make_controller(qtbot, runner, profile)
    try:
        window = app.unlock_window
        qtbot.keyClicks(window.passphrase, "not the passphrase")
        qtbot.keyClick(window.passphrase, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: app.unlock.failures == 1, timeout=10_000)
        window.passphrase.clear()
        gui_unlock(qtbot, app)
        with app.ops.workspace.store.read() as session:  # type: ignore[union-attr]
            dev = people.find(session, DEV).id
        with qtbot.waitSignal(app.record.loaded, timeout=10_000):
            app.open_record(dev)
        app.record.print_plan()
        qtbot.waitUntil(lambda: bool(app.main_window.findChildren(PrintDialog)), timeout=10_000)
        dialog = app.main_window.findChildren(PrintDialog)[0]
        qtbot.waitUntil(lambda: dialog.plan is not None, timeout=20_000)
        dialog.save_to(chosen / "from-the-app.pdf")
        qtbot.waitUntil(lambda: (chosen / "from-the-app.pdf").exists(), timeout=10_000)
        app.lock("Locked.")
    finally:
        app.shutdown()
        runner.shutdown()


@pytest.fixture(autouse=True)
def _logging_put_back() -> Iterator[None]:
    # configure() binds a console handler to this test's captured stderr: leave
    # nothing behind for later tests to write to once pytest has closed it.
    yield
    reset()


def _restricted_texts(profiles: list[Path]) -> list[str]:
    """Every alert's restricted detail and every sensitive note's narrative."""
    found: list[str | None] = []
    for path in profiles:
        ws = unlock(path, PASSPHRASE)
        try:
            with ws.store.read() as session:
                found += session.execute(
                    select(Alert.restricted_detail).where(Alert.restricted_detail.is_not(None))
                ).scalars()
                found += session.execute(
                    select(ContactNote.narrative).where(ContactNote.sensitive.is_(True))
                ).scalars()
        finally:
            ws.close()
    return [text for text in found if text]


def _write_pdf(path: Path, lines: list[str]) -> None:
    """A PDF with compressed streams, as reportlab (and the app) write them."""
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), pageCompression=1)
    for n, line in enumerate(lines):
        canvas.drawString(72, 720 - 20 * n, line)
    canvas.save()


def test_nothing_identifiable_is_written_outside_the_encrypted_store(
    scratch: Path, qtbot: QtBot
) -> None:
    # Every PDF is read as text: without pdftotext this skips, and fails in CI.
    require_tool("pdftotext", "poppler-utils")
    configure(verbose=True)  # the most a user can turn logging up to
    server_log = scratch / "server" / "server.log"
    server_log.parent.mkdir()
    handler = logging.FileHandler(server_log)
    handler.setLevel(logging.DEBUG)
    for name in ("sync.server", "uvicorn", "fastapi"):
        logging.getLogger(name).addHandler(handler)
    server = start_server(f"sqlite:///{scratch / 'server' / 'server.db'}")
    try:
        directory.add_team(server.store, "Craven Locality")
        directory.add_user(server.store, STAFF, "community_nurse", "Craven Locality")
        demo = _demo_session(scratch)
        profile = _synced_session(scratch, server, server.code_for(STAFF))
        _gui_session(qtbot, profile, scratch / "chosen")
    finally:
        server.stop()
        server.store.close()
        for name in ("sync.server", "uvicorn", "fastapi"):
            logging.getLogger(name).removeHandler(handler)
        handler.close()
    for h in logging.getLogger().handlers:
        h.flush()

    encrypted = [
        p
        for folder in (profile, scratch / "data" / "onerecord" / "demo")
        for p in folder.rglob("*")
        if p.name.startswith("onerecord.db") or (p.parent.name == "backups" and p.suffix == ".db")
    ]
    chosen = list((scratch / "chosen").iterdir())
    server_db = [p for p in server_log.parent.iterdir() if p.name.startswith("server.db")]
    assert len(chosen) == 5 and server_db and encrypted
    files = files_under(scratch, exclude=[*encrypted, *chosen, *server_db])
    assert server_log in files and any(p.name == "onerecord.log" for p in files)
    assert "unexpected RuntimeError" in server_log.read_text()  # the server's bug was logged
    assert (profile / "keyvault.json") in files and (profile / "audit-anchor.json") in files
    everyone = [*PEOPLE, *demo]
    findings = scan(files, everyone)
    assert findings == [], _report(findings, scratch)

    # The scanner is not blind: a leak planted in a copy of a scanned file is found.
    leaky = scratch.parent / "planted.log"
    log = next(p for p in files if p.name == "onerecord.log")
    for planted, kind in (
        (f"opened {PEOPLE[0].family_name}", "family name"),
        ("nhs=999 000 0026", "NHS number with spaces"),
        ("dob 22/11/1940", "date of birth (British)"),
        ("at LA2 8PQ", "postcode"),
        (f"given {demo[0].given_name}.", "given name"),
    ):
        shutil.copy(log, leaky)
        with leaky.open("a", encoding="utf-8") as out:
            out.write(f"INFO somewhere: {planted}\n")
        assert kind in {f.what for f in scan([leaky], everyone)}, planted
    # ... in a PDF, where the name is not in the (compressed) bytes, and in JSON that
    # escapes a letter.
    leaky_pdf = scratch.parent / "planted.pdf"
    _write_pdf(leaky_pdf, [f"Visited {PEOPLE[0].given_name} {PEOPLE[0].family_name}."])
    assert PEOPLE[0].family_name.encode() not in leaky_pdf.read_bytes()
    assert "family name" in {f.what for f in scan([leaky_pdf], everyone)}
    escaped = PEOPLE[0].family_name.replace("A", "\\u0041", 1)
    assert escaped != PEOPLE[0].family_name
    leaky.write_text(f'{{"note": "opened {escaped}"}}', encoding="ascii")
    assert "family name" in {f.what for f in scan([leaky], everyone)}

    # H7: the outputs the user chose, read as their readers would, hold no restricted
    # detail from either profile (the person's key safe code is among it).
    secrets = _restricted_texts([profile, scratch / "data" / "onerecord" / "demo"])
    assert KEY_SAFE_CODE in secrets
    leaks = restricted_found(chosen, secrets)
    assert leaks == [], _report(leaks, scratch, found="restricted detail in a chosen output")
    # They are really read: the person is in the plan's text though not in its bytes,
    # and the export holds the key safe alert with its detail withheld.
    dev = next(p for p in PEOPLE if p.nhs_number == DEV)
    plan = scratch / "chosen" / "plan.pdf"
    assert dev.family_name in output_text(plan)
    assert dev.family_name.encode() not in plan.read_bytes()
    assert "restricted detail held" in output_text(scratch / "chosen" / "dev.json")
    # A planted code is found in a PDF and in a FHIR export that still parses.
    _write_pdf(leaky_pdf, ["Key safe by the back door:", KEY_SAFE_CODE])
    assert restricted_found([leaky_pdf], secrets)
    bundle = json.loads((scratch / "chosen" / "dev.json").read_text(encoding="utf-8"))
    flag = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Flag")
    flag["code"]["text"] += f" {KEY_SAFE_CODE}"
    leaky_export = scratch.parent / "planted.json"
    leaky_export.write_text(json.dumps(bundle), encoding="utf-8")
    assert restricted_found([leaky_export], secrets)


def _report(findings: list[Finding], root: Path, *, found: str = "identifiable data found") -> str:
    return f"{found}: " + "; ".join(f"{f.what} in {f.path.relative_to(root)}" for f in findings)
