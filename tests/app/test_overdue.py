"""The one rule for "overdue" (app/values/overdue.py): its boundaries, and the Team
view's counts and filters agreeing with it row by row."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.services import clock
from app.services.team.team_caseload import TeamQuery, fetch_team
from app.services.team.team_counts import team_counts
from app.values import overdue
from app.workspace import Workspace
from storage import wallclock
from tests.app.team_data import NOW, TODAY, build_team

YESTERDAY = TODAY - timedelta(days=1)
TOMORROW = TODAY + timedelta(days=1)


def test_a_date_is_past_from_the_day_after_it_is_due() -> None:
    assert not overdue.past(TODAY, TODAY)  # due today: not overdue yet
    assert overdue.past(YESTERDAY, TODAY)
    assert not overdue.past(TOMORROW, TODAY)
    assert not overdue.past(None, TODAY)
    assert not overdue.plan_review_overdue(TODAY, TODAY)
    assert overdue.plan_review_overdue(YESTERDAY, TODAY)


@pytest.mark.parametrize(
    ("status", "late"),
    [
        ("not_started", True),
        ("in_progress", True),
        ("achieved", False),
        ("partially_achieved", False),
        ("not_achieved", False),
        ("discontinued", False),
    ],
)
def test_only_an_open_goal_is_overdue(status: str, late: bool) -> None:
    assert overdue.goal_overdue(status, YESTERDAY, TODAY) is late
    assert not overdue.goal_overdue(status, TODAY, TODAY)
    assert not overdue.goal_overdue(status, None, TODAY)


def test_an_achieved_goal_is_never_overdue_however_old() -> None:
    assert not overdue.goal_overdue("achieved", date(2000, 1, 1), TODAY)


@pytest.mark.parametrize(
    ("status", "late"),
    [("planned", True), ("in_progress", True), ("done", False), ("cancelled", False)],
)
def test_only_an_action_not_done_is_overdue(status: str, late: bool) -> None:
    assert overdue.action_overdue(status, YESTERDAY, TODAY) is late
    assert not overdue.action_overdue(status, TODAY, TODAY)


def test_risk_and_consent_reviews() -> None:
    assert overdue.risk_review_overdue("active", YESTERDAY, TODAY)
    assert not overdue.risk_review_overdue("active", TODAY, TODAY)
    assert not overdue.risk_review_overdue("closed", YESTERDAY, TODAY)
    assert overdue.consent_review_overdue("given", YESTERDAY, None, TODAY)
    assert not overdue.consent_review_overdue("given", TODAY, None, TODAY)
    assert not overdue.consent_review_overdue("given", YESTERDAY, YESTERDAY, TODAY)
    assert not overdue.consent_review_overdue("refused", YESTERDAY, None, TODAY)


@pytest.mark.parametrize(
    ("status", "late"),
    [("planned", True), ("done", False), ("cancelled", False), ("missed", False)],
)
def test_a_planned_visit_is_overdue_once_its_time_has_passed(status: str, late: bool) -> None:
    assert overdue.visit_overdue(status, NOW - timedelta(minutes=1), NOW) is late
    assert not overdue.visit_overdue(status, NOW + timedelta(minutes=1), NOW)
    assert not overdue.visit_overdue(status, None, NOW)


def test_today_comes_from_the_clock_seam(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(wallclock.CLOCK_DATE, "2028-02-29")
    today = clock.today()
    assert today == date(2028, 2, 29)
    assert overdue.past(date(2028, 2, 28), today)
    assert not overdue.past(date(2028, 2, 29), today)


def test_team_counts_and_filters_agree_with_the_rule(workspace: Workspace) -> None:
    """Every overdue count on the Team view's strip is the rule applied to each row."""
    build_team(workspace)
    _total, rows = fetch_team(workspace, TeamQuery(as_of=NOW))
    counts = team_counts(workspace, now=NOW)
    visits = [r.given_name for r in rows if overdue.visit_overdue("planned", r.next_visit_due, NOW)]
    plans = [r.given_name for r in rows if overdue.plan_review_overdue(r.plan_review_due, TODAY)]
    consent = [r for r in rows if overdue.past(r.consent_review_due, TODAY)]
    assert sorted(visits) == ["Ada", "Dev"]  # Ada's missed visit, though she has one ahead
    assert plans == ["Ada"]
    assert counts.overdue_visits == len(visits)
    assert counts.overdue_plan_reviews == len(plans)
    assert counts.consent_reviews_overdue == len(consent) == 1
    assert counts.risk_reviews_overdue == 1  # Bryn's active risk, review 1 Nov
    _n, filtered = fetch_team(workspace, TeamQuery(as_of=NOW, next_visit="overdue"))
    assert sorted(r.given_name for r in filtered) == sorted(visits)
    by_lead = {p.name: p for p in counts.practitioners}
    assert by_lead["Ceri Jones"].overdue_visits == 1  # Ada's; Bryn's is ahead
    assert by_lead["Ceri Jones"].overdue_plan_reviews == 1


def test_a_review_due_today_is_not_counted(workspace: Workspace) -> None:
    """The SQL side keeps the same boundary: due today is not overdue, yesterday is."""
    build_team(workspace)
    # Bryn's plan review is due 20 Nov: on the 20th it is not overdue; on the 21st it is.
    on_the_day = clock.at_local(date(2026, 11, 20), 23, 30)
    day_after = clock.at_local(date(2026, 11, 21), 0, 30)
    assert team_counts(workspace, now=on_the_day).overdue_plan_reviews == 1  # Ada only
    assert team_counts(workspace, now=day_after).overdue_plan_reviews == 2
