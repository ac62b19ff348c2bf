"""Telecare equipment and personal budgets through the services: what is recorded,
when a test is due, and every bad input refused with one plain sentence and nothing
written. Dates are counted back from the clock's today, so these hold on any date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.record.people import find
from app.services.record.record import open_record as load_record
from app.services.support import budgets, telecare
from app.values import money
from app.values import telecare as rule
from app.workspace import Workspace
from storage.tables import ChangeRecord, PersonalBudget, TelecareItem
from tests.conftest import ZOE


@pytest.fixture
def zoe(populated: Workspace) -> str:
    with populated.store.read() as session:
        return find(session, ZOE).id


def _journal(ws: Workspace) -> int:
    with ws.store.read() as session:
        return int(session.execute(select(func.count()).select_from(ChangeRecord)).scalar_one())


def _refused(ws: Workspace, words: str, call: object, **kwargs: object) -> None:
    """The call raises a plain one-line InvalidInputError naming `words`, writes nothing."""
    before = _journal(ws)
    with pytest.raises(InvalidInputError, match=words) as refused:
        call(ws, **kwargs)  # type: ignore[operator]
    assert "\n" not in str(refused.value)
    assert _journal(ws) == before


def _ago(n: int) -> date:
    return clock.today() - timedelta(days=n)


@dataclass
class Item:
    installed_on: date | None = None
    last_tested_on: date | None = None
    test_every_days: int | None = 182
    removed_on: date | None = None


# -- the one rule: when a test is due ------------------------------------------------------


def test_a_test_is_due_its_interval_after_the_last_test_or_else_the_install() -> None:
    today = date(2028, 2, 29)
    assert rule.test_due_on(Item(installed_on=date(2027, 1, 1))) == date(2027, 7, 2)
    tested = Item(installed_on=date(2027, 1, 1), last_tested_on=date(2028, 1, 1))
    assert rule.test_due_on(tested) == date(2028, 7, 1)
    assert not rule.test_overdue(tested, today)
    weekly = Item(last_tested_on=date(2028, 2, 22), test_every_days=7)
    assert rule.test_due_on(weekly) == today
    assert not rule.test_overdue(weekly, today)  # due today: due, not yet overdue
    assert rule.test_due_by(weekly, today)
    assert rule.test_overdue(weekly, today + timedelta(days=1))


def test_removed_or_undated_equipment_is_never_due() -> None:
    today = date(2030, 12, 31)
    removed = Item(installed_on=date(2020, 1, 1), removed_on=date(2021, 1, 1))
    assert rule.test_due_on(removed) is None
    assert not rule.test_overdue(removed, today)
    assert rule.test_due_on(Item()) is None
    assert not rule.test_overdue(Item(), today)


# -- money ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("£245.50", 24550), ("245.5", 24550), ("£1,200", 120000), ("80", 8000), ("0", 0)],
)
def test_pounds_and_pence_as_typed(typed: str, pence: int) -> None:
    assert money.parse_pounds(typed) == pence


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("-5", "cannot be negative"),
        ("£-5.00", "cannot be negative"),
        ("twelve", "pounds and pence"),
        ("12.345", "pounds and pence"),
        ("£1,000,000.01", "more than £1,000,000"),
        ("", "Enter the amount"),
    ],
)
def test_bad_amounts_are_refused_in_one_line(typed: str, words: str) -> None:
    with pytest.raises(InvalidInputError, match=words):
        money.parse_pounds(typed)


def test_pence_are_shown_as_pounds() -> None:
    assert money.pounds(24550) == "£245.50"
    assert money.pounds(120000) == "£1,200.00"


# -- telecare --------------------------------------------------------------------------------


def _pendant(ws: Workspace, person_id: str, **kw: object) -> str:
    values: dict[str, object] = {
        "kind": "pendant_alarm",
        "responder": "mobile_response",
        "installed_on": _ago(400),
        "analogue_line": True,
    }
    change = telecare.add_telecare(ws, person_id=person_id, **(values | kw))  # type: ignore[arg-type]
    assert change.entity_id is not None
    return change.entity_id


def test_equipment_is_added_tested_changed_and_removed(populated: Workspace, zoe: str) -> None:
    item_id = _pendant(populated, zoe, description="Lifeline", responder_detail="Careline 24/7")
    record = load_record(populated, zoe)
    assert record.support is not None
    (row,) = record.support.telecare
    assert row.what == "Pendant alarm (Lifeline)"
    assert row.overdue and row.due_on == _ago(400) + timedelta(days=182)
    assert row.needs_line_move

    telecare.record_test(populated, item_id=item_id)  # today by default
    telecare.change_telecare(
        populated, item_id=item_id, responder="family", analogue_line="no", test_every_days=91
    )
    with populated.store.read() as session:
        item = session.get(TelecareItem, item_id)
        assert item is not None
        assert item.last_tested_on == clock.today()
        assert (item.responder, item.analogue_line, item.test_every_days) == ("family", False, 91)
    (row,) = load_record(populated, zoe).support.telecare  # type: ignore[union-attr]
    assert not row.overdue and row.due_on == clock.today() + timedelta(days=91)
    assert not row.needs_line_move

    telecare.remove_telecare(populated, item_id=item_id)
    (row,) = load_record(populated, zoe).support.telecare  # type: ignore[union-attr]
    assert row.removed_on == clock.today() and row.due_on is None and not row.overdue
    _refused(populated, "was removed on", telecare.record_test, item_id=item_id)


def test_bad_telecare_is_refused_and_nothing_written(populated: Workspace, zoe: str) -> None:
    good = {"person_id": zoe, "kind": "pendant_alarm", "responder": "family"}
    tomorrow = clock.today() + timedelta(days=1)
    add = telecare.add_telecare
    _refused(populated, "is not one of", add, **(good | {"kind": "jetpack"}))
    _refused(populated, "is not one of", add, **(good | {"responder": "nobody"}))
    _refused(populated, "cannot be in the future", add, **(good | {"installed_on": tomorrow}))
    _refused(
        populated,
        "tested before it was installed",
        add,
        **(good | {"installed_on": _ago(5), "last_tested_on": _ago(6)}),
    )
    _refused(populated, "1 to 730 days", add, **(good | {"test_every_days": 0}))
    _refused(populated, "analogue line", add, **(good | {"analogue_line": "perhaps"}))

    item_id = _pendant(populated, zoe, installed_on=_ago(10))
    _refused(
        populated,
        "cannot be in the future",
        telecare.record_test,
        item_id=item_id,
        tested_on=tomorrow,
    )
    _refused(
        populated,
        "tested before it was installed",
        telecare.record_test,
        item_id=item_id,
        tested_on=_ago(11),
    )
    _refused(
        populated,
        "removed before it was installed",
        telecare.remove_telecare,
        item_id=item_id,
        removed_on=_ago(11),
    )
    with pytest.raises(NotFoundError):
        telecare.record_test(populated, item_id="no-such-item")


# -- personal budgets ------------------------------------------------------------------------


def test_a_budget_is_added_changed_and_ended(populated: Workspace, zoe: str) -> None:
    added = budgets.add_budget(
        populated,
        person_id=zoe,
        kind="personal_budget",
        amount="£245.50",
        period="week",
        managed_as="direct_payment",
        pays_for="A personal assistant three mornings a week",
        started_on=_ago(30),
    )
    budget_id = str(added.entity_id)
    _refused(
        populated,
        "already have a personal budget running",
        budgets.add_budget,
        person_id=zoe,
        kind="personal_budget",
        amount="10",
        period="week",
        managed_as="direct_payment",
    )
    changed = budgets.change_budget(
        populated,
        budget_id=budget_id,
        amount="£260",
        period="week",
        managed_as="individual_service_fund",
        pays_for="A personal assistant three mornings a week",
    )
    assert set(changed.fields) == {"amount_pence", "managed_as"}
    support = load_record(populated, zoe).support
    assert support is not None
    (row,) = support.running_budgets(clock.today())
    assert (row.amount_pence, row.managed_as) == (26000, "Individual service fund (ISF)")

    _refused(
        populated,
        "cannot end before it started",
        budgets.end_budget,
        budget_id=budget_id,
        ended_on=_ago(31),
    )
    budgets.end_budget(populated, budget_id=budget_id)
    with populated.store.read() as session:
        budget = session.get(PersonalBudget, budget_id)
        assert budget is not None and budget.ended_on == clock.today()
    assert (
        load_record(populated, zoe).support.running_budgets(clock.today() + timedelta(days=1)) == ()
    )  # type: ignore[union-attr]
    _refused(
        populated,
        "ended on",
        budgets.change_budget,
        budget_id=budget_id,
        amount="1",
        period="week",
        managed_as="direct_payment",
    )


@pytest.mark.parametrize(
    ("amount", "words"),
    [("-1", "cannot be negative"), ("lots", "pounds and pence"), ("2000000", "more than")],
)
def test_bad_amounts_write_nothing(populated: Workspace, zoe: str, amount: str, words: str) -> None:
    _refused(
        populated,
        words,
        budgets.add_budget,
        person_id=zoe,
        kind="personal_budget",
        amount=amount,
        period="month",
        managed_as="managed_account",
    )


def test_onerecord_show_lists_the_telecare_and_budgets(populated: Workspace, zoe: str) -> None:
    from app.services.record.record_view import person_record

    _pendant(populated, zoe)
    budgets.add_budget(
        populated,
        person_id=zoe,
        kind="integrated",
        amount="1,200",
        period="month",
        managed_as="third_party",
    )
    shown = person_record(populated, ZOE)
    assert [t["kind"] for t in shown["telecare"]] == ["pendant_alarm"]
    assert [(b["amount_pence"], b["period"]) for b in shown["personal_budgets"]] == [
        (120000, "month")
    ]
