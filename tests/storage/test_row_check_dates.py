"""A pulled date is stored as the text it comes in (storage/rawwrite.py), so only the
journal's own form is believed: another ISO 8601 form would be stored, then fail
every read of the record. A time with any offset is believed and stored as UTC:
only the journal's own UTC form is reshaped without parsing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import DateTime

from storage.rawwrite import stored_form
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


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-05T10:00:00+00:00",
        "2026-12-05T10:00:00.123456+00:00",
        "2026-12-05T11:00:00.000452+01:00",
        "2026-12-05T10:00:00Z",
        "2026-W49-6T10:00:00+00:00",
        "20261205T100000.000+00:00",
    ],
)
def test_a_time_with_its_offset_is_believed_and_stored_as_utc(text: str) -> None:
    assert value_problem(ContactNote, "occurred_at", text) is None
    expected = datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    assert stored_form(DateTime())(text) == expected


@pytest.mark.parametrize(
    "text", ["2026-12-05T10:00:00", "2026-12-05 10:00:00.000000", "2026-02-30T10:00:00+00:00"]
)
def test_a_time_without_an_offset_or_impossible_is_not(text: str) -> None:
    assert value_problem(ContactNote, "occurred_at", text) == "occurred_at is not a date and time"
