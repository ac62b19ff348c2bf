"""How values look: British dates, ages, counts; the stylesheet and the command line."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import resources
from ui.app_main import parse_args
from ui.kit.formatting import age_on, alert_labels, alert_short_labels, british_date, people_count


def test_british_dates() -> None:
    assert british_date(date(1940, 11, 22)) == "22 Nov 1940"
    assert british_date(date(2026, 3, 5)) == "5 Mar 2026"
    assert british_date(None) == ""
    assert british_date(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)).endswith("Jul 2026")


@pytest.mark.parametrize(
    ("today", "age"),
    [(date(2026, 11, 21), 85), (date(2026, 11, 22), 86), (date(2027, 1, 1), 86)],
)
def test_age_turns_over_on_the_birthday(today: date, age: int) -> None:
    assert age_on(date(1940, 11, 22), today) == age


@pytest.mark.parametrize(
    ("total", "searching", "text"),
    [
        (5000, False, "5,000 people"),
        (1, False, "1 person"),
        (0, False, "No one on the caseload yet"),
        (3, True, "3 people match"),
        (1, True, "1 person matches"),
        (0, True, "No one matches"),
    ],
)
def test_people_count(total: int, searching: bool, text: str) -> None:
    assert people_count(total, searching=searching) == text


def test_alert_labels_are_plain_english() -> None:
    assert alert_labels(("dnacpr", "lone_worker")) == "DNACPR, Lone-worker risk"
    assert alert_labels(()) == ""
    assert alert_short_labels(("access_to_home", "allergy", "lone_worker")) == (
        "Access, Allergy, Lone worker"
    )


def test_the_stylesheet_ships_with_the_focus_ring_and_nhs_blue() -> None:
    qss = resources.stylesheet()
    assert "#FFEB3B" in qss
    assert "#005EB8" in qss
    assert "font-size: 16px" in qss


def test_the_profile_option(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert parse_args(["--profile", str(tmp_path)]).profile == tmp_path
    monkeypatch.setenv("ONERECORD_PROFILE", str(tmp_path / "env"))
    assert parse_args([]).profile == tmp_path / "env"
