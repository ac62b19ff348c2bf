"""`onerecord reablement`, `hospital`, `experience` and `plan review | scale`: the
services' checks from a script (one plain line, exit 1, nothing written) and what was
recorded shown by `onerecord show`. Dates are counted back from the clock's today."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from app.cli.main import main
from app.services import clock
from app.services.care import care_plan
from app.services.record.people import find
from app.workspace import Workspace
from tests.conftest import PASSPHRASE, ZOE


@pytest.fixture
def profile(populated: Workspace, profile_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    with populated.store.read() as session:
        zoe = find(session, ZOE).id
    care_plan.add_goal(populated, person_id=zoe, statement="I want to make my own breakfast")
    populated.close()
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    return profile_path


def _day(days_ago: int) -> str:
    return (clock.today() - timedelta(days=days_ago)).isoformat()


def _run(profile: Path, *argv: str) -> int:
    command, *rest = argv
    words = command.split()
    return main([*words, "--profile", str(profile), *rest])


def _show(profile: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    assert _run(profile, "show", "--nhs", ZOE) == 0
    shown: dict[str, Any] = json.loads(capsys.readouterr().out)
    return shown


def test_an_episode_from_start_to_its_91_day_check(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    goal = _show(profile, capsys)["care_plan"]["goals"][0]["id"]
    left = _day(100)
    start = ["reablement start", "--nhs", ZOE, "--on", left, "--left-hospital", left]
    assert _run(profile, *start, "--until", _day(40)) == 1
    assert "say why this one is planned longer" in capsys.readouterr().err
    assert _show(profile, capsys)["reablement_episodes"] == []
    assert _run(profile, *start, "--goal", goal) == 0
    episode = _show(profile, capsys)["reablement_episodes"][0]["id"]
    assert _run(profile, *start) == 1
    assert "already has a reablement episode" in capsys.readouterr().err
    assert _run(profile, "reablement end", "--id", episode, "--outcome", "cured") == 1
    assert "'cured' is not one of" in capsys.readouterr().err
    end = ["reablement end", "--id", episode, "--outcome", "reduced_support", "--on", _day(60)]
    assert _run(profile, *end) == 0
    check = ["reablement check", "--id", episode, "--result", "at_home"]
    assert _run(profile, *check, "--on", _day(10)) == 1
    assert "on or after day 91" in capsys.readouterr().err
    assert _run(profile, *check) == 0
    shown = _show(profile, capsys)
    (row,) = shown["reablement_episodes"]
    assert (row["outcome"], row["follow_up_result"], row["follow_up_on"]) == (
        "reduced_support",
        "at_home",
        clock.today().isoformat(),
    )
    assert [g["reablement_episode_id"] for g in shown["care_plan"]["goals"]] == [episode]


def test_reviews_events_and_answers(profile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    goal = _show(profile, capsys)["care_plan"]["goals"][0]["id"]
    assert _run(profile, "plan scale", "--goal", goal, "--baseline", "-1") == 0
    assert _run(profile, "plan review", "--goal", goal, "--result", "partly", "--score", "3") == 1
    assert "from -2 to 2" in capsys.readouterr().err
    assert _run(profile, "plan review", "--goal", "no-such", "--result", "achieved") == 1
    assert "not in this person's plan" in capsys.readouterr().err
    review = ["plan review", "--goal", goal, "--result", "partly", "--score", "0"]
    assert _run(profile, *review) == 0
    event = ["hospital add", "--nhs", ZOE, "--kind", "unplanned_admission"]
    assert _run(profile, *event, "--on", (clock.today() + timedelta(days=1)).isoformat()) == 1
    assert _run(profile, *event, "--on", _day(30), "--hospital", "Airedale") == 0
    answers = ["experience", "--nhs", ZOE, "--answer", "tell_story_once=no"]
    assert _run(profile, *answers, "--answer", "team_talks=maybe") == 1
    assert "'maybe' is not one of" in capsys.readouterr().err
    assert _run(profile, *answers, "--answer", "goals") == 1
    assert "statement=answer" in capsys.readouterr().err
    assert _run(profile, *answers, "--by", "together") == 0
    shown = _show(profile, capsys)
    assert [(r["result"], r["gas_score"]) for r in shown["goal_reviews"]] == [("partly", 0)]
    assert shown["care_plan"]["goals"][0]["gas_baseline"] == -1
    assert [(h["kind"], h["hospital"]) for h in shown["hospital_events"]] == [
        ("unplanned_admission", "Airedale")
    ]
    assert [
        (a["statement"], a["answer"], a["answered_by"]) for a in shown["experience_answers"]
    ] == [("tell_story_once", "no", "together")]
