"""`onerecord print-plan` and `onerecord export`: the happy paths and every user error
(one plain line, exit 1, nothing written, nothing audited)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli.main import main
from app.workspace import unlock
from storage.tables import AuditEvent
from tests.conftest import PASSPHRASE
from tests.reports.conftest import NEVER_PRINTED, Planted


@pytest.fixture
def profile(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    return demo_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def audited(profile: Path, action: str) -> list[dict[str, object]]:
    workspace = unlock(profile, PASSPHRASE)
    try:
        with workspace.store.read() as session:
            rows = session.execute(
                select(AuditEvent.detail).where(AuditEvent.action == action)
            ).scalars()
            return [json.loads(d) for d in rows]
    finally:
        workspace.close()


def test_print_plan(
    profile: Path, planted: Planted, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan.pdf"
    code, stdout, err = run(
        capsys,
        "print-plan",
        "--profile",
        str(profile),
        "--nhs",
        planted.formatted,
        "--out",
        str(out),
    )
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF-")
    assert f"version {planted.version}" in stdout
    large = tmp_path / "large.pdf"
    code, stdout, err = run(
        capsys,
        "print-plan",
        "--profile",
        str(profile),
        "--nhs",
        planted.nhs,
        "--out",
        str(large),
        "--large-print",
    )
    assert code == 0, err
    assert "large print" in stdout
    events = audited(profile, "plan_printed")
    assert [e["large_print"] for e in events] == [False, True]
    assert all(e["version"] == planted.version and e["to"] == "file" for e in events)


def test_export_to_file_and_stdout(
    profile: Path, planted: Planted, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bundle.json"
    code, _, err = run(
        capsys,
        "export",
        "--profile",
        str(profile),
        "--nhs",
        planted.nhs,
        "--format",
        "fhir",
        "--out",
        str(out),
    )
    assert code == 0, err
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "transaction"
    assert out.stat().st_mode & 0o777 == 0o600
    code, stdout, err = run(
        capsys, "export", "--profile", str(profile), "--nhs", planted.nhs, "--format", "fhir"
    )
    assert code == 0, err
    assert json.loads(stdout)["resourceType"] == "Bundle"
    for secret in NEVER_PRINTED:
        assert secret not in stdout
    events = audited(profile, "record_exported")
    assert [e["to"] for e in events] == ["file", "stdout"]
    assert all(e["format"] == "fhir-r4" for e in events)


@pytest.mark.parametrize("command", ["print-plan", "export"])
@pytest.mark.parametrize(
    ("nhs", "message"),
    [
        ("999 999 9999", "placeholder"),
        ("9990000018", "No one with NHS number 999 000 0018"),
        ("12345", "10 digits"),
        ("9990000019", "check digit"),
    ],
)
def test_nhs_number_errors(
    profile: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    nhs: str,
    message: str,
) -> None:
    out = tmp_path / "out" / "file"
    out.parent.mkdir()
    code, stdout, err = run(
        capsys, command, "--profile", str(profile), "--nhs", nhs, "--out", str(out)
    )
    assert code == 1
    assert stdout == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("onerecord: ")
    assert message in lines[0]
    assert "Traceback" not in err
    assert list(out.parent.iterdir()) == []


@pytest.mark.parametrize("command", ["print-plan", "export"])
def test_unwritable_out_folder(
    profile: Path,
    planted: Planted,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    targets = [tmp_path / "missing" / "out.pdf", a_file / "out.pdf", tmp_path]
    if os.geteuid() != 0:  # root writes anywhere, so a read-only folder only stops others
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        targets.append(locked / "out.pdf")
    for target in targets:
        code, stdout, err = run(
            capsys, command, "--profile", str(profile), "--nhs", planted.nhs, "--out", str(target)
        )
        assert code == 1, target
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "Nothing was written" in lines[0], err
        assert stdout == ""
    assert not (tmp_path / "missing").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "demo") == sorted(
        ["not-a-folder", *(["locked"] if os.geteuid() != 0 else [])]
    )
    assert audited(profile, "plan_printed") == audited(profile, "record_exported") == []
