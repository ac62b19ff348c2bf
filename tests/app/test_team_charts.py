"""Chart data against the small hand-built team, and the PNGs really are PNGs."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image

from app.reports.team_charts import TeamCharts, describe, gather_charts, render_png
from app.workspace import Workspace
from tests.app.team_data import NOW, build_team, sign_in_as


@pytest.fixture
def charts(workspace: Workspace) -> TeamCharts:
    build_team(workspace)
    return gather_charts(workspace, now=NOW)


def test_caseload_per_practitioner_by_level_of_need(charts: TeamCharts) -> None:
    bars = charts.caseload
    assert bars.categories == ["Ceri Jones", "Ola Nowak", "Unallocated"]
    assert bars.series == {
        "Universal": [0, 1, 0],
        "Targeted": [1, 0, 1],
        "Specialist": [1, 0, 0],
    }
    assert bars.total("Ceri Jones") == 2


def test_reviews_due_by_week_for_eight_weeks(charts: TeamCharts) -> None:
    reviews = charts.reviews
    assert reviews.categories[0] == "w/c 16 Nov" and len(reviews.categories) == 8
    # Bryn's plan on 20 Nov (this week), Cerys's on 10 Dec (week 4); Ada's risk on 1 Dec.
    # Overdue reviews (Ada's plan and consent, Bryn's risk) and closed cases are not "due".
    assert reviews.series["Care plan"] == [1, 0, 0, 1, 0, 0, 0, 0]
    assert reviews.series["Risk"] == [0, 0, 1, 0, 0, 0, 0, 0]
    assert reviews.series["Consent"] == [0] * 8


def test_contacts_per_week_by_agency_for_six_months(charts: TeamCharts) -> None:
    contacts = charts.contacts
    assert len(contacts.weeks) == 26
    assert contacts.weeks[-1] == date(2026, 11, 16) and contacts.weeks[0] == date(2026, 5, 25)
    assert list(contacts.series) == ["Dales Community Health", "Dales Council"]
    trust, council = contacts.series["Dales Community Health"], contacts.series["Dales Council"]
    assert trust[24] == 2 and sum(trust) == 2  # w/c 9 Nov
    assert council[23] == 1 and council[24] == 1 and sum(council) == 2  # March is too old
    assert "Dales Council 2" in describe(contacts)


def test_each_chart_renders_to_a_real_png(charts: TeamCharts) -> None:
    for chart in (charts.caseload, charts.reviews, charts.contacts):
        png = render_png(chart)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert 10_000 < len(png) < 500_000
        with Image.open(io.BytesIO(png)) as image:
            assert image.format == "PNG" and image.size == (960, 480)
            # Not a blank canvas: the bars and lines put many colours on it.
            assert len(image.convert("RGB").getcolors(maxcolors=100_000) or []) > 20


def test_an_empty_team_still_draws(workspace: Workspace) -> None:
    sign_in_as(workspace)
    charts = gather_charts(workspace, now=NOW)
    assert charts.caseload.categories == [] and charts.contacts.series == {}
    assert render_png(charts.contacts).startswith(b"\x89PNG")
    assert render_png(charts.caseload).startswith(b"\x89PNG")
