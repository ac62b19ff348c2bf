"""A pulled date or time is stored as the text it comes in (storage/rawwrite.py), so
only the journal's own form is believed: another ISO 8601 form would be stored
garbled or fail every read of the record."""

from __future__ import annotations

import pytest

from storage.row_check import value_problem
from storage.tables import ContactNote, Person


@pytest.mark.parametrize("text", ["1938-04-12", "2028-02-29"])
def test_the_journals_form_is_a_date(text: str) -> None:
    assert value_problem(Person, "date_of_birth", text) is None


@pytest.mark.parametrize(
    "text", ["19380412", "1938-W15-2", "1938-4-12", "2027-02-29", "12/04/1938"]
)
def test_any_other_form_is_not(text: str) -> None:
    assert value_problem(Person, "date_of_birth", text) == "date_of_birth is not a date"


@pytest.mark.parametrize("text", ["2026-12-05T10:00:00+00:00", "2026-12-05T10:00:00.123456+00:00"])
def test_the_journals_form_is_a_time(text: str) -> None:
    assert value_problem(ContactNote, "occurred_at", text) is None


@pytest.mark.parametrize(
    "text",
    [
        "2026-W01-1T12:00:00+00:00",
        "20260101T120000.000+00:00",
        "2026-12-05T10:00:00+01:00",
        "2026-12-05T10:00:00Z",
        "2026-12-05T10:00:00",
        "2026-02-30T10:00:00+00:00",
    ],
)
def test_any_other_form_is_not_a_time(text: str) -> None:
    assert value_problem(ContactNote, "occurred_at", text) == "occurred_at is not a date and time"
