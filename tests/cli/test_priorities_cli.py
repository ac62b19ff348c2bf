"""`onerecord priorities weights`: the team's weights beside the defaults and who last
changed them; a coordinator changes them with --set and --reason; anyone else, or a
factor or weight the definition refuses, gets one plain line and nothing is written.
`onerecord edit --set lives_alone=...` records "lives alone" (blank: not
recorded)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli.main import main
from app.services.record.people import find
from app.values.vocab import Role
from app.workspace import Workspace, unlock
from storage.tables import Person
from tests.conftest import PASSPHRASE, ZOE
from tests.team_helpers import team_profile


def _run(profile: Path, *argv: str) -> int:
    return main(["priorities", "weights", "--profile", str(profile), *argv])


def test_a_coordinator_sees_and_changes_the_weights(
    populated: Workspace,
    profile_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    profile = team_profile(populated, profile_path, monkeypatch, Role.COORDINATOR.value)
    assert _run(profile) == 0
    out = capsys.readouterr().out
    assert "falls" in out and "Falls risk open" in out
    assert "The team uses the default weights (never changed)." in out
    assert _run(profile, "--set", "falls=5", "--set", "no-contact=0", "--reason", "Winter") == 0
    out = capsys.readouterr().out
    assert "Team weights changed." in out
    falls = next(line for line in out.splitlines() if line.startswith("falls "))
    assert falls.split()[1:3] == ["5*", "2"]
    assert 'by Sam Taylor: "Winter".' in out


@pytest.mark.parametrize(
    ("argv", "said", "code"),
    [
        (("--set", "star_sign=3"), "onerecord: 'star_sign' is not a priority factor.\n", 1),
        (("--set", "falls=11"), "must be a whole number from 0 to 10.\n", 1),
        (("--set", "falls=lots"), "must be a whole number from 0 to 10.\n", 1),
        (("--set", "falls"), "Give each weight as FACTOR=N", 1),
        (("--reason", "why"), "A --reason goes with the weights it explains", 1),
    ],
)
def test_what_the_definition_refuses_is_one_plain_line_and_nothing_written(
    populated: Workspace,
    profile_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    said: str,
    code: int,
) -> None:
    profile = team_profile(populated, profile_path, monkeypatch, Role.COORDINATOR.value)
    assert _run(profile, *argv) == code
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1 and "Traceback" not in err
    assert _run(profile) == 0
    assert "never changed" in capsys.readouterr().out


def test_a_nurse_is_refused_in_one_plain_line(
    populated: Workspace,
    profile_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    profile = team_profile(populated, profile_path, monkeypatch, Role.COMMUNITY_NURSE.value)
    assert _run(profile, "--set", "falls=5") == 5
    err = capsys.readouterr().err
    assert err == (
        "onerecord: Only the team's coordinator can change the team's priority weights.\n"
    )
    assert _run(profile) == 0
    out = capsys.readouterr().out
    assert "never changed" in out and "Only the team's coordinator can change them." in out


def test_lives_alone_is_recorded_by_person_edit(
    populated: Workspace, profile_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    populated.close()
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    base = ["edit", "--profile", str(profile_path), "--nhs", ZOE]

    def lives_alone() -> bool | None:
        ws = unlock(profile_path, PASSPHRASE)
        try:
            with ws.store.read() as s:
                person: Person = find(s, ZOE)
                return person.lives_alone
        finally:
            ws.close()

    assert lives_alone() is None
    assert main([*base, "--set", "lives_alone=yes"]) == 0
    assert lives_alone() is True
    assert main([*base, "--set", "lives_alone=no"]) == 0
    assert lives_alone() is False
    assert main([*base, "--set", "lives_alone="]) == 0
    assert lives_alone() is None


def test_the_list_from_a_script(
    populated: Workspace,
    profile_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app.services import clock
    from storage.tables import HospitalEvent

    with populated.store.write(populated.actor) as s:
        zoe = find(s, ZOE)
        s.add(
            HospitalEvent(person_id=zoe.id, kind="unplanned_admission", occurred_on=clock.today())
        )
    profile = team_profile(populated, profile_path, monkeypatch, Role.COORDINATOR.value)
    assert main(["priorities", "list", "--profile", str(profile)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("A prompt for the team's discussion, not a clinical decision")
    assert out[1].startswith("Your team's open caseload: 2 people")
    # Zoë first, with her admission in words; Alun after, with nothing that scores.
    assert out[2].startswith("   1.   3  O'Neill, Zoë (")
    assert "1 unplanned admission since" in out[2]
    assert out[3].startswith("   2.") and "Pritchard, Alun" in out[3]


def test_an_administrator_has_no_list(
    populated: Workspace,
    profile_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    profile = team_profile(populated, profile_path, monkeypatch, Role.ADMINISTRATOR.value)
    assert main(["priorities", "list", "--profile", str(profile)]) == 5
    assert capsys.readouterr().err == (
        "onerecord: Administrators have no priority list: it is for the people a"
        " practitioner works with.\n"
    )
