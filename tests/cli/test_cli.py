"""The `onerecord` command: each path, each exit code, one plain line for every user error."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import main
from app.workspace import Workspace
from tests.conftest import ALUN, PASSPHRASE, ZOE

ONERECORD = [sys.executable, "-m", "ui.launcher"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def profile(populated: Workspace, profile_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    populated.close()
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    return profile_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_formats(profile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--profile", str(profile))
    assert code == 0
    assert "999 000 0018" in out
    assert "O'Neill, Zoë" in out
    assert "(unallocated)" in out
    code, out, _ = run(capsys, "list", "--profile", str(profile), "--format", "json")
    people = json.loads(out)
    assert {p["nhs_number"] for p in people} == {ZOE, ALUN}
    code, out, _ = run(capsys, "list", "--profile", str(profile), "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["NHS number", "Name", "Date of birth", "Locality", "Lead professional"]
    assert len(rows) == 3


def test_show_note_and_edit(profile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "note",
        "add",
        "--profile",
        str(profile),
        "--nhs",
        "999 000 0018",
        "--text",
        "Visited; kettle tipper fitted.",
    )
    assert code == 0, err
    code, out, err = run(
        capsys,
        "edit",
        "--profile",
        str(profile),
        "--nhs",
        ZOE,
        "--set",
        "level_of_need=specialist",
        "--set",
        "language=Welsh",
    )
    assert code == 0, err
    code, out, _ = run(capsys, "show", "--profile", str(profile), "--nhs", ZOE, "--format", "json")
    record = json.loads(out)
    assert record["person"]["level_of_need"] == "specialist"
    assert record["person"]["language"] == "Welsh"
    assert record["contact_notes"][0]["narrative"] == "Visited; kettle tipper fitted."
    code, out, _ = run(capsys, "check", "--profile", str(profile))
    assert code == 0
    assert "All checks passed." in out
    code, out, _ = run(capsys, "audit", "verify", "--profile", str(profile))
    assert code == 0
    assert "Audit log intact" in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["edit", "--nhs", "9990000019", "--set", "town=Leyburn"], 1, "check digit is wrong"),
        (
            ["edit", "--nhs", "9990000000", "--set", "town=Leyburn"],
            1,
            "no number can have those first nine digits",
        ),
        (["edit", "--nhs", "99900000", "--set", "town=Leyburn"], 1, "10 digits"),
        (["edit", "--nhs", "999000001X", "--set", "town=Leyburn"], 1, "only digits"),
        (["edit", "--nhs", "2222222222", "--set", "town=Leyburn"], 1, "placeholder"),
        (["edit", "--nhs", ZOE, "--set", "date_of_birth=2999-01-01"], 1, "future"),
        (
            ["edit", "--nhs", ZOE, "--set", "date_of_birth=30/02/1950"],
            1,
            "not a date of birth I can read",
        ),
        (["edit", "--nhs", ZOE, "--set", "family_name="], 1, "family name cannot be empty"),
        (["edit", "--nhs", ZOE, "--set", "shoe_size=9"], 1, "not a field you can edit"),
        (
            ["edit", "--nhs", "9990000034", "--set", "town=Leyburn"],
            1,
            "No one with NHS number 999 000 0034",
        ),
        (["show", "--nhs", ZOE, "--format", "xml"], 2, "invalid choice"),
        (["frobnicate"], 2, "invalid choice"),
    ],
)
def test_user_errors_are_one_plain_line(
    profile: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    argv = [args[0], "--profile", str(profile), *args[1:]] if args[0] != "frobnicate" else args
    try:
        result = main(argv)
    except SystemExit as exit_info:  # argparse's usage errors
        result = int(exit_info.code or 0)
    _, err = capsys.readouterr()
    assert result == code
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_errors_change_nothing(profile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (profile / "onerecord.db").stat().st_size
    code, _, err = run(
        capsys,
        "edit",
        "--profile",
        str(profile),
        "--nhs",
        ZOE,
        "--set",
        "level_of_need=specialist",
        "--set",
        "date_of_birth=2999-01-01",
    )
    assert code == 1
    assert "future" in err
    code, out, _ = run(capsys, "show", "--profile", str(profile), "--nhs", ZOE)
    assert json.loads(out)["person"]["level_of_need"] == "targeted"
    assert (profile / "onerecord.db").stat().st_size >= before


def test_wrong_passphrase_exits_3(
    profile: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONERECORD_PASSPHRASE", "not the right one")
    code, _, err = run(capsys, "list", "--profile", str(profile))
    assert code == 3
    assert err.strip() == "onerecord: That passphrase does not unlock this profile."


def test_missing_profile_exits_4(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    code, _, err = run(capsys, "list", "--profile", str(tmp_path / "none"))
    assert code == 4
    assert "no OneRecord profile" in err
    assert err.count("\n") == 1


def test_damaged_profile_exits_4(profile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (profile / "keyvault.json").write_text("garbage")
    code, _, err = run(capsys, "list", "--profile", str(profile))
    assert code == 4
    assert "damaged" in err


def test_passphrase_file_and_no_passphrase(
    profile: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ONERECORD_PASSPHRASE")
    secret = tmp_path / "secret"
    secret.write_text(PASSPHRASE + "\n")
    code, out, _ = run(capsys, "list", "--profile", str(profile), "--passphrase-file", str(secret))
    assert code == 0
    assert "Pritchard" in out
    code, _, err = run(
        capsys, "list", "--profile", str(profile), "--passphrase-file", str(tmp_path / "absent")
    )
    assert code == 2
    assert "Cannot read the passphrase file" in err


def test_passwd(
    profile: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONERECORD_NEW_PASSPHRASE", "an entirely new passphrase")
    code, out, err = run(capsys, "passwd", "--profile", str(profile))
    assert code == 0, err
    code, _, _ = run(capsys, "list", "--profile", str(profile))
    assert code == 3
    monkeypatch.setenv("ONERECORD_PASSPHRASE", "an entirely new passphrase")
    code, out, _ = run(capsys, "list", "--profile", str(profile))
    assert code == 0
    assert "Pritchard" in out


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [*ONERECORD, *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_real_command_init_and_errors_without_tracebacks(tmp_path: Path) -> None:
    """The installed entry point, end to end, in its own process."""
    env = {"ONERECORD_PASSPHRASE": "correct horse battery staple", "HOME": str(tmp_path)}
    target = tmp_path / "new-profile"
    done = _cli(
        "init", "--profile", str(target), "--user", "Ceri Jones", "--role", "social_worker", env=env
    )
    assert done.returncode == 0, done.stderr
    assert (target / "onerecord.db").exists()
    again = _cli("init", "--profile", str(target), env=env)
    assert again.returncode == 1
    assert "already exists" in again.stderr
    weak = _cli(
        "init", "--profile", str(tmp_path / "weak"), env={**env, "ONERECORD_PASSPHRASE": "short"}
    )
    assert weak.returncode == 2  # a refused passphrase is said like a usage error
    assert "at least 10 characters" in weak.stderr
    assert not (tmp_path / "weak").exists()
    wrong = _cli(
        "list", "--profile", str(target), env={**env, "ONERECORD_PASSPHRASE": "wrong passphrase"}
    )
    assert wrong.returncode == 3
    usage = _cli("list", "--profile", str(target), "--format", "yaml", env=env)
    assert usage.returncode == 2
    no_pass = _cli(
        "list", "--profile", str(target), env={"ONERECORD_PASSPHRASE": "", "HOME": str(tmp_path)}
    )
    assert no_pass.returncode == 2
    assert "No passphrase" in no_pass.stderr
    for result in (again, weak, wrong, usage, no_pass):
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
