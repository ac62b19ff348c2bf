"""Registering and editing people: every rule has a plain message and nothing is half-written."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInputError, NotFoundError, ProfileExistsError
from app.services import clock
from app.services.record import people
from app.services.record.people import NewPerson, register
from app.workspace import Workspace
from storage.tables import ChangeRecord, Person
from tests.conftest import ALUN, ZOE

TOMORROW = "tomorrow"  # filled in when the test runs


def _person(ws: Workspace, nhs: str) -> Person:
    with ws.store.read() as session:
        return people.find(session, nhs)


def test_register_and_find(populated: Workspace) -> None:
    zoe = _person(populated, "999 000 0018")
    assert (zoe.given_name, zoe.family_name, zoe.postcode) == ("Zoë", "O'Neill", "DL8 3AB")
    with pytest.raises(NotFoundError, match="999 000 0034"):
        _person(populated, "9990000034")


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        (
            NewPerson("9990000034", "Ann", "", "1950-01-01", "DL8 3AB"),
            "family name cannot be empty",
        ),
        (
            NewPerson("9990000034", "Ann", "   ", "1950-01-01", "DL8 3AB"),
            "family name cannot be empty",
        ),
        (NewPerson("9990000035", "Ann", "Lee", "1950-01-01", "DL8 3AB"), "check digit"),
        (
            NewPerson(
                "9990000034",
                "Ann",
                "Lee",
                (clock.today() + timedelta(days=1)).isoformat(),
                "DL8 3AB",
            ),
            "future",
        ),
        (NewPerson("9990000034", "Ann", "Lee", "1850-01-01", "DL8 3AB"), "over 125"),
        (
            NewPerson("9990000034", "Ann", "Lee", "31/02/1950", "DL8 3AB"),
            "not a date of birth I can read",
        ),
        (
            NewPerson("9990000034", "Ann", "Lee", "1950-01-01", "not a postcode"),
            "not a UK postcode",
        ),
        (NewPerson(ZOE, "Ann", "Lee", "1950-01-01", "DL8 3AB"), "already in this profile"),
    ],
    ids=[
        "empty-family",
        "blank-family",
        "check-digit",
        "future-dob",
        "too-old",
        "impossible-date",
        "postcode",
        "duplicate",
    ],
)
def test_register_refuses_bad_input(populated: Workspace, new: NewPerson, reason: str) -> None:
    if new.date_of_birth == TOMORROW:
        # Tomorrow as the test runs, not as it was collected: a run can cross midnight.
        new = replace(new, date_of_birth=(clock.today() + timedelta(days=1)).isoformat())
    with populated.store.read() as session:
        before = session.execute(select(func.count()).select_from(ChangeRecord)).scalar()
    with pytest.raises((InvalidInputError, ProfileExistsError), match=reason):
        register(populated, new)
    with populated.store.read() as session:
        assert session.execute(select(func.count()).select_from(Person)).scalar() == 2
        assert session.execute(select(func.count()).select_from(ChangeRecord)).scalar() == before


def test_edit_applies_all_or_nothing(populated: Workspace) -> None:
    with pytest.raises(InvalidInputError, match="future"):
        people.edit(
            populated,
            ZOE,
            {
                "level_of_need": "specialist",
                "date_of_birth": (clock.today() + timedelta(days=3)).isoformat(),
            },
        )
    assert _person(populated, ZOE).level_of_need == "targeted"
    changed = people.edit(populated, ZOE, {"level_of_need": "Specialist", "large_print": "yes"})
    assert sorted(changed) == ["large_print", "level_of_need"]
    zoe = _person(populated, ZOE)
    assert (zoe.level_of_need, zoe.large_print) == ("specialist", True)


def test_unknown_and_malformed_fields_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="'favourite_colour' is not a field you can edit"):
        people.parse_assignments(["favourite_colour=blue"])
    with pytest.raises(InvalidInputError, match="FIELD=VALUE"):
        people.parse_assignments(["level_of_need"])
    assert people.parse_assignments(["level-of-need=specialist"]) == {"level_of_need": "specialist"}


def test_enumerated_fields_explain_their_choices(populated: Workspace) -> None:
    with pytest.raises(InvalidInputError, match="universal, targeted, specialist"):
        people.edit(populated, ALUN, {"level_of_need": "enormous"})


def test_a_case_is_closed_by_closing_it_not_by_editing_its_status(populated: Workspace) -> None:
    """Closing says why and names who still holds actions: `--set status=` would skip
    both, so it is refused with where to go instead."""
    for change in ({"status": "deceased"}, {"status": "closed"}):
        with pytest.raises(InvalidInputError, match="onerecord person close"):
            people.edit(populated, ALUN, change)
        with pytest.raises(InvalidInputError, match="onerecord person close"):
            people.parse_assignments([f"status={change['status']}"])
    assert _person(populated, ALUN).status == "open"
    with pytest.raises(InvalidInputError, match="before the date of birth"):
        people.edit(populated, ALUN, {"date_of_death": "1950-01-01"})


def test_lead_professional_by_name(populated: Workspace) -> None:
    people.edit(populated, ALUN, {"lead_professional": "sam taylor"})
    assert _person(populated, ALUN).lead_professional_id == populated.actor.user_id
    with pytest.raises(InvalidInputError, match="no one staff member"):
        people.edit(populated, ALUN, {"lead_professional": "Nobody Known"})
    people.edit(populated, ALUN, {"lead_professional": "unallocated"})
    assert _person(populated, ALUN).lead_professional_id is None
