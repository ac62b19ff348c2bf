"""The printed plan with a reablement episode under way: "Reablement until <planned
end>" and the goals it works on, on page one; never a goal attainment score or scale
(the issue: never the scores unless the team chooses, and nothing here chooses)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from app.reports.plan_model import long_date
from app.reports.printing import load_plan, render_plan, save_plan
from app.services import clock
from app.services.care import care_plan
from app.services.outcomes import episodes, goal_reviews
from app.services.record.people import find
from app.workspace import Workspace
from tests.conftest import ZOE
from tests.privacy_scan import pdf_text

WALK = "I want to walk to the village shop again"
WASH = "I want to get washed and dressed on my own"


def test_the_plan_says_until_when_and_which_goals_and_never_a_score(
    populated: Workspace, tmp_path: Path
) -> None:
    with populated.store.read() as s:
        zoe = find(s, ZOE).id
    walk = care_plan.add_goal(populated, person_id=zoe, statement=WALK, gas_baseline=-1)
    wash = care_plan.add_goal(populated, person_id=zoe, statement=WASH)
    started = clock.today() - timedelta(days=9)
    episodes.start_episode(
        populated,
        person_id=zoe,
        started_on=started,
        discharged_on=started,
        goal_ids=[str(walk.entity_id), str(wash.entity_id)],
    )
    goal_reviews.review_goal(populated, goal_id=str(walk.entity_id), result="achieved", gas_score=2)

    content = load_plan(populated, ZOE)
    assert content.reablement is not None
    assert content.reablement.planned_end_on == started + timedelta(days=42)
    assert set(content.reablement.goals) == {WALK, WASH}
    assert "gas" not in repr(content)  # no score or scale anywhere in what prints

    path = tmp_path / "plan.pdf"
    save_plan(populated, render_plan(populated, ZOE), path)
    text = " ".join(pdf_text(path).split())
    page_one = " ".join(pdf_text(path).split("\f")[0].split())
    assert f"Reablement until {long_date(started + timedelta(days=42))}" in page_one
    assert f"Working on: {WASH}" in text
    assert "+2" not in text
    assert "attainment" not in text.lower()


def test_no_episode_under_way_prints_no_reablement(populated: Workspace, tmp_path: Path) -> None:
    with populated.store.read() as s:
        zoe = find(s, ZOE).id
    started = clock.today() - timedelta(days=20)
    begun = episodes.start_episode(populated, person_id=zoe, started_on=started)
    episodes.end_episode(populated, episode_id=str(begun.entity_id), outcome="independent")
    assert load_plan(populated, ZOE).reablement is None
    path = tmp_path / "plan.pdf"
    save_plan(populated, render_plan(populated, ZOE), path)
    assert "Reablement" not in pdf_text(path)
