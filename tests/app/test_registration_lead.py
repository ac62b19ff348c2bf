"""The coordinator names the lead professional as they register someone from a
referral, and the first visit is planned for that lead; nobody else may name a
lead (as with allocation), and a lead must hold a caseload: all or nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.errors import AccessDeniedError, InvalidInputError
from app.services import clock
from app.services.record.referrals import NewReferral
from app.services.record.registration import (
    NewPerson,
    first_contact_visit,
    lead_choices,
    register_person,
)
from app.workspace import Workspace
from storage.tables import ChangeRecord, Person, PlannedVisit
from tests.app.access_data import Scene, build_scene, sign_in

NEW = NewPerson("", "Edith", "Kowalczyk", "1941-02-03", "DL8 4QQ")
REFERRAL = NewReferral(source="hospital_discharge", reason="Home after a fall")


@pytest.fixture
def scene(populated: Workspace) -> Scene:
    return build_scene(populated)


def _changes(ws: Workspace) -> int:
    with ws.store.read() as session:
        return int(session.execute(select(func.count()).select_from(ChangeRecord)).scalar_one())


def test_the_coordinator_names_the_lead_and_the_first_visit_is_theirs(
    populated: Workspace, scene: Scene
) -> None:
    coordinator = sign_in(populated, scene, "cora")
    leads = dict(lead_choices(coordinator))
    assert scene.staff["sol"] in leads and scene.staff["adam"] not in leads  # no caseload
    visit_at = clock.now() + timedelta(days=1)
    change = register_person(
        coordinator,
        NEW,
        referral=REFERRAL,
        first_visit_at=visit_at,
        lead_professional_id=scene.staff["sol"],
    )
    with coordinator.store.read() as session:
        person = session.get(Person, change.person_id)
        assert person is not None and person.lead_professional_id == scene.staff["sol"]
        (visit,) = session.execute(
            select(PlannedVisit).where(PlannedVisit.person_id == person.id)
        ).scalars()
        assert visit.assigned_to_id == scene.staff["sol"]


def test_only_the_coordinator_names_a_lead_and_only_one_who_holds_a_caseload(
    populated: Workspace, scene: Scene
) -> None:
    nurse = sign_in(populated, scene, "nia")
    assert lead_choices(nurse) == ()
    before = _changes(populated)
    with pytest.raises(AccessDeniedError, match="Only the team's coordinator"):
        register_person(nurse, NEW, lead_professional_id=scene.staff["sol"])
    coordinator = sign_in(populated, scene, "cora")
    with pytest.raises(InvalidInputError, match="does not hold a caseload"):
        register_person(coordinator, NEW, lead_professional_id=scene.staff["adam"])
    assert _changes(populated) == before


def test_a_named_lead_gets_the_first_visit_on_the_day_first_contact_is_due(
    populated: Workspace, scene: Scene
) -> None:
    """Home from hospital: first contact is due the next day; naming the lead plans
    that visit for them (10:00) without a time being chosen."""
    coordinator = sign_in(populated, scene, "cora")
    change = register_person(
        coordinator, NEW, referral=REFERRAL, lead_professional_id=scene.staff["otto"]
    )
    with coordinator.store.read() as session:
        (visit,) = session.execute(
            select(PlannedVisit).where(PlannedVisit.person_id == change.person_id)
        ).scalars()
    expected = first_contact_visit(clock.today() + timedelta(days=1))
    assert visit.due_at == expected and visit.assigned_to_id == scene.staff["otto"]
    assert clock.local(visit.due_at).date() == clock.today() + timedelta(days=1)
    # No lead named: no visit is made up (the registering person plans their own).
    other = register_person(
        coordinator,
        NewPerson("", "Ada", "Kowalczyk", "1950-03-04", "DL8 4QQ"),
        referral=REFERRAL,
    )
    with coordinator.store.read() as session:
        assert (
            session.execute(
                select(PlannedVisit).where(PlannedVisit.person_id == other.person_id)
            ).first()
            is None
        )


@pytest.mark.parametrize(
    ("due", "now", "expected"),
    [
        # Home from hospital yesterday evening: first contact tomorrow, at 10:00.
        ("2026-12-08", "2026-12-07 21:30", "2026-12-08 10:00"),
        # Due today and 10:00 still to come.
        ("2026-12-08", "2026-12-08 07:15", "2026-12-08 10:00"),
        # Due today, 10:00 gone: the next hour of the working day.
        ("2026-12-08", "2026-12-08 14:20", "2026-12-08 15:00"),
        # Overdue, late in the day: 10:00 tomorrow, never at night.
        ("2026-12-05", "2026-12-08 17:30", "2026-12-09 10:00"),
        ("2026-12-05", "2026-12-08 23:40", "2026-12-09 10:00"),
        # Overdue, before the working day starts: 10:00 today.
        ("2026-12-05", "2026-12-08 02:00", "2026-12-08 10:00"),
        # British Summer Time: 10:00 on the wall clock, 09:00 UTC.
        ("2026-06-09", "2026-06-08 12:00", "2026-06-09 10:00"),
    ],
)
def test_the_first_visits_time_is_in_the_working_day(due: str, now: str, expected: str) -> None:
    moment = datetime.fromisoformat(now).replace(tzinfo=clock.LOCAL).astimezone(UTC)
    planned = first_contact_visit(date.fromisoformat(due), moment)
    assert clock.local(planned).strftime("%Y-%m-%d %H:%M") == expected
