"""`onerecord meeting ...`: the coordinator sets up the team's next meeting and builds
its list from what the record suggests; a nurse flags someone; the pack of briefs is
saved (one page each, audited per person); the decision is recorded with owned, dated
actions; refusals are one plain line with nothing written."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import select

from app.cli.main import main
from app.services import clock
from app.values.vocab import Role
from app.workspace import Workspace, unlock
from storage.tables import AuditEvent, PlanAction
from tests.conftest import ALUN, PASSPHRASE, ZOE
from tests.team_helpers import team_profile


def _run(capsys: pytest.CaptureFixture[str], profile: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["meeting", argv[0], "--profile", str(profile), *argv[1:]])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_meeting_from_a_script(
    populated: Workspace,
    profile_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    profile = team_profile(populated, profile_path, monkeypatch, Role.COORDINATOR.value)
    code, _, err = _run(capsys, profile, "list")
    assert code != 0 and err.startswith("onerecord: Your team has no meeting coming up")
    when = (clock.today() + timedelta(days=3)).isoformat() + "T10:00"
    code, out, _ = _run(capsys, profile, "new", "--when", when, "--place", "Skipton")
    assert code == 0 and out.startswith("Team meeting set up: Team meeting")
    assert _run(capsys, profile, "flag", "--nhs", ZOE, "--why", "Falls at night")[0] == 0
    code, out, _ = _run(capsys, profile, "offered")
    assert "Flagged: Falls at night (flagged by Sam Taylor)" in out
    assert _run(capsys, profile, "add", "--nhs", ZOE)[0] == 0
    assert _run(capsys, profile, "add", "--nhs", ALUN, "--why", "New carer")[0] == 0
    code, _, err = _run(capsys, profile, "add", "--nhs", ALUN, "--why", "Again")
    assert code != 0 and err == "onerecord: They are already on this meeting's list.\n"
    code, out, _ = _run(capsys, profile, "list")
    assert "2 on the list." in out and "O'Neill, Zoë" in out
    later = (clock.today() + timedelta(days=4)).isoformat() + "T14:00"
    code, out, _ = _run(capsys, profile, "move", "--when", later, "--place", "Settle")
    assert code == 0 and out.startswith("Team meeting moved: Team meeting") and "Settle" in out
    code, out, _ = _run(capsys, profile, "list")
    assert "2 on the list." in out and "14:00, Settle" in out

    pdf = tmp_path / "pack.pdf"
    code, out, _ = _run(capsys, profile, "pack", "--out", str(pdf))
    assert code == 0 and out.startswith("Saved 2 briefs (3 pages)")
    with pdfplumber.open(io.BytesIO(pdf.read_bytes())) as doc:
        assert len(doc.pages) == 3
        # The file's information names the document and no one in it.
        assert doc.metadata.get("Title") == "Team meeting briefs"
        assert not doc.metadata.get("Author") and not doc.metadata.get("Subject")
        assert "Falls at night" in (doc.pages[0].extract_text() or "")
    assert pdf.stat().st_mode & 0o777 == 0o600

    due = (clock.today() + timedelta(days=7)).isoformat()
    code, _, err = _run(
        capsys,
        profile,
        "decide",
        "--nhs",
        ZOE,
        "--decision",
        "Falls clinic",
        "--present",
        "Sam Taylor, coordinator",
        "--action",
        "Refer|Dr Shah|GP",
    )
    assert code != 0 and err.startswith("onerecord: Give each action as 'what|who|role|due date'")
    code, out, _ = _run(
        capsys,
        profile,
        "decide",
        "--nhs",
        ZOE,
        "--decision",
        "Falls clinic",
        "--present",
        "Sam Taylor, coordinator",
        "--present",
        "Dr Shah, GP",
        "--action",
        f"Refer to the falls clinic|Dr Shah|GP|{due}",
    )
    assert code == 0 and out == "Decision recorded, with 1 action(s) in the plan.\n"
    ws = unlock(profile, PASSPHRASE)
    try:
        with ws.store.read() as s:
            actions = list(s.execute(select(PlanAction)).scalars())
            printed = list(
                s.execute(
                    select(AuditEvent.person_id).where(AuditEvent.action == "mdt_brief_printed")
                ).scalars()
            )
    finally:
        ws.close()
    [action] = actions
    assert (action.what, action.who_name, action.goal_id) == (
        "Refer to the falls clinic",
        "Dr Shah",
        None,
    )
    assert len(printed) == 2 and len(set(printed)) == 2


def test_a_nurse_cannot_set_up_a_meeting(
    populated: Workspace,
    profile_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    profile = team_profile(populated, profile_path, monkeypatch, Role.COMMUNITY_NURSE.value)
    when = (clock.today() + timedelta(days=3)).isoformat() + "T10:00"
    code, _, err = _run(capsys, profile, "new", "--when", when)
    assert code == 5
    assert err == "onerecord: Only the team's coordinator can set up the team's meetings.\n"
