"""`onerecord person add` and `person nhs-number`: registering from a script or a
terminal, with the app's own checks; a possible duplicate is refused with one plain
line naming who it may be, and nothing is written."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli.main import main
from app.errors import AccessDeniedError
from app.services import clock
from app.workspace import Workspace, unlock
from storage.tables import Person, PlannedVisit
from tests.conftest import PASSPHRASE, ZOE


@pytest.fixture
def profile(populated: Workspace, profile_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    populated.close()
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    return profile_path


def _people(profile: Path) -> int:
    ws = unlock(profile, PASSPHRASE)
    try:
        with ws.store.read() as session:
            return int(session.execute(select(func.count()).select_from(Person)).scalar_one())
    finally:
        ws.close()


def _add(profile: Path, *extra: str) -> list[str]:
    return ["person", "add", "--profile", str(profile), *extra]


def test_person_add_registers_and_refuses_a_possible_duplicate(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    details = [
        "--given",
        "Zoe",
        "--family",
        "ONEILL",
        "--born",
        "12/04/1938",
        "--postcode",
        "dl83ab",
    ]
    assert main(_add(profile, *details)) == 1
    _, err = capsys.readouterr()
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "may be someone already in this profile: Zoë O'Neill, born 12 April 1938" in err
    assert _people(profile) == 2

    assert main(_add(profile, *details, "--different-person", "--format", "json")) == 0
    made = json.loads(capsys.readouterr().out)
    assert made["nhs_number"] is None and made["person_id"]
    assert _people(profile) == 3

    assert (
        main(
            [
                "person",
                "nhs-number",
                "--profile",
                str(profile),
                "--person",
                made["person_id"],
                "--number",
                "999 000 0034",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == "NHS number recorded.\n"
    assert main(["show", "--profile", str(profile), "--nhs", "9990000034"]) == 0
    assert json.loads(capsys.readouterr().out)["person"]["given_name"] == "Zoe"


def test_person_add_text_and_bad_input(profile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ok = ["--given", "Gwen", "--family", "Hughes", "--born", "1944-07-01", "--postcode", "LL57 2DG"]
    assert main(_add(profile, *ok, "--nhs", "9990000034")) == 0
    assert capsys.readouterr().out == "Registered Gwen Hughes (NHS number 999 000 0034).\n"
    assert main(_add(profile, *ok, "--nhs", "9990000035")) == 1
    assert "check digit" in capsys.readouterr().err
    assert (
        main(
            _add(
                profile,
                "--given",
                "A",
                "--family",
                "B",
                "--born",
                "2999-01-01",
                "--postcode",
                "LL57 2DG",
            )
        )
        == 1
    )
    assert "future" in capsys.readouterr().err
    assert _people(profile) == 3


def test_note_amend_adds_a_correction_with_its_reason(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["note", "add", "--profile", str(profile), "--nhs", ZOE, "--text", "Gave 20 mg."]) == 0
    )
    capsys.readouterr()
    assert main(["show", "--profile", str(profile), "--nhs", ZOE]) == 0
    notes = json.loads(capsys.readouterr().out)["contact_notes"]
    note_id = next(n["id"] for n in notes if n["narrative"] == "Gave 20 mg.")
    amend = ["note", "amend", "--profile", str(profile), "--nhs", ZOE, "--note", note_id]
    assert main([*amend, "--text", "Gave 40 mg.", "--reason", " "]) == 1
    assert "Enter the reason for the correction" in capsys.readouterr().err
    assert main([*amend, "--text", "Gave 40 mg.", "--reason", "Wrong dose"]) == 0
    assert capsys.readouterr().out == "Correction saved beside the note.\n"
    assert main(["show", "--profile", str(profile), "--nhs", ZOE]) == 0
    notes = json.loads(capsys.readouterr().out)["contact_notes"]
    fixed = next(n for n in notes if n["amends_id"] == note_id)
    assert (fixed["narrative"], fixed["amendment_reason"]) == ("Gave 40 mg.", "Wrong dose")
    assert any(n["id"] == note_id and n["narrative"] == "Gave 20 mg." for n in notes)


def test_person_close_and_reopen(profile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    close = ["person", "close", "--profile", str(profile), "--nhs", ZOE]
    assert main([*close, "--reason", "retired"]) == 1
    assert "retired" in capsys.readouterr().err
    assert main([*close, "--reason", "care_home"]) == 0
    assert capsys.readouterr().out == "Case closed: off the active lists, the record kept.\n"
    assert main(["list", "--profile", str(profile), "--format", "json"]) == 0
    assert ZOE not in {p["nhs_number"] for p in json.loads(capsys.readouterr().out)}
    assert main(["person", "reopen", "--profile", str(profile), "--nhs", ZOE]) == 0
    assert capsys.readouterr().out == "Case reopened.\n"
    assert main(["list", "--profile", str(profile), "--format", "json"]) == 0
    assert ZOE in {p["nhs_number"] for p in json.loads(capsys.readouterr().out)}


def test_person_add_plans_the_first_visit_and_leaves_the_lead_to_the_coordinator(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--given", "Edith", "--family", "Kowalczyk", "--born", "1941-02-03"]
    base += ["--postcode", "DL8 4QQ"]
    assert main(_add(profile, *base, "--lead", "Sam Taylor")) == AccessDeniedError.exit_code
    assert "Only the team's coordinator" in capsys.readouterr().err
    assert main(_add(profile, *base, "--first-visit", "next tuesday")) == 1
    err = capsys.readouterr().err
    assert "is not a date and time" in err and err.count("\n") == 1
    assert _people(profile) == 2  # nothing written by either
    when = (clock.today() + timedelta(days=2)).isoformat() + "T10:30"
    assert main(_add(profile, *base, "--first-visit", when)) == 0
    ws = unlock(profile, PASSPHRASE)
    try:
        with ws.store.read() as session:
            (visit,) = session.execute(select(PlannedVisit)).scalars()
            assert visit.purpose == "First visit" and visit.assigned_to_id == ws.actor.user_id
            assert clock.local(visit.due_at).strftime("%H:%M") == "10:30"
    finally:
        ws.close()


def test_a_new_referral_for_someone_registered(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--profile", str(profile), "--nhs", ZOE]
    referral = ["referral", *base, "--referred-by", "gp", "--reason", "Falls again"]
    assert main([*referral, "--first-contact", "2020-01-01"]) == 1
    assert "before the referral arrived" in capsys.readouterr().err
    assert main(["person", "close", *base, "--reason", "discharged"]) == 0
    assert main(referral) == 1
    assert "reopen it first" in capsys.readouterr().err
    assert main(["person", "reopen", *base]) == 0
    assert main([*referral, "--urgency", "urgent"]) == 0
    capsys.readouterr()
    assert main(["show", *base]) == 0
    (kept,) = json.loads(capsys.readouterr().out)["referrals"]
    assert (kept["source"], kept["reason"], kept["urgency"]) == ("gp", "Falls again", "urgent")
    assert kept["first_contact_due"] == (clock.today() + timedelta(days=1)).isoformat()
