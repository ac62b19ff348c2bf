"""What the weekly caseload summary for the team meeting holds, read in one session:
the team's counts, each practitioner's load, the three charts, and the people who
need a decision this week (unallocated, at high risk, overdue plan review) with
their NHS number so the meeting can find them. weekly_summary_pdf.py lays it out;
weekly_summary.py saves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.reports.team_charts import (
    TeamCharts,
    caseload_chart,
    contacts_chart,
    monday_of,
    render_png,
    reviews_chart,
)
from app.services import clock
from app.services.team.team_caseload import AT_RISK_SCORE, TeamQuery, TeamRow, count_team, list_team
from app.services.team.team_counts import TeamCounts, count_in
from app.services.team.team_scope import TeamScope, team_scope
from app.workspace import Workspace
from storage import settings
from storage.tables import Team

ATTENTION_ROWS = 25  # per list; the rest are counted ("and 12 more")


@dataclass(frozen=True)
class AttentionList:
    title: str
    rows: list[TeamRow]
    total: int


@dataclass(frozen=True)
class WeeklySummary:
    team_name: str
    week_commencing: date
    generated_at: datetime
    counts: TeamCounts
    charts: TeamCharts
    chart_pngs: tuple[bytes, bytes, bytes]
    attention: list[AttentionList]


def _attention(session: Session, now: datetime, scope: TeamScope) -> list[AttentionList]:
    lists = []
    for title, query in (
        ("Unallocated: no lead professional", TeamQuery(unallocated=True, sort="risk")),
        (
            f"High risk (score {AT_RISK_SCORE} or more)",
            TeamQuery(min_risk=AT_RISK_SCORE, sort="risk", descending=True),
        ),
        ("Care plan review overdue", TeamQuery(plan_review="overdue", sort="plan_review_due")),
        ("Visit overdue", TeamQuery(next_visit="overdue", sort="next_visit_due")),
    ):
        query = TeamQuery(**{**vars(query), "as_of": now, "limit": ATTENTION_ROWS})
        rows = list_team(session, query, scope)
        lists.append(AttentionList(title, rows, count_team(session, query, scope)))
    return lists


def gather_summary(workspace: Workspace, *, now: datetime | None = None) -> WeeklySummary:
    now = now or clock.now()
    today = clock.local(now).date()
    with workspace.store.read() as session:
        team_id = settings.get(session, settings.HOME_TEAM)
        team = session.get(Team, team_id) if team_id else None
        scope = team_scope(session, workspace.actor)
        counts = count_in(session, scope, now=now)
        charts = TeamCharts(
            caseload_chart(session, now, scope),
            reviews_chart(session, today, scope),
            contacts_chart(session, today, scope),
        )
        attention = _attention(session, now, scope)
    pngs = (
        render_png(charts.caseload, width_px=1400, dpi=160),
        render_png(charts.reviews, width_px=1400, dpi=160),
        render_png(charts.contacts, width_px=1400, dpi=160),
    )
    return WeeklySummary(
        team_name=team.name if team else "Locality team",
        week_commencing=monday_of(today),
        generated_at=now,
        counts=counts,
        charts=charts,
        chart_pngs=pngs,
        attention=attention,
    )
