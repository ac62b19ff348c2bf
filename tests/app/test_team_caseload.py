"""The coordinator's team caseload and counts against a small team whose every figure is known."""

from __future__ import annotations

import pytest

from app.errors import InvalidInputError
from app.services.team.team_caseload import TeamQuery, fetch_team
from app.services.team.team_counts import team_counts
from app.workspace import Workspace
from tests.app.team_data import NOW, TODAY, Team, build_team


@pytest.fixture
def team(workspace: Workspace) -> Team:
    return build_team(workspace)


def _names(ws: Workspace, **kw: object) -> list[str]:
    total, rows = fetch_team(ws, TeamQuery(as_of=NOW, **kw))  # type: ignore[arg-type]
    assert total == len(rows)
    return [r.given_name for r in rows]


def test_every_open_person_with_lead_risk_and_dates(workspace: Workspace, team: Team) -> None:
    total, rows = fetch_team(workspace, TeamQuery(as_of=NOW))
    assert total == 4  # Efa's case is closed
    by_name = {r.given_name: r for r in rows}
    ada = by_name["Ada"]
    assert ada.lead_professional == "Ceri Jones" and ada.lead_professional_id == team.ceri
    assert ada.highest_risk == 20
    assert ada.last_contact is not None and ada.last_contact.date().isoformat() == "2026-11-12"
    assert ada.next_visit_due is not None and ada.next_visit_due.date().isoformat() == "2026-11-10"
    assert ada.plan_review_due is not None and ada.plan_review_due.isoformat() == "2026-11-01"
    assert ada.consent_review_due is not None and ada.consent_review_due.isoformat() == "2026-11-01"
    assert ada.open_conflicts == 1
    dev = by_name["Dev"]
    assert (
        dev.lead_professional is None and dev.plan_review_due is None and dev.last_contact is None
    )
    assert by_name["Cerys"].open_conflicts == 0 and by_name["Cerys"].highest_risk is None


def test_filters_in_sql(workspace: Workspace, team: Team) -> None:
    assert _names(workspace, unallocated=True) == ["Dev"]
    assert _names(workspace, lead_professional_id=team.ceri) == ["Ada", "Bryn"]
    assert _names(workspace, level_of_need="targeted") == ["Dev", "Bryn"]
    assert _names(workspace, min_risk=15) == ["Ada", "Dev"]
    assert _names(workspace, next_visit="overdue") == ["Ada", "Dev"]
    assert _names(workspace, plan_review="overdue") == ["Ada"]
    assert _names(workspace, consent_review_overdue=True) == ["Ada"]
    assert _names(workspace, risk_review_overdue=True) == ["Bryn"]
    assert _names(workspace, with_conflicts=True) == ["Ada"]
    assert _names(workspace, search="ashw") == ["Ada", "Cerys"]
    assert _names(workspace, include_closed=True, plan_review="overdue") == ["Ada", "Efa"]


def test_sorting_and_paging(workspace: Workspace, team: Team) -> None:
    assert _names(workspace, sort="risk", descending=True)[:2] == ["Ada", "Dev"]
    assert _names(workspace, sort="last_contact", descending=True) == [
        "Ada",
        "Bryn",
        "Cerys",
        "Dev",
    ]
    assert _names(workspace, sort="consent_review_due")[-1] == "Bryn"
    assert _names(workspace, sort="open_conflicts", descending=True)[0] == "Ada"
    assert _names(workspace, sort="plan_review_due", descending=True)[0] == "Cerys"
    total, page = fetch_team(workspace, TeamQuery(as_of=NOW, limit=2, offset=2))
    assert total == 4 and [r.given_name for r in page] == ["Dev", "Bryn"]
    with pytest.raises(InvalidInputError, match="Cannot sort by"):
        fetch_team(workspace, TeamQuery(sort="shoe_size"))


def test_counts_for_the_team_and_each_practitioner(workspace: Workspace, team: Team) -> None:
    counts = team_counts(workspace, now=NOW)
    assert counts.people == 4
    assert counts.unallocated == 1
    assert counts.overdue_plan_reviews == 1  # Ada (Efa is closed)
    assert counts.overdue_visits == 2  # Ada and Dev
    assert counts.at_risk == 2  # Ada 20, Dev 16
    assert counts.consent_reviews_overdue == 1
    assert counts.risk_reviews_overdue == 1
    assert counts.open_conflicts == 1
    loads = {p.name: p for p in counts.practitioners}
    ceri = loads["Ceri Jones"]
    assert (ceri.people, ceri.weighted) == (2, 3 + 2)
    assert ceri.by_level == {"universal": 0, "targeted": 1, "specialist": 1}
    assert (ceri.overdue_plan_reviews, ceri.overdue_visits) == (1, 1)
    assert (loads["Ola Nowak"].people, loads["Ola Nowak"].weighted) == (1, 1)
    # Active practitioners with nobody yet are listed (Tom); the inactive, the IG lead and
    # the signed-in coordinator (Sam) are not.
    assert loads["Tom Reed"].people == 0
    assert "Lee Former" not in loads and "Ivy Gov" not in loads and "Sam Taylor" not in loads
    assert counts.practitioners[0].name == "Ceri Jones"  # heaviest first
    assert TODAY.isoformat() == "2026-11-16"
