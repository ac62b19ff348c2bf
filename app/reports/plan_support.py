"""The printed plan's "Telecare and my personal budget": the equipment in the home
(what it is, who comes when it raises an alarm, when it is next tested, and a plain
note when it still runs over an analogue phone line), and the personal budget where
the person has one (what kind, how much for what period, how it is managed, what it
pays for). Both are projections of the record's SupportView, so the plan says what
the record says; nothing is printed for a person who has neither."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from reportlab.platypus import Flowable, KeepTogether, Spacer

from app.reports.plan_model import long_date
from app.reports.print_style import bold, markup
from app.services.record.record_snapshot import RecordSnapshot
from app.services.support.support_view import BudgetRow, TelecareRow, support_view
from app.values.money import pounds

if TYPE_CHECKING:
    from app.reports.plan_pdf_sections import PlanStory

HEADING = "Telecare and my personal budget"
LINE_NOTE = (
    "Still on an analogue phone line: it needs moving to a digital line before the "
    "analogue network is switched off"
)
# "£245.50 a week".
_EVERY = {"week": "a week", "month": "a month", "year": "a year"}


@dataclass(frozen=True)
class PlanSupport:
    telecare: tuple[TelecareRow, ...]  # in use, the soonest test due first
    budgets: tuple[BudgetRow, ...]  # running on the day printed


def support_content(snap: RecordSnapshot, today: date) -> PlanSupport | None:
    view = support_view(snap, today)
    support = PlanSupport(view.in_use, view.running_budgets(today))
    return support if support.telecare or support.budgets else None


def amount_text(budget: BudgetRow) -> str:
    every = _EVERY.get(budget.period_code, f"each {budget.period.lower()}")
    return f"{pounds(budget.amount_pence)} {every}"


def draw_support(story: PlanStory) -> None:
    support = story.c.support
    if support is None:
        return
    story.heading(HEADING)
    for item in support.telecare:
        story.story.append(KeepTogether(_telecare(story, item)))
    for budget in support.budgets:
        story.story.append(KeepTogether(_budget(story, budget)))


def _telecare(story: PlanStory, item: TelecareRow) -> list[Flowable]:
    who = item.responder
    if item.responder_detail:
        who += f": {item.responder_detail}"
    rows = [("Who responds", markup(who))]
    if item.installed_on is not None:
        rows.append(("Installed", markup(long_date(item.installed_on))))
    rows.append(("Tested", _tested(story, item)))
    if item.analogue_line:
        rows.append(("Phone line", bold(LINE_NOTE)))
    return [
        story.p(markup(item.what), story.st.subheading),
        story.record(rows),
        Spacer(1, story.st.sizes.body * 0.3),
    ]


def _tested(story: PlanStory, item: TelecareRow) -> str:
    last = (
        f"Last tested on {markup(long_date(item.last_tested_on))}. "
        if item.last_tested_on
        else "No test recorded yet. "
    )
    if item.due_on is None:
        return last + "Ask your telecare provider when it is next due."
    if item.overdue:
        return last + f"The next test is {story.late(item.due_on)}: please ask for it."
    return last + f"Next test due by {markup(long_date(item.due_on))}."


def _budget(story: PlanStory, budget: BudgetRow) -> list[Flowable]:
    rows = [
        ("Amount", bold(amount_text(budget))),
        ("How it is managed", markup(budget.managed_as)),
    ]
    if budget.pays_for.strip():
        rows.append(("What it pays for", markup(budget.pays_for.strip())))
    rows.append(("Since", markup(long_date(budget.started_on))))
    if budget.ended_on is not None:
        rows.append(("Until", markup(long_date(budget.ended_on))))
    return [
        story.p(markup(f"My {budget.kind.lower()}"), story.st.subheading),
        story.record(rows),
        Spacer(1, story.st.sizes.body * 0.3),
    ]
