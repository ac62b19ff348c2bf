"""`onerecord assessment`: the joint initial assessment part by part from a script,
with the app's own checks (one plain line, nothing written), and shown as it stands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import main
from app.errors import NotFoundError
from app.services.care import care_plan
from app.services.record import people
from app.workspace import Workspace, unlock
from tests.conftest import PASSPHRASE, ZOE


@pytest.fixture
def profile(populated: Workspace, profile_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    populated.close()
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    return profile_path


def _show(profile: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    assert (
        main(["assessment", "show", "--profile", str(profile), "--nhs", ZOE, "--format", "json"])
        == 0
    )
    shown: dict[str, object] = json.loads(capsys.readouterr().out)
    return shown


def test_parts_recorded_revised_and_shown(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    part = ["assessment", "part", "--profile", str(profile), "--nhs", ZOE]
    assert main([*part, "--part", "health", "--findings", "Leg ulcer, left."]) == 0
    assert "signed by you" in capsys.readouterr().out
    assert (
        main(
            [
                *part,
                "--part",
                "daily_living",
                "--findings",
                "Cannot bathe alone.",
                "--needs-help-with",
                "personal_hygiene,nutrition",
                "--in-plan",
            ]
        )
        == 0
    )
    shown = _show(profile, capsys)
    parts = shown["parts"]
    assert isinstance(parts, list)
    assert [(p["part"], p["needs_help_with"], p["shown_in_plan"]) for p in parts] == [
        ("health", [], False),
        ("daily_living", ["nutrition", "personal_hygiene"], True),
    ]
    assert shown["consent_recorded"] is False
    assert "health" not in shown["still_to_do"]  # type: ignore[operator]

    health_id = parts[0]["id"]
    revise = ["assessment", "revise", "--profile", str(profile), "--id", health_id]
    assert main([*revise, "--findings", "Leg ulcer, left; healing."]) == 0
    revised = _show(profile, capsys)["parts"]
    assert isinstance(revised, list) and revised[0]["findings"] == "Leg ulcer, left; healing."

    capsys.readouterr()
    assert main(["assessment", "show", "--profile", str(profile), "--nhs", ZOE]) == 0
    text = capsys.readouterr().out
    assert "Daily living (Care Act outcomes)" in text
    assert (
        "Needs help with: Managing and maintaining nutrition; Maintaining personal hygiene" in text
    )
    assert "Consent to share: not yet asked" in text


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--part", "health", "--findings", "x", "--needs-help-with", "nutrition"], "daily living"),
        (["--part", "finances", "--findings", "x"], "is not one of"),
        (["--part", "health", "--findings", " "], "Enter the findings"),
        (["--part", "health", "--findings", "x", "--on", "31/02/2026"], "date"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    profile: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    part = ["assessment", "part", "--profile", str(profile), "--nhs", ZOE]
    assert main([*part, *extra]) == 1
    err = capsys.readouterr().err
    assert err.startswith("onerecord: ") and message in err and err.count("\n") == 1
    assert _show(profile, capsys)["parts"] == []


def test_capacity_and_a_standalone_assessment(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--profile", str(profile), "--nhs", ZOE]
    capacity = ["assessment", "capacity", *base, "--decision", "Where to live"]
    assert main([*capacity, "--outcome", "lacks_capacity"]) == 1
    assert "Say how the test was applied" in capsys.readouterr().err
    assert main([*capacity, "--outcome", "has_capacity"]) == 0
    add = ["assessment", "add", *base, "--kind", "Falls risk", "--findings", "Two falls."]
    assert main(add) == 0
    capsys.readouterr()
    assert main(["show", *base]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [a["assessment_type"] for a in shown["assessments"]] == ["Falls risk"]
    assert [m["decision"] for m in shown["mental_capacity"]] == ["Where to live"]


def test_plan_end_takes_a_strength_out_of_the_plan(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = unlock(profile, PASSPHRASE)
    try:
        with ws.store.read() as session:
            zoe = people.find(session, ZOE).id
        strength = care_plan.save_strength(ws, person_id=zoe, description="Loves a chat")
    finally:
        ws.close()
    end = ["plan", "end", "--profile", str(profile), "--kind", "strength"]
    assert main([*end, "--id", "no-such-id"]) == NotFoundError.exit_code
    assert "no longer in the plan" in capsys.readouterr().err
    assert main([*end, "--id", str(strength.entity_id)]) == 0
    assert "Ended" in capsys.readouterr().out
    assert main(["show", "--profile", str(profile), "--nhs", ZOE]) == 0
    shown = json.loads(capsys.readouterr().out)
    (kept,) = shown["care_plan"]["strengths"]
    assert kept["ended_on"] is not None  # kept in the record, with the day it ended


def test_the_plan_is_written_from_a_script(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--profile", str(profile), "--nhs", ZOE]
    assert (
        main(
            [
                "plan",
                "need",
                *base,
                "--text",
                "Getting in the bath",
                "--outcome",
                "personal_hygiene",
            ]
        )
        == 0
    )
    need_id = capsys.readouterr().out.rsplit("id ", 1)[1].rstrip(").\n")
    assert main(["plan", "goal", *base, "--text", "to bathe", "--need", need_id]) == 1
    assert "I" in capsys.readouterr().err  # goals are in the person's words: "I want..."
    assert (
        main(["plan", "goal", *base, "--text", "I want to bathe on my own", "--need", need_id]) == 0
    )
    goal_id = capsys.readouterr().out.rsplit("id ", 1)[1].rstrip(").\n")
    action = ["plan", "action", "--profile", str(profile), "--goal", goal_id]
    assert main([*action, "--text", "Fit a bath board", "--who", "Otto (OT)"]) == 0
    assert main(["plan", "strength", *base, "--text", "Determined"]) == 0
    contingency = ["plan", "contingency", *base, "--name", "If she falls"]
    assert main([*contingency, "--trigger", "A fall", "--then", "Press the pendant"]) == 0
    capsys.readouterr()
    assert main(["show", *base]) == 0
    plan = json.loads(capsys.readouterr().out)["care_plan"]
    assert [n["description"] for n in plan["needs"]] == ["Getting in the bath"]
    (goal,) = plan["goals"]
    assert goal["need_id"] == need_id and goal["actions"][0]["what"] == "Fit a bath board"
    assert [c["name"] for c in plan["contingency_plans"]] == ["If she falls"]


def test_the_persons_say_on_printing_a_part(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    part = ["assessment", "part", "--profile", str(profile), "--nhs", ZOE]
    assert main([*part, "--part", "risks", "--findings", "Fell twice."]) == 0
    part_id = capsys.readouterr().out.rsplit("id ", 1)[1].rstrip(").\n")
    agree = ["assessment", "agree", "--profile", str(profile), "--id", part_id]
    assert main([*agree, "--shown", "yes"]) == 0
    (shown,) = _show(profile, capsys)["parts"]  # type: ignore[misc]
    assert shown["shown_in_plan"] is True
    revise = ["assessment", "revise", "--profile", str(profile), "--id", part_id]
    assert main([*revise, "--findings", "Fell twice since August."]) == 0
    (shown,) = _show(profile, capsys)["parts"]  # type: ignore[misc]
    assert shown["shown_in_plan"] is True  # a revision keeps the person's say
