"""Ending a strength, a need or a contingency plan: kept in the record with the date it
ended, left out of the plan as it stands (on screen, printed, exported as resolved or
completed), and an agreed plan goes back to draft; bad input writes nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInputError, NotFoundError
from app.reports.fhir import export_fhir
from app.reports.printing import load_plan
from app.services import clock
from app.services.care import care_plan
from app.services.care.plan_endings import end_entry
from app.services.record.people import find
from app.services.record.record import open_record
from app.workspace import Workspace
from storage.tables import CarePlan, ChangeRecord, ContingencyPlan, Need, Strength
from tests.conftest import ZOE


@pytest.fixture
def zoe(populated: Workspace) -> str:
    with populated.store.read() as session:
        return find(session, ZOE).id


def _journal(ws: Workspace) -> int:
    with ws.store.read() as session:
        return int(session.execute(select(func.count()).select_from(ChangeRecord)).scalar_one())


def test_ended_entries_leave_the_plan_and_stay_in_the_record(
    populated: Workspace, zoe: str
) -> None:
    chat = care_plan.save_strength(populated, person_id=zoe, description="Loves a chat")
    care_plan.save_strength(populated, person_id=zoe, description="Walks to the shop")
    bath = care_plan.save_need(populated, person_id=zoe, description="Getting in the bath")
    falls = care_plan.save_contingency(
        populated,
        person_id=zoe,
        name="If Zoë falls",
        trigger="A fall at home",
        what_should_happen="Press the pendant alarm",
    )
    care_plan.add_goal(populated, person_id=zoe, statement="I want to see my sister")
    care_plan.agree_plan(
        populated, person_id=zoe, agreed_with_name="Zoë O'Neill", agreed_with_role="the person"
    )

    end_entry(populated, kind="strength", entry_id=str(chat.entity_id))
    end_entry(populated, kind="need", entry_id=str(bath.entity_id))
    end_entry(populated, kind="contingency", entry_id=str(falls.entity_id))

    plan = open_record(populated, zoe).plan
    assert [s.text for s in plan.strengths] == ["Walks to the shop"]
    assert plan.needs == () and plan.contingency == ()
    assert plan.status == "draft"  # the agreed plan changed: agree it again
    with populated.store.read() as session:
        assert session.get(Strength, chat.entity_id).ended_on == clock.today()  # type: ignore[union-attr]
        assert session.get(Need, bath.entity_id) is not None
        assert session.get(ContingencyPlan, falls.entity_id) is not None
        assert session.execute(select(CarePlan.status)).scalar_one() == "draft"

    printed = load_plan(populated, ZOE)
    assert printed.about_me.strengths == ("Walks to the shop",)
    assert printed.contingency == ()
    bundle = json.loads(export_fhir(populated, ZOE).json)
    resources = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    need = resources[f"urn:uuid:{bath.entity_id}"]
    assert need["clinicalStatus"]["coding"][0]["code"] == "resolved"
    assert resources[f"urn:uuid:{falls.entity_id}"]["status"] == "completed"


def test_bad_endings_write_nothing(populated: Workspace, zoe: str) -> None:
    chat = care_plan.save_strength(populated, person_id=zoe, description="Loves a chat")
    entry = str(chat.entity_id)
    before = _journal(populated)
    tomorrow = clock.today() + timedelta(days=1)
    with pytest.raises(InvalidInputError, match="still to come"):
        end_entry(populated, kind="strength", entry_id=entry, ended_on=tomorrow)
    with pytest.raises(InvalidInputError, match="cannot be ended here"):
        end_entry(populated, kind="goal", entry_id=entry)
    with pytest.raises(NotFoundError):
        end_entry(populated, kind="need", entry_id=entry)  # a strength's id, not a need's
    assert _journal(populated) == before
    end_entry(populated, kind="strength", entry_id=entry)
    after = _journal(populated)
    with pytest.raises(InvalidInputError, match="already ended"):
        end_entry(populated, kind="strength", entry_id=entry)
    assert _journal(populated) == after
