"""The carer-strain check through the services: recorded with one of the person's
own carers and signed by whoever asked, read back as a trend with the team's prompt;
every bad input refused in one plain line with nothing written. The carer's
contingency plan: set, cleared, bounded. Dates count back from the clock's today."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.carers import contingency, strain
from app.services.carers.strain_trends import trend_text
from app.services.record.contacts import save_personal_contact
from app.services.record.people import find
from app.services.record.record import open_record
from app.workspace import Workspace
from storage.tables import AuditEvent, CarerStrainCheck, ChangeRecord, PersonalContact
from tests.conftest import ALUN, ZOE

LOW = [0] * 13
EIGHT = [1] * 8 + [0] * 5
TWELVE = [1] * 12 + [0]
SEVENTEEN = [2] * 4 + [1] * 9


@pytest.fixture
def zoe(populated: Workspace) -> str:
    with populated.store.read() as session:
        return find(session, ZOE).id


@pytest.fixture
def mary(populated: Workspace, zoe: str) -> str:
    change = save_personal_contact(
        populated,
        person_id=zoe,
        values={"name": "Mary O'Neill", "relationship": "Daughter", "is_main_carer": "yes"},
    )
    assert change.entity_id
    return change.entity_id


def _journal(ws: Workspace) -> int:
    with ws.store.read() as session:
        return int(session.execute(select(func.count()).select_from(ChangeRecord)).scalar_one())


def _ago(days: int) -> str:
    return (clock.today() - timedelta(days=days)).isoformat()


def test_checks_make_a_trend_and_the_prompt_fires_on_a_rise(
    populated: Workspace, zoe: str, mary: str
) -> None:
    strain.record_strain_check(
        populated, person_id=zoe, carer_id=mary, answers=EIGHT, checked_on=_ago(120)
    )
    trend = strain.carer_trend(populated, person_id=zoe, carer_id=mary)
    assert [c.total for c in trend.checks] == [8] and trend.prompt is None
    strain.record_strain_check(
        populated, person_id=zoe, carer_id=mary, answers=TWELVE, checked_on=_ago(60)
    )
    assert strain.carer_trend(populated, person_id=zoe, carer_id=mary).prompt is not None
    change = strain.record_strain_check(
        populated, person_id=zoe, carer_id=mary, answers=SEVENTEEN, comment="Not sleeping"
    )
    assert change.touches("contacts", "priorities") and change.entity_id
    trend = strain.carer_trend(populated, person_id=zoe, carer_id=mary)
    assert [c.total for c in trend.checks] == [8, 12, 17]
    assert trend.checks[-1].checked_on == clock.today()
    assert trend.prompt == "Carer strain has risen by 5 since the last check (now 17 of 26)"
    assert trend_text(trend) == "8 → 12 → 17, risen by 5"
    [listed] = strain.carers_strain(populated, person_id=zoe)
    assert listed.name == "Mary O'Neill" and listed.latest == 17 and listed.prompt
    with populated.store.read() as session:
        row = session.get(CarerStrainCheck, change.entity_id)
        assert row is not None and json.loads(row.answers) == SEVENTEEN
        assert row.asked_by_id == populated.actor.user_id
        details = session.execute(
            select(AuditEvent.detail).where(AuditEvent.action == "carer_strain_checked")
        ).scalars()
        # Ids only: no name, no answers, no total.
        assert [sorted(json.loads(d)) for d in details] == [["carer_id", "check_id"]] * 3
    # The record shows it beside the carer.
    [carer] = open_record(populated, zoe, viewed=False).carers
    assert carer.strain_totals == (8, 12, 17) and carer.strain_prompt == trend.prompt


def test_a_high_total_prompts_without_a_rise_and_a_low_one_does_not(
    populated: Workspace, zoe: str, mary: str
) -> None:
    strain.record_strain_check(populated, person_id=zoe, carer_id=mary, answers=LOW)
    assert strain.carers_strain(populated, person_id=zoe)[0].prompt is None
    strain.record_strain_check(populated, person_id=zoe, carer_id=mary, answers=[1] * 13)
    assert strain.carers_strain(populated, person_id=zoe)[0].prompt == (
        "Carer strain has risen by 13 since the last check (now 13 of 26)"
    )


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"answers": [0] * 12}, "an answer for each of its 13 statements"),
        ({"answers": [3] + [0] * 12}, "0 \\(no\\), 1 \\(sometimes\\) or 2"),
        ({"answers": ["x"] + [0] * 12}, "0 \\(no\\), 1 \\(sometimes\\) or 2"),
        ({"answers": LOW, "checked_on": "tomorrow"}, "date"),
        ({"answers": LOW, "comment": "x" * 2001}, "too long"),
    ],
)
def test_bad_checks_are_one_plain_line_and_nothing_is_written(
    populated: Workspace, zoe: str, mary: str, kwargs: dict[str, object], words: str
) -> None:
    before = _journal(populated)
    with pytest.raises(InvalidInputError, match=words):
        strain.record_strain_check(populated, person_id=zoe, carer_id=mary, **kwargs)  # type: ignore[arg-type]
    assert _journal(populated) == before


def test_a_future_day_and_another_persons_carer_are_refused(
    populated: Workspace, zoe: str, mary: str
) -> None:
    before = _journal(populated)
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    with pytest.raises(InvalidInputError, match="not a day still to come"):
        strain.record_strain_check(
            populated, person_id=zoe, carer_id=mary, answers=LOW, checked_on=tomorrow
        )
    with populated.store.read() as session:
        alun = find(session, ALUN).id
    with pytest.raises(NotFoundError, match="not among this person's"):
        strain.record_strain_check(populated, person_id=alun, carer_id=mary, answers=LOW)
    assert _journal(populated) == before


def test_the_carers_contingency_plan_is_set_cleared_and_bounded(
    populated: Workspace, zoe: str, mary: str
) -> None:
    said = "Her son Tom comes from Leeds; the council's emergency carer line: 0300 000 0000"
    change = contingency.set_carer_contingency(populated, person_id=zoe, carer_id=mary, plan=said)
    assert change.fields == ("contingency_plan",)
    again = contingency.set_carer_contingency(populated, person_id=zoe, carer_id=mary, plan=said)
    assert again.fields == ()
    [carer] = open_record(populated, zoe, viewed=False).carers
    assert carer.contingency_plan == said
    before = _journal(populated)
    with pytest.raises(InvalidInputError, match="too long"):
        contingency.set_carer_contingency(populated, person_id=zoe, carer_id=mary, plan="x" * 2001)
    assert _journal(populated) == before
    # A later correction of the contact's details keeps the plan.
    save_personal_contact(
        populated,
        person_id=zoe,
        contact_id=mary,
        values={"name": "Mary O'Neill", "phone": "01970 000123", "is_main_carer": "yes"},
    )
    with populated.store.read() as session:
        row = session.get(PersonalContact, mary)
        assert row is not None and row.contingency_plan == said and row.phone
    contingency.set_carer_contingency(populated, person_id=zoe, carer_id=mary, plan=" ")
    with populated.store.read() as session:
        row = session.get(PersonalContact, mary)
        assert row is not None and row.contingency_plan is None and row.phone
