"""The person's personal budget (or personal health budget): how much, for what period,
how it is managed (direct payment, managed account, individual service fund...), and
what it pays for. Printed in the plan while it runs; ended, it stays in the record.

Amounts are typed as pounds and pence ("£245.50") and kept in pence
(app.values.money). One running budget of each kind: a second is refused, so the
printed plan never shows two amounts for one thing.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.changes import PLAN, SUPPORT, Change
from app.services.need_to_know.access import require_access_to_write, writable_person
from app.services.ops import operation, optional_date, text
from app.values.money import parse_pounds
from app.values.vocab import BudgetKind, BudgetManagement, BudgetPeriod
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import PersonalBudget

# The budget is printed in the plan.
_AREAS = frozenset({SUPPORT, PLAN})


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _budget(session: Session, budget_id: str) -> PersonalBudget:
    budget = session.get(PersonalBudget, budget_id)
    if budget is None:
        raise NotFoundError("No personal budget with that id is in this profile.")
    require_access_to_write(session, budget.person_id)
    return budget


def _running(session: Session, person_id: str, kind: str) -> PersonalBudget | None:
    return session.execute(
        select(PersonalBudget).where(
            PersonalBudget.person_id == person_id,
            PersonalBudget.kind == kind,
            PersonalBudget.ended_on.is_(None),
        )
    ).scalar_one_or_none()


def add_budget(
    workspace: Workspace,
    *,
    person_id: str,
    kind: str,
    amount: str | int,
    period: str,
    managed_as: str,
    pays_for: str | None = None,
    started_on: date | str | None = None,
    draft_key: str | None = None,
) -> Change:
    code = BudgetKind.parse(kind).value
    pence = parse_pounds(amount)
    every = BudgetPeriod.parse(period).value
    how = BudgetManagement.parse(managed_as).value
    what = text(pays_for, "what it pays for", limit=2000)
    start = optional_date(started_on, "start date") or clock.today()
    with operation(workspace, draft_key=draft_key) as session:
        person = writable_person(session, person_id)
        if start < person.date_of_birth:
            raise InvalidInputError("That date is before the person was born.")
        if _running(session, person_id, code) is not None:
            raise InvalidInputError(
                "They already have a {kind} running: change it, or end it first.",
                kind=BudgetKind(code).label.lower(),
            )
        budget = PersonalBudget(
            person_id=person_id,
            kind=code,
            amount_pence=pence,
            period=every,
            managed_as=how,
            pays_for=what,
            started_on=start,
            ended_on=None,
        )
        session.add(budget)
        session.flush()
        audit(
            session,
            "budget_added",
            person_id=person_id,
            detail={"budget_id": budget.id, "kind": code},
        )
    return Change(
        "budget_added",
        person_id=person_id,
        entity_id=budget.id,
        areas=_AREAS,
        fields=("kind", "amount_pence", "period", "managed_as", "pays_for", "started_on"),
    )


def change_budget(
    workspace: Workspace,
    *,
    budget_id: str,
    amount: str | int,
    period: str,
    managed_as: str,
    pays_for: str | None = None,
    draft_key: str | None = None,
) -> Change:
    """A new amount, period, way of managing it, or what it pays for."""
    values = {
        "amount_pence": parse_pounds(amount),
        "period": BudgetPeriod.parse(period).value,
        "managed_as": BudgetManagement.parse(managed_as).value,
        "pays_for": text(pays_for, "what it pays for", limit=2000),
    }
    with operation(workspace, draft_key=draft_key) as session:
        budget = _budget(session, budget_id)
        if budget.ended_on is not None:
            raise InvalidInputError("This budget ended on {day}.", day=_day(budget.ended_on))
        changed = tuple(f for f, v in values.items() if getattr(budget, f) != v)
        for field in changed:
            setattr(budget, field, values[field])
        if changed:
            audit(
                session,
                "budget_changed",
                person_id=budget.person_id,
                detail={"budget_id": budget.id, "fields": list(changed)},
            )
        person_id = budget.person_id
    return Change(
        "budget_changed", person_id=person_id, entity_id=budget_id, areas=_AREAS, fields=changed
    )


def end_budget(
    workspace: Workspace,
    *,
    budget_id: str,
    ended_on: date | str | None = None,
    draft_key: str | None = None,
) -> Change:
    """Ended (today unless another day is given): kept in the record, out of the plan."""
    on = optional_date(ended_on, "end date") or clock.today()
    with operation(workspace, draft_key=draft_key) as session:
        budget = _budget(session, budget_id)
        if budget.ended_on is not None:
            raise InvalidInputError("This budget ended on {day}.", day=_day(budget.ended_on))
        if on < budget.started_on:
            raise InvalidInputError(
                "A budget cannot end before it started ({day}).", day=_day(budget.started_on)
            )
        budget.ended_on = on
        audit(session, "budget_ended", person_id=budget.person_id, detail={"budget_id": budget.id})
        person_id = budget.person_id
    return Change(
        "budget_ended", person_id=person_id, entity_id=budget_id, areas=_AREAS, fields=("ended_on",)
    )
