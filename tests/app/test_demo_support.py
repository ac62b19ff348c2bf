"""The demo's telecare and personal budgets (issue 20): every row keeps the record's
rules and the table's checks; a third to a half of the over-75s living alone have
an alarm, anyone a mobile response officer went out to has one installed before, some
tests are overdue and a few lines still analogue; a key safe only beside an
access-to-home alert, and never its code; budgets where the plan says direct payment
(mostly direct payments); the same for a seed.

The caseload is made as of the clock's today (CI moves the clock with
ONERECORD_CLOCK_DATE), so these hold whatever day they run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import CheckConstraint, select, text

from app.services import clock
from app.services.profile.demo_profile import create_demo_profile
from app.services.record.record_rules import validate
from app.values import telecare
from app.workspace import Workspace
from storage.tables import (
    Alert,
    CarePlan,
    ContactNote,
    Person,
    PersonalBudget,
    PersonalContact,
    TelecareItem,
)
from tests.conftest import FAST_KDF, PASSPHRASE

PEOPLE = 300


@dataclass
class Caseload:
    workspace: Workspace
    people: dict[str, Person]
    items: list[TelecareItem]
    budgets: list[PersonalBudget]


@pytest.fixture(scope="module")
def caseload(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Caseload]:
    folder: Path = tmp_path_factory.mktemp("support") / "p"
    workspace, _ = create_demo_profile(folder, PASSPHRASE, people=PEOPLE, seed=20, kdf=FAST_KDF)
    try:
        with workspace.store.read() as s:
            people = {p.id: p for p in s.execute(select(Person)).scalars()}
            items = list(s.execute(select(TelecareItem)).scalars())
            budgets = list(s.execute(select(PersonalBudget)).scalars())
        yield Caseload(workspace, people, items, budgets)
    finally:
        workspace.close()


def test_the_rows_keep_every_rule_and_check(caseload: Caseload) -> None:
    with caseload.workspace.store.read() as s:
        _, breaks = validate(s)
        for table in (TelecareItem, PersonalBudget):
            for c in table.__table__.constraints:
                if isinstance(c, CheckConstraint):
                    bad = s.execute(
                        text(f"SELECT count(*) FROM {table.__tablename__} WHERE NOT ({c.sqltext})")
                    ).scalar()
                    assert bad == 0, (table.__tablename__, c.sqltext)
    assert [b for b in breaks if b.table in ("telecare_item", "personal_budget")] == []
    today = clock.today()
    for item in caseload.items:
        person = caseload.people[item.person_id]
        assert item.installed_on is not None and person.date_of_birth < item.installed_on
        assert item.installed_on <= today
        assert item.last_tested_on is None or item.last_tested_on <= today


def test_a_third_of_the_over_75s_living_alone_have_an_alarm(caseload: Caseload) -> None:
    today = clock.today()
    with caseload.workspace.store.read() as s:
        spouses = set(
            s.execute(
                select(PersonalContact.person_id).where(
                    PersonalContact.is_main_carer.is_(True),
                    PersonalContact.relationship.in_(("Wife", "Husband", "Partner", "Spouse")),
                )
            ).scalars()
        )
    alarmed = {i.person_id for i in caseload.items if i.kind == "pendant_alarm"}
    old = [
        p
        for p in caseload.people.values()
        if (today - p.date_of_birth).days >= 76 * 365.25 and p.id not in spouses
    ]
    share = sum(p.id in alarmed for p in old) / len(old)
    assert 0.25 <= share <= 0.6, share
    in_use = [i for i in caseload.items if i.removed_on is None]
    overdue = [i for i in in_use if telecare.test_overdue(i, today)]
    assert 0.05 * len(in_use) <= len(overdue) <= 0.5 * len(in_use)
    analogue = [i for i in in_use if i.analogue_line]
    assert 0 < len(analogue) <= 0.35 * len(in_use)


def test_telecare_agrees_with_the_rest_of_the_record(caseload: Caseload) -> None:
    with caseload.workspace.store.read() as s:
        responses = s.execute(
            select(ContactNote.person_id, ContactNote.occurred_at).where(
                ContactNote.contact_type == "telecare_response"
            )
        ).all()
        key_safe_alerts = set(
            s.execute(select(Alert.person_id).where(Alert.kind == "access_to_home")).scalars()
        )
    installed = {i.person_id: i.installed_on for i in caseload.items if i.kind == "pendant_alarm"}
    for person_id, when in responses:
        assert person_id in installed, "a telecare response with no alarm"
        assert installed[person_id] < clock.local(when).date()
    for item in caseload.items:
        if item.kind == "key_safe":
            assert item.person_id in key_safe_alerts
        assert not re.search(r"\d{4}", item.description or ""), "never a key safe code"


def test_budgets_follow_the_plan_and_are_mostly_direct_payments(caseload: Caseload) -> None:
    with caseload.workspace.store.read() as s:
        direct = set(
            s.execute(
                select(CarePlan.person_id).where(CarePlan.funding_source == "Direct payment")
            ).scalars()
        )
    budgeted = {b.person_id for b in caseload.budgets}
    assert direct and direct <= budgeted
    share = sum(b.managed_as == "direct_payment" for b in caseload.budgets) / len(caseload.budgets)
    assert share > 0.5, share
    for b in caseload.budgets:
        assert 0 < b.amount_pence <= 100_000_00
        assert b.pays_for
        person = caseload.people[b.person_id]
        assert (b.ended_on is None) == (person.status == "open")


def test_the_same_seed_makes_the_same_support(caseload: Caseload, tmp_path: Path) -> None:
    again, _ = create_demo_profile(tmp_path / "p", PASSPHRASE, people=PEOPLE, seed=20, kdf=FAST_KDF)
    try:
        with again.store.read() as s:
            ids = sorted(s.execute(select(TelecareItem.id)).scalars())
            amounts = sorted(s.execute(select(PersonalBudget.amount_pence)).scalars())
    finally:
        again.close()
    assert ids == sorted(i.id for i in caseload.items)
    assert amounts == sorted(b.amount_pence for b in caseload.budgets)
