"""`onerecord contact add`, `about-me` and `consent`: keeping the record from a script,
with the app's own checks (one plain line, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import main
from app.workspace import Workspace
from tests.conftest import PASSPHRASE, ZOE


@pytest.fixture
def profile(populated: Workspace, profile_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    populated.close()
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    return profile_path


def _show(profile: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    assert main(["show", "--profile", str(profile), "--nhs", ZOE]) == 0
    shown: dict[str, object] = json.loads(capsys.readouterr().out)
    return shown


def test_contacts_about_me_and_consent_from_a_script(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--profile", str(profile), "--nhs", ZOE]
    carer = ["contact", "add", *base, "--set", "name=Dee O'Neill", "--set", "relationship=daughter"]
    assert main([*carer, "--set", "is_main_carer=yes", "--set", "is_key_holder=yes"]) == 0
    pro = ["contact", "add", *base, "--professional", "--set", "name=Dr Rao"]
    assert main([*pro, "--set", "role=GP", "--set", "is_key_worker=yes"]) == 0
    assert main(["about-me", *base, "--set", "most_important=My cat, Biscuit"]) == 0
    assert main(["about-me", *base, "--set", "how_i_communicate=Speak up; I lip-read"]) == 0
    assert main(["consent", *base, "--category", "all", "--decision", "given"]) == 0
    shown = _show(profile, capsys)
    (dee,) = shown["personal_contacts"]  # type: ignore[misc]
    assert dee["name"] == "Dee O'Neill" and dee["is_main_carer"] and dee["is_key_holder"]
    (rao,) = shown["professional_contacts"]  # type: ignore[misc]
    assert rao["role"] == "GP" and rao["is_key_worker"]
    about = shown["about_me"]
    assert isinstance(about, dict)
    # The second save kept the first prompt: only what was given changes.
    assert about["most_important"] == "My cat, Biscuit"
    assert about["how_i_communicate"] == "Speak up; I lip-read"
    (decision,) = shown["consent"]  # type: ignore[misc]
    assert (decision["category"], decision["decision"]) == ("all", "given")


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["contact", "add", "--set", "name=Dee", "--set", "shoe_size=9"], "not a contact field"),
        (["contact", "add", "--set", "relationship=daughter"], "Enter the name"),
        (["contact", "add", "--set", "name=Dee", "--set", "phone=call me"], "phone"),
        (["about-me", "--set", "favourite_colour=blue"], "not an About me prompt"),
        (["consent", "--category", "all", "--decision", "refused"], "Say why consent was refused"),
        (["consent", "--partner", "nobody", "--category", "all", "--decision", "given"], "partner"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    profile: Path, capsys: pytest.CaptureFixture[str], command: list[str], message: str
) -> None:
    before = _show(profile, capsys)
    assert main([*command, "--profile", str(profile), "--nhs", ZOE]) != 0
    err = capsys.readouterr().err
    assert err.startswith("onerecord: ") and message in err and err.count("\n") == 1, err
    after = _show(profile, capsys)
    for section in ("personal_contacts", "about_me", "consent"):
        assert after[section] == before[section]
