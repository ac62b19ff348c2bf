"""Registering someone from a referral or a first visit: the same person is looked
for first (by NHS number; else by family name, date of birth and postcode, however
they were typed) and offered, not created; a person may be registered before their
NHS number is known, and found by it once it is recorded."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInputError
from app.services import clock
from app.services.record import people
from app.services.record.person_match import SAME_DETAILS, SAME_NHS_NUMBER, match_key
from app.services.record.referrals import NewReferral
from app.services.record.registration import (
    AlreadyRegisteredError,
    NewPerson,
    PossibleDuplicateError,
    find_matches,
    record_nhs_number,
    register_person,
)
from app.workspace import Workspace
from storage.tables import AuditEvent, ChangeRecord, Person
from tests.conftest import ALUN, ZOE

NEW_NHS = "9990000034"


def _counts(ws: Workspace) -> tuple[int, int]:
    with ws.store.read() as session:
        people_count = session.execute(select(func.count()).select_from(Person)).scalar_one()
        changes = session.execute(select(func.count()).select_from(ChangeRecord)).scalar_one()
    return people_count, changes


def test_folding_ignores_accents_case_spacing_and_punctuation() -> None:
    assert match_key("Wiśniewska-Łukasz") == match_key("WISNIEWSKA LUKASZ")
    assert match_key("O'Neill") == match_key("o neill") == "oneill"
    assert match_key("DL8 3AB") == match_key("dl83ab")
    assert match_key("Zoë") != match_key("Zoe Ann")


def test_the_same_nhs_number_is_never_registered_twice(populated: Workspace) -> None:
    before = _counts(populated)
    new = NewPerson(ZOE, "Zoe", "Oneill", "1938-04-12", "DL8 3AB")
    (match,) = find_matches(populated, new)
    assert match.why == SAME_NHS_NUMBER and match.name == "Zoë O'Neill"
    with pytest.raises(AlreadyRegisteredError, match="999 000 0018 is already in this profile"):
        register_person(populated, new, different_person=True)  # never, whatever is said
    assert _counts(populated) == before


def test_the_same_name_birth_and_postcode_however_typed_is_offered_not_created(
    populated: Workspace,
) -> None:
    before = _counts(populated)
    # No NHS number yet, accents and apostrophe dropped, postcode run together.
    new = NewPerson("", "Zoe", "ONEILL", "12/04/1938", "dl83ab")
    (match,) = find_matches(populated, new)
    assert match.why == SAME_DETAILS and match.nhs_number == ZOE
    with pytest.raises(PossibleDuplicateError) as offered:
        register_person(populated, new)
    assert "Zoë O'Neill, born 12 April 1938, DL8 3AB" in str(offered.value)
    assert [m.person_id for m in offered.value.matches] == [match.person_id]
    assert _counts(populated) == before

    # A different person after all (twins share a birthday and a home): said, registered.
    change = register_person(populated, new, different_person=True)
    with populated.store.read() as session:
        twin = session.get(Person, change.person_id)
        assert twin is not None and twin.nhs_number is None and twin.given_name == "Zoe"
    assert _counts(populated)[0] == before[0] + 1


def test_a_person_without_an_nhs_number_is_registered_and_found_by_it_later(
    populated: Workspace,
) -> None:
    change = register_person(
        populated,
        NewPerson(
            "", "Gwen", "Hughes", "1944-07-01", "LL57 2DG", town="Bangor", phone="01248 000111"
        ),
    )
    pid = change.person_id
    assert pid is not None and change.touches("caseload")
    with populated.store.read() as session:
        person = people.find(session, pid)  # by person id until the number is known
        assert person.nhs_number is None and person.town == "Bangor"
        registered = session.execute(
            select(AuditEvent).where(
                AuditEvent.action == "person_registered", AuditEvent.person_id == pid
            )
        ).scalar_one()
        assert '"nhs_number_known": false' in (registered.detail or "")
    with pytest.raises(AlreadyRegisteredError):  # Zoë's: never a second person's
        record_nhs_number(populated, pid, ZOE)
    record_nhs_number(populated, pid, NEW_NHS)
    with populated.store.read() as session:
        assert people.find(session, NEW_NHS).id == pid
    with pytest.raises(InvalidInputError, match="already has an NHS number"):
        record_nhs_number(populated, pid, "9990000042")


def test_people_unlike_anyone_here_are_registered_without_question(populated: Workspace) -> None:
    new = NewPerson(NEW_NHS, "Alun", "Pritchard", "1951-10-31", "BD23 1JD")  # a day apart
    assert find_matches(populated, new) == []
    assert register_person(populated, new).person_id
    assert ALUN != NEW_NHS


def test_a_referral_is_registered_with_the_person_and_shown_and_exported(
    populated: Workspace,
) -> None:
    from app.reports.fhir import export_fhir
    from app.services.record.record import open_record

    received = clock.today() - timedelta(days=1)
    change = register_person(
        populated,
        NewPerson(NEW_NHS, "Gwen", "Hughes", "1944-07-01", "LL57 2DG"),
        referral=NewReferral(
            source="hospital_discharge",
            reason="Home after a fall; lives alone",
            referrer_name="Ward 7 discharge team",
            received_on=received,
        ),
    )
    assert change.person_id
    (referral,) = open_record(populated, change.person_id).referrals
    assert referral.source == "hospital_discharge"
    assert referral.first_contact_due == received + timedelta(days=1)  # next day, any day
    bundle = json.loads(export_fhir(populated, NEW_NHS).json)
    (request,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "ServiceRequest"
    ]
    assert request["reasonCode"][0]["text"] == "Home after a fall; lives alone"
    assert request["requester"]["display"].startswith("Ward 7 discharge team")


@pytest.mark.parametrize(
    ("referral", "message"),
    [
        ({"source": "carrier_pigeon"}, "carrier_pigeon"),
        ({"source": "gp", "received_on": "2999-01-01"}, "still to come"),
        (
            {
                "source": "gp",
                "received_on": (clock.today() - timedelta(days=10)).isoformat(),
                "first_contact_due": (clock.today() - timedelta(days=11)).isoformat(),
            },
            "before the referral arrived",
        ),
    ],
)
def test_a_bad_referral_registers_no_one(
    populated: Workspace, referral: dict[str, str], message: str
) -> None:
    before = _counts(populated)
    with pytest.raises(InvalidInputError, match=message):
        register_person(
            populated,
            NewPerson(NEW_NHS, "Gwen", "Hughes", "1944-07-01", "LL57 2DG"),
            referral=NewReferral(**referral),
        )
    assert _counts(populated) == before


def test_the_first_visit_is_planned_with_the_registration(populated: Workspace) -> None:
    from storage.tables import PlannedVisit

    soon = clock.now() + timedelta(days=1)
    change = register_person(
        populated,
        NewPerson(NEW_NHS, "Gwen", "Hughes", "1944-07-01", "LL57 2DG"),
        first_visit_at=soon,
    )
    with populated.store.read() as session:
        (visit,) = session.execute(
            select(PlannedVisit).where(PlannedVisit.person_id == change.person_id)
        ).scalars()
        assert (visit.purpose, visit.assigned_to_id) == ("First visit", populated.actor.user_id)
    before = _counts(populated)
    with pytest.raises(InvalidInputError, match="must be in the future"):
        register_person(
            populated,
            NewPerson("9990000042", "Huw", "Hughes", "1944-07-01", "LL57 2DG"),
            first_visit_at=clock.now() - timedelta(hours=1),
        )
    assert _counts(populated) == before
