"""The printed plan's telecare and personal budget, read back through pdftotext: what
the equipment is, who responds, an overdue test said as overdue, the analogue line
note, the budget's amount, how it is managed and what it pays for; nothing removed or
ended, and no heading for a person with neither."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from app.reports.plan_model import long_date
from app.reports.plan_support import HEADING
from app.reports.printing import load_plan, render_plan, save_plan
from app.services import clock
from app.services.record.people import find
from app.services.support import budgets, telecare
from app.workspace import Workspace
from tests.conftest import ALUN, ZOE
from tests.privacy_scan import pdf_text


def _text(ws: Workspace, nhs: str, tmp_path: Path, *, large: bool = False) -> str:
    path = tmp_path / f"plan-{nhs}-{large}.pdf"
    save_plan(ws, render_plan(ws, nhs, large_print=large), path)
    return " ".join(pdf_text(path).split())


def test_the_plan_prints_telecare_and_the_budget(populated: Workspace, tmp_path: Path) -> None:
    with populated.store.read() as s:
        zoe = find(s, ZOE).id
    today = clock.today()
    installed = today - timedelta(days=400)
    telecare.add_telecare(
        populated,
        person_id=zoe,
        kind="pendant_alarm",
        description="Lifeline",
        responder="mobile_response",
        responder_detail="Dales Careline",
        installed_on=installed,
        analogue_line=True,
    )
    fresh = telecare.add_telecare(
        populated,
        person_id=zoe,
        kind="falls_detector",
        responder="family",
        installed_on=today - timedelta(days=10),
        analogue_line=False,
    )
    gone = telecare.add_telecare(
        populated, person_id=zoe, kind="door_sensor", responder="neighbour"
    )
    telecare.remove_telecare(populated, item_id=str(gone.entity_id))
    budgets.add_budget(
        populated,
        person_id=zoe,
        kind="personal_budget",
        amount="£245.50",
        period="week",
        managed_as="direct_payment",
        pays_for="A personal assistant three mornings a week",
        started_on=today - timedelta(days=60),
    )
    content = load_plan(populated, ZOE)
    assert content.support is not None
    assert [t.kind_code for t in content.support.telecare] == ["pendant_alarm", "falls_detector"]
    assert fresh.entity_id in {t.id for t in content.support.telecare}

    for large in (False, True):
        text = _text(populated, ZOE, tmp_path, large=large)
        assert HEADING in text
        assert "Pendant alarm (Lifeline)" in text
        assert "Mobile response service: Dales Careline" in text
        due = installed + timedelta(days=182)
        assert f"overdue since {long_date(due)}" in text
        assert "Still on an analogue phone line" in text and text.count("analogue phone") == 1
        next_due = today - timedelta(days=10) + timedelta(days=182)
        assert f"Next test due by {long_date(next_due)}" in text
        assert "Door sensor" not in text  # removed: kept in the record, not printed
        assert "My personal budget" in text and "£245.50 a week" in text
        assert "Direct payment" in text
        assert "A personal assistant three mornings a week" in text


def test_nothing_printed_for_a_person_with_neither(populated: Workspace, tmp_path: Path) -> None:
    with populated.store.read() as s:
        alun = find(s, ALUN).id
    ended = budgets.add_budget(
        populated,
        person_id=alun,
        kind="personal_health_budget",
        amount="100",
        period="month",
        managed_as="managed_account",
        started_on=clock.today() - timedelta(days=90),
    )
    budgets.end_budget(
        populated, budget_id=str(ended.entity_id), ended_on=clock.today() - timedelta(days=1)
    )
    assert load_plan(populated, ALUN).support is None
    assert HEADING not in _text(populated, ALUN, tmp_path)
