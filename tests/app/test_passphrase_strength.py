"""Weak and common passphrases are refused, with zxcvbn's reasons in plain words,
wherever a passphrase is chosen: `onerecord init`, `passwd` and `demo` (here, one line
on stderr and exit code 2) and the first-run window (tests/ui/test_first_run_passphrase.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli.main import main
from app.errors import InvalidInputError
from app.services.profile.passphrase_strength import (
    TOO_GUESSABLE,
    TOO_SHORT,
    WeakPassphraseError,
    weakness,
)
from app.services.profile.profile_setup import create_profile, passphrase_problem
from app.workspace import change_passphrase, create, profile_exists, unlock
from tests.conftest import FAST_KDF, PASSPHRASE

# Found in a few guesses: a common password, the same with the usual decorations, two
# keyboard walks, a sequence, and the app's own name with a year.
WEAK = {
    "common": ("password12", "This is a very common password."),
    "decorated": ("Password123!", "This is similar to a commonly used password."),
    "keyboard walk": ("qwertyuiop", "This is a top-100 common password."),
    "keyboard row": ("asdfghjkl;", "Straight rows of keys are easy to guess."),
    "sequence": ("abcdefghijkl", 'Sequences like "abc" or "6543" are easy to guess.'),
    "the app's name": ("onerecord2024", "Add another word or two."),
}
STRONG = "kettle moorland lantern"
# Every passphrase the project documents or its tests and benchmarks use.
IN_USE = (
    "demo-only-not-secret",  # README, scripts/start, the screenshots
    PASSPHRASE,
    STRONG,
    "a brand new passphrase",
    "an entirely new passphrase",
    "a new long passphrase",
    "another long passphrase",
    "correct horse battery staple",
    "benchmark passphrase, synthetic data only",
    "fixture profile passphrase, synthetic data only",
    "bench only, not a secret passphrase",
)


@pytest.mark.parametrize("why", list(WEAK))
def test_weak_passphrases_are_refused_with_the_reason(why: str) -> None:
    passphrase, reason = WEAK[why]
    said = weakness(passphrase)
    assert said is not None
    assert said.startswith(TOO_GUESSABLE) and reason in said
    assert "\n" not in said and passphrase not in said


@pytest.mark.parametrize("passphrase", IN_USE)
def test_the_passphrases_in_use_pass(passphrase: str) -> None:
    assert weakness(passphrase) is None


def test_short_and_personal_passphrases() -> None:
    assert weakness("short") == TOO_SHORT
    # The person's own name and organisation are among the first guesses.
    assert weakness("Quillfeather1938") is None
    assert weakness("Quillfeather1938", ("Ceri Quillfeather",)) is not None
    assert weakness("wharfedalecraven", ("Wharfedale and Craven Trust",)) is not None
    # Long input is judged on its first 72 characters (zxcvbn refuses more).
    assert weakness("password" * 12) is not None
    assert weakness(STRONG * 5) is None


def test_every_way_of_choosing_a_passphrase_refuses_a_weak_one(tmp_path: Path) -> None:
    with pytest.raises(WeakPassphraseError):  # the user's own name, as init makes it
        create(tmp_path / "p", "Quillfeather1938", user_name="Ceri Quillfeather", kdf=FAST_KDF)
    for passphrase, _ in WEAK.values():
        with pytest.raises(WeakPassphraseError):
            create(tmp_path / "p", passphrase, kdf=FAST_KDF)
        assert not profile_exists(tmp_path / "p")
        assert passphrase_problem(passphrase, passphrase) is not None
        with pytest.raises(WeakPassphraseError):
            create_profile(
                tmp_path / "p",
                user_name="Sam Taylor",
                role="community_nurse",
                organisation="Dales Community Health",
                passphrase=passphrase,
                confirmation=passphrase,
                kdf=FAST_KDF,
            )
    ws = create(tmp_path / "q", PASSPHRASE, kdf=FAST_KDF)
    ws.close()
    with pytest.raises(WeakPassphraseError):
        change_passphrase(tmp_path / "q", PASSPHRASE, "Password123!")
    unlock(tmp_path / "q", PASSPHRASE).close()  # unchanged
    # A mismatch is still its own, plainer error.
    with pytest.raises(InvalidInputError, match="different"):
        create_profile(
            tmp_path / "r",
            user_name="Sam Taylor",
            role="community_nurse",
            organisation="Dales Community Health",
            passphrase=STRONG,
            confirmation=STRONG + "x",
            kdf=FAST_KDF,
        )


def _run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    *args: str,
) -> tuple[int, str, str]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("why", ["common", "decorated", "keyboard walk"])
def test_the_cli_refuses_a_weak_passphrase_in_one_line(
    why: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    weak, reason = WEAK[why]
    target = tmp_path / "profile"
    for command in ("init", "demo"):
        args = [command, "--profile", str(target)] + (
            ["--people", "3"] if command == "demo" else []
        )
        code, out, err = _run(capsys, monkeypatch, {"ONERECORD_PASSPHRASE": weak}, *args)
        assert code == 2, (command, err)
        assert err.count("\n") == 1 and err.startswith("onerecord: ") and reason in err
        assert weak not in err and out == ""
        assert not profile_exists(target)
    code, _, err = _run(
        capsys, monkeypatch, {"ONERECORD_PASSPHRASE": PASSPHRASE}, "init", "--profile", str(target)
    )
    assert code == 0, err
    code, out, err = _run(
        capsys, monkeypatch, {"ONERECORD_NEW_PASSPHRASE": weak}, "passwd", "--profile", str(target)
    )
    assert code == 2 and err.count("\n") == 1 and reason in err
    unlock(target, PASSPHRASE).close()  # the old passphrase still opens it
    code, out, err = _run(
        capsys,
        monkeypatch,
        {"ONERECORD_NEW_PASSPHRASE": STRONG},
        "passwd",
        "--profile",
        str(target),
    )
    assert code == 0, err
    unlock(target, STRONG).close()


def test_the_demo_passphrase_makes_a_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "demo"
    code, out, err = _run(
        capsys,
        monkeypatch,
        {"ONERECORD_PASSPHRASE": "demo-only-not-secret"},
        "demo",
        "--profile",
        str(target),
        "--people",
        "3",
    )
    assert code == 0, err
    assert "Created a demo profile" in out
