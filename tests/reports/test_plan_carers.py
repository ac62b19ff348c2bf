"""The printed plan with a carer's own contingency plan: "If Mary cannot care" beside
the person's contingency plans (printed even when the person has none of their own);
never a carer-strain score, total or trend (the folder is read by visitors and
family)."""

from __future__ import annotations

from pathlib import Path

from app.reports.printing import load_plan, render_plan, save_plan
from app.services.carers import contingency, strain
from app.services.record.contacts import save_personal_contact
from app.services.record.people import find
from app.workspace import Workspace
from tests.conftest import ZOE
from tests.privacy_scan import pdf_text

PLAN = "Her son Tom comes from Leeds the same day; until he arrives, call the council."


def test_the_carers_plan_prints_and_the_strain_never_does(
    populated: Workspace, tmp_path: Path
) -> None:
    with populated.store.read() as s:
        zoe = find(s, ZOE).id
    mary = save_personal_contact(
        populated,
        person_id=zoe,
        values={"name": "Mary O'Neill", "relationship": "Daughter", "is_main_carer": "yes"},
    ).entity_id
    other = save_personal_contact(
        populated, person_id=zoe, values={"name": "Ann Bell", "relationship": "Neighbour"}
    ).entity_id
    assert mary and other
    strain.record_strain_check(populated, person_id=zoe, carer_id=mary, answers=[2] * 9 + [1] * 4)
    contingency.set_carer_contingency(populated, person_id=zoe, carer_id=mary, plan=PLAN)

    content = load_plan(populated, ZOE)
    assert [(c.name, c.plan) for c in content.carer_contingency] == [("Mary O'Neill", PLAN)]
    assert "strain" not in repr(content).lower()

    path = tmp_path / "plan.pdf"
    save_plan(populated, render_plan(populated, ZOE), path)
    text = " ".join(pdf_text(path).split())
    assert "If Mary cannot care" in text
    assert "Her son Tom comes from Leeds the same day" in text
    assert "No contingency plan has been written yet" not in text
    assert "If Ann cannot care" not in text
    assert "strain" not in text.lower() and "22 of 26" not in text and "of 26" not in text
