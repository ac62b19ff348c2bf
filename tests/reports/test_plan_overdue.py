"""The printed plan says what is overdue in words (app/values/overdue.py's rule, counted
from the day it is printed): goal targets, actions, risk and consent reviews already gone
read "overdue since …", never as dates still ahead; finished work and dates due on the
day do not. Read back with pdfplumber, never through our own code."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pdfplumber
import pytest

from app.reports.plan_model import ActionItem, Contact, GoalItem, PlanContent, RiskItem
from app.reports.plan_pdf import build_plan_pdf
from app.reports.printing import load_plan
from app.workspace import Workspace
from tests.reports.conftest import Planted

NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)  # printed on Sunday 22 November 2026
YESTERDAY = date(2026, 11, 21)
TODAY = date(2026, 11, 22)
WHO = Contact("Sam Taylor", "Community nurse")


def _action(what: str, code: str, due: date, when: str | None = None) -> ActionItem:
    return ActionItem(
        what, WHO, when, due, code.replace("_", " ").capitalize(), code, None, None, None
    )


def _goal(statement: str, code: str, target: date, *actions: ActionItem) -> GoalItem:
    status = code.replace("_", " ").capitalize()
    return GoalItem(statement, statement, 7, status, code, target, None, None, actions)


def _pages(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return " ".join(page.extract_text() or "" for page in pdf.pages)


def _says(data: bytes, phrase: str, *, slack: int = 6) -> bool:
    """Whether the printout says `phrase`: its words in order, with at most `slack` others
    between them, since a table's cells wrap side by side and a reader's text interleaves
    them ("review overdue since 2 review November 2026")."""
    words = [w.strip(".,;|()") for w in _pages(data).split()]
    wanted = [w.strip(".,;|()") for w in phrase.split()]
    for start, word in enumerate(words):
        if word != wanted[0]:
            continue
        at, found = start, 1
        for at in range(start + 1, min(len(words), start + len(wanted) + slack)):
            if found < len(wanted) and words[at] == wanted[found]:
                found += 1
        if found == len(wanted):
            return True
    return False


def _overdue_count(data: bytes) -> int:
    return len(re.findall(r"\boverdue\b", _pages(data), flags=re.IGNORECASE))


def _only(content: PlanContent, **parts: Any) -> PlanContent:
    """The planted plan with only `parts` dated: the demo's own dates (relative to the
    real day it was made) never reach the count."""
    plan = dataclasses.replace(content.plan, review_due=None)
    empty = {"goals": (), "risks": (), "sharing": (), "contingency": ()}
    return dataclasses.replace(content, plan=plan, **(empty | parts))


@pytest.mark.parametrize("large_print", [False, True])
def test_past_dates_print_as_overdue(demo: Workspace, planted: Planted, large_print: bool) -> None:
    content = load_plan(demo, planted.nhs, now=NOW)
    goals = (
        _goal(
            "I want to walk to the post office",
            "in_progress",
            YESTERDAY,
            _action("Practise the stairs daily", "in_progress", YESTERDAY, when="Every morning"),
            _action("Order a walking frame", "planned", YESTERDAY),
            _action("Fit the rail", "done", date(2026, 11, 1)),
            _action("Check the frame", "planned", TODAY),
        ),
        _goal("I want to cook my own tea", "not_started", TODAY),
        _goal("I want to get back to church", "achieved", date(2026, 10, 4)),
    )
    risks = (
        RiskItem("Falls", "Falls at night", "Night light", "High", WHO, date(2026, 11, 2)),
        RiskItem("Scalds", "Scalds", "Kettle tipper", "Low", None, TODAY),
    )
    rendered = build_plan_pdf(
        _only(content, goals=goals, risks=risks),
        large_print=large_print,
    )
    pdf = rendered.data

    # The open goal whose target is gone: said in words, in place of a date ahead.
    assert _says(pdf, "Overdue since 21 November 2026")
    # Actions: under way or planned, past due, are overdue; done and due today are not.
    assert _says(pdf, "Every morning; overdue since 21 November 2026")
    assert _says(pdf, "by 1 November 2026") and _says(pdf, "by 22 November 2026")
    # A goal due today and an achieved one are never overdue.
    assert _says(pdf, "4 October 2026")
    # An active risk whose review date has passed; one due today is not late yet.
    assert _says(pdf, "review overdue since 2 November 2026")
    assert _says(pdf, "review by 22 November 2026")
    # Exactly the overdue ones: goal 1, two of its actions, one risk.
    assert _overdue_count(pdf) == 4


def test_a_consent_review_already_gone_prints_as_overdue(demo: Workspace, planted: Planted) -> None:
    content = load_plan(demo, planted.nhs, now=NOW)
    given = [s for s in content.sharing if s.decision_code == "given" and not s.withdrawn_on]
    assert given, "the planted person has consent given"
    late = dataclasses.replace(given[0], review_on=YESTERDAY)
    on_the_day = dataclasses.replace(late, review_on=TODAY)
    for item, expected in (
        (late, "Review overdue since 21 November 2026"),
        (on_the_day, "Review by 22 November 2026"),
    ):
        assert _says(build_plan_pdf(dataclasses.replace(content, sharing=(item,))).data, expected)


def test_a_plan_printed_a_day_later_reads_differently(demo: Workspace, planted: Planted) -> None:
    """What is overdue counts from the day the plan is printed, not from when it was loaded."""
    content = load_plan(demo, planted.nhs, now=NOW)
    goal = _goal("I want to garden again", "in_progress", TODAY)
    content = _only(content, goals=(goal,))
    tomorrow = dataclasses.replace(content, printed_at=NOW + timedelta(days=1))
    assert _overdue_count(build_plan_pdf(content).data) == 0
    assert _says(build_plan_pdf(tomorrow).data, "Overdue since 22 November 2026")
