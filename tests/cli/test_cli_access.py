"""The command line obeys need-to-know: show, print-plan and export of someone
outside the relationship are refused (exit 5) unless `--break-glass REASON`, which
is audited like the desktop's break-glass; restricted content follows the role."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli.main import main
from app.services.record.record_view import person_record
from app.workspace import Workspace, unlock
from storage.tables import AuditEvent, BreakGlassGrant
from tests.app.access_data import (
    ALUN_KEY_SAFE,
    ALUN_SENSITIVE,
    KEY_SAFE,
    SAFEGUARDING,
    SENSITIVE,
    Scene,
    build_scene,
    sign_in,
)
from tests.conftest import ALUN, PASSPHRASE, ZOE

REASON = "Out-of-hours call: suspected fall, his own team unreachable"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def nia_profile(
    populated: Workspace, profile_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Scene]:
    """A profile signed in as Nia, a nurse in the north team (Zoë's), not Alun's."""
    scene = build_scene(populated)
    sign_in(populated, scene, "nia")
    populated.close()
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    return profile_path, scene


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _events(path: Path, action: str) -> list[AuditEvent]:
    ws = unlock(path, PASSPHRASE)
    try:
        with ws.store.read() as s:
            return list(s.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())
    finally:
        ws.close()


def test_show_outside_the_relationship_is_refused_in_one_line(
    nia_profile: tuple[Path, Scene], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = nia_profile
    code, out, err = run(capsys, "show", "--profile", str(path), "--nhs", ALUN)
    assert code == 5
    assert out == ""
    assert err.count("\n") == 1 and "break-glass" in err and "Traceback" not in err
    assert "Pritchard" not in err and ALUN not in err
    for command in (
        ["print-plan", "--out", str(path.parent / "plan.pdf")],
        ["export", "--format", "fhir"],
    ):
        code, out, err = run(
            capsys, command[0], "--profile", str(path), "--nhs", ALUN, *command[1:]
        )
        assert code == 5, err
        assert out == "" and "break-glass" in err
    assert not (path.parent / "plan.pdf").exists()


def test_show_with_break_glass_is_allowed_and_audited_with_the_reason(
    nia_profile: tuple[Path, Scene], capsys: pytest.CaptureFixture[str]
) -> None:
    path, scene = nia_profile
    code, out, err = run(
        capsys, "show", "--profile", str(path), "--nhs", ALUN, "--break-glass", "  "
    )
    assert code == 1 and "Say why" in err
    code, out, err = run(
        capsys, "show", "--profile", str(path), "--nhs", ALUN, "--break-glass", REASON
    )
    assert code == 0, err
    assert "Break-glass access until" in err
    record = json.loads(out)
    assert record["person"]["family_name"] == "Pritchard"
    assert "break_glass_until" in record
    # Break-glass opens the record, not its restricted categories.
    assert ALUN_KEY_SAFE not in out and ALUN_SENSITIVE not in out
    assert "Restricted" in out
    events = _events(path, "break_glass")
    assert [(e.reason, e.person_id, e.actor_id) for e in events] == [
        (REASON, scene.alun, scene.staff["nia"])
    ]
    # The grant stands for its two hours: print and export work without asking again.
    code, _, err = run(
        capsys,
        "print-plan",
        "--profile",
        str(path),
        "--nhs",
        ALUN,
        "--out",
        str(path.parent / "plan.pdf"),
    )
    assert code == 0, err
    code, out, err = run(capsys, "export", "--profile", str(path), "--nhs", ALUN)
    assert code == 0, err
    assert ALUN_KEY_SAFE not in out and ALUN_SENSITIVE not in out


def test_export_and_print_take_break_glass_too(
    nia_profile: tuple[Path, Scene], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = nia_profile
    code, out, err = run(
        capsys, "export", "--profile", str(path), "--nhs", ALUN, "--break-glass", REASON
    )
    assert code == 0, err
    assert json.loads(out)["resourceType"] == "Bundle"
    assert len(_events(path, "break_glass")) == 1


def test_show_on_the_caseload_needs_no_break_glass_and_hides_by_role(
    nia_profile: tuple[Path, Scene], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = nia_profile
    code, out, err = run(
        capsys, "show", "--profile", str(path), "--nhs", ZOE, "--break-glass", REASON
    )
    assert code == 0, err
    assert "Break-glass" not in err
    assert KEY_SAFE in out  # a nurse on the team visits: she needs the key safe code
    assert SAFEGUARDING not in out and SENSITIVE not in out
    ws = unlock(path, PASSPHRASE)
    try:
        with ws.store.read() as s:
            assert s.execute(select(BreakGlassGrant)).first() is None
    finally:
        ws.close()


def test_list_shows_minimal_detail_outside_the_relationship(
    nia_profile: tuple[Path, Scene], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = nia_profile
    code, out, _ = run(capsys, "list", "--profile", str(path), "--format", "json")
    assert code == 0
    people = {p["given_name"]: p for p in json.loads(out)}
    assert people["Alun"]["nhs_number"] == "" and people["Alun"]["date_of_birth"] is None
    assert people["Alun"]["year_of_birth"] == 1951 and people["Alun"]["level_of_need"] == ""
    assert people["Zoë"]["nhs_number"] == ZOE


def test_refusal_as_a_real_process(nia_profile: tuple[Path, Scene]) -> None:
    path, _ = nia_profile
    result = subprocess.run(
        [sys.executable, "-m", "ui.launcher", "show", "--profile", str(path), "--nhs", ALUN],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 5
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_writing_outside_the_relationship_is_refused_too(
    nia_profile: tuple[Path, Scene], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = nia_profile
    code, _, err = run(
        capsys, "note", "add", "--profile", str(path), "--nhs", ALUN, "--text", "Visited."
    )
    assert code == 5 and "break-glass" in err
    code, _, err = run(
        capsys, "edit", "--profile", str(path), "--nhs", ALUN, "--set", "phone=01234 567890"
    )
    assert code == 5 and "break-glass" in err
    code, _, err = run(
        capsys, "note", "add", "--profile", str(path), "--nhs", ZOE, "--text", "Visited."
    )
    assert code == 0, err


def test_note_add_can_mark_a_note_sensitive(
    nia_profile: tuple[Path, Scene], capsys: pytest.CaptureFixture[str]
) -> None:
    path, scene = nia_profile
    secret = "Told me in confidence about a family matter"
    code, _, err = run(
        capsys,
        "note",
        "add",
        "--profile",
        str(path),
        "--nhs",
        ZOE,
        "--text",
        secret,
        "--sensitive",
    )
    assert code == 0, err
    ws = unlock(path, PASSPHRASE)
    try:
        sid = sign_in(ws, scene, "sid")
        shown = json.dumps(person_record(sid, ZOE), ensure_ascii=False)
        assert secret not in shown and "Restricted — ask Nia Nurse" in shown
    finally:
        ws.close()
