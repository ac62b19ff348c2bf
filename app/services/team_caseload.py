"""The coordinator's team caseload: every person in the team with who leads their
care and what is due, filtered, sorted and paged in SQL.

Builds on `app.services.caseload` (its search and filters, and the
`caseload_summary` table its triggers keep current for next visit and highest
risk). Last contact, consent review and open conflicts are correlated
subqueries on indexed columns (`contact_note (person_id, occurred_at)`,
`consent_to_share.person_id`, `sync_conflict.person_id`): a page of 200 costs
200 index probes, and a sort on them stays within the filter budget at 5,000.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError
from app.services import clock
from app.services.caseload import (
    CaseloadQuery,
    _lead,
    _next_visit_clause,
    _plan_review_clause,
    _search_clause,
)
from app.values.nhs_number import format_nhs_number
from app.workspace import Workspace
from storage.tables import (
    CarePlan,
    CaseloadSummary,
    ConsentToShare,
    ContactNote,
    Locality,
    Person,
    Risk,
    SyncConflict,
)

logger = logging.getLogger(__name__)

AT_RISK_SCORE = 15  # likelihood x impact: the red band on the caseload


@dataclass(frozen=True)
class TeamQuery(CaseloadQuery):
    """The caseload's filters plus the coordinator's: overdue reviews, conflicts."""

    consent_review_overdue: bool = False
    risk_review_overdue: bool = False
    with_conflicts: bool = False
    sort: str = "name"


@dataclass(frozen=True)
class TeamRow:
    person_id: str
    nhs_number: str
    given_name: str
    family_name: str
    date_of_birth: date
    locality: str | None
    level_of_need: str
    lead_professional_id: str | None
    lead_professional: str | None
    highest_risk: int | None
    last_contact: datetime | None
    next_visit_due: datetime | None
    plan_review_due: date | None
    consent_review_due: date | None
    open_conflicts: int

    @property
    def display_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    @property
    def nhs_number_formatted(self) -> str:
        return format_nhs_number(self.nhs_number) if self.nhs_number else ""


def _last_contact() -> Any:
    return (
        select(func.max(ContactNote.occurred_at))
        .where(ContactNote.person_id == Person.id)
        .correlate(Person)
        .scalar_subquery()
    )


def _consent_review() -> Any:
    """The soonest review date of consent still in force."""
    return (
        select(func.min(ConsentToShare.review_on))
        .where(
            ConsentToShare.person_id == Person.id,
            ConsentToShare.decision == "given",
            ConsentToShare.withdrawn_on.is_(None),
        )
        .correlate(Person)
        .scalar_subquery()
    )


def _conflicts() -> Any:
    return (
        select(func.count())
        .select_from(SyncConflict)
        .where(SyncConflict.person_id == Person.id)
        .correlate(Person)
        .scalar_subquery()
    )


SORTS: dict[str, tuple[Any, ...]] = {
    "name": (Person.family_name, Person.given_name),
    "nhs_number": (Person.nhs_number,),
    "locality": (Locality.name, Person.family_name),
    "level_of_need": (Person.level_of_need, Person.family_name),
    "lead_professional": (_lead.display_name, Person.family_name),
    "risk": (CaseloadSummary.highest_risk, Person.family_name),
    "last_contact": (_last_contact(), Person.family_name),
    "next_visit_due": (CaseloadSummary.next_visit_due, Person.family_name),
    "plan_review_due": (CarePlan.review_due, Person.family_name),
    "consent_review_due": (_consent_review(), Person.family_name),
    "open_conflicts": (_conflicts(), Person.family_name),
}


def consent_review_overdue(today: date) -> Any:
    """People with consent in force whose review date has passed. An IN over the small
    consent table, worked out once, not a probe per person."""
    return Person.id.in_(
        select(ConsentToShare.person_id).where(
            ConsentToShare.decision == "given",
            ConsentToShare.withdrawn_on.is_(None),
            ConsentToShare.review_on < today,
        )
    )


def risk_review_overdue(today: date) -> Any:
    return Person.id.in_(
        select(Risk.person_id).where(Risk.status == "active", Risk.review_on < today)
    )


def _joined(
    stmt: Select[*tuple[Any, ...]], query: TeamQuery | None = None
) -> Select[*tuple[Any, ...]]:
    """Outer-join what the filters and sort of `query` need (everything when None):
    counting and paging 5,000 people stay index scans when little is asked."""
    sort = query.sort if query else None
    if query is None or query.locality or sort == "locality":
        stmt = stmt.outerjoin(Locality, Locality.id == Person.locality_id)
    if query is None or sort == "lead_professional":
        stmt = stmt.outerjoin(_lead, _lead.id == Person.lead_professional_id)
    if query is None or query.plan_review or sort == "plan_review_due":
        stmt = stmt.outerjoin(CarePlan, CarePlan.person_id == Person.id)
    if (
        query is None
        or query.min_risk is not None
        or query.next_visit
        or sort in ("risk", "next_visit_due")
    ):
        stmt = stmt.outerjoin(CaseloadSummary, CaseloadSummary.person_id == Person.id)
    return stmt


def _where(stmt: Select[*tuple[Any, ...]], query: TeamQuery) -> Select[*tuple[Any, ...]]:
    """The caseload's own filters (same clauses, so both views agree) and the coordinator's."""
    if not query.include_closed:
        stmt = stmt.where(Person.status == "open")
    if (clause := _search_clause(query.search)) is not None:
        stmt = stmt.where(clause)  # type: ignore[arg-type]
    if query.locality:
        stmt = stmt.where(Locality.name == query.locality)
    if query.level_of_need:
        stmt = stmt.where(Person.level_of_need == query.level_of_need)
    if query.lead_professional_id:
        stmt = stmt.where(Person.lead_professional_id == query.lead_professional_id)
    if query.unallocated:
        stmt = stmt.where(Person.lead_professional_id.is_(None))
    if query.min_risk is not None:
        stmt = stmt.where(CaseloadSummary.highest_risk >= query.min_risk)
    now = query.as_of or clock.now()
    if query.next_visit:
        stmt = stmt.where(_next_visit_clause(query.next_visit, now))  # type: ignore[arg-type]
    if query.plan_review:
        stmt = stmt.where(_plan_review_clause(query.plan_review, now))  # type: ignore[arg-type]
    today = clock.local(now).date()
    if query.consent_review_overdue:
        stmt = stmt.where(consent_review_overdue(today))
    if query.risk_review_overdue:
        stmt = stmt.where(risk_review_overdue(today))
    if query.with_conflicts:
        stmt = stmt.where(Person.id.in_(select(SyncConflict.person_id)))
    return stmt


def page_ids(session: Session, query: TeamQuery) -> list[str]:
    """The ids of one page, in order: only the joins the filters and sort need."""
    if query.sort not in SORTS:
        raise InvalidInputError(f"Cannot sort by '{query.sort}'. Sort by: {', '.join(SORTS)}.")
    order = [c.desc() if query.descending else c.asc() for c in SORTS[query.sort]]
    stmt = _where(_joined(select(Person.id), query), query)
    stmt = stmt.order_by(*order, Person.id).offset(query.offset)
    if query.limit is not None:
        stmt = stmt.limit(query.limit)
    return list(session.execute(stmt).scalars())


def list_team(session: Session, query: TeamQuery) -> list[TeamRow]:
    """One page of rows. Two steps, as a big table model should: the page's ids
    (sorted and filtered in SQL), then the columns for those ids only, so the
    per-person subqueries (last contact, consent review, conflicts) run for a
    page, not for the whole team."""
    ids = page_ids(session, query)
    if not ids:
        return []
    stmt = _joined(
        select(
            Person.id,
            Person.nhs_number,
            Person.given_name,
            Person.family_name,
            Person.date_of_birth,
            Locality.name,
            Person.level_of_need,
            Person.lead_professional_id,
            _lead.display_name,
            CaseloadSummary.highest_risk,
            _last_contact(),
            CaseloadSummary.next_visit_due,
            CarePlan.review_due,
            _consent_review(),
            _conflicts(),
        )
    ).where(Person.id.in_(ids))
    found = {r[0]: _row(r) for r in session.execute(stmt).all()}
    return [found[i] for i in ids if i in found]


def _row(r: Any) -> TeamRow:
    return TeamRow(
        person_id=r[0],
        nhs_number=r[1] or "",
        given_name=r[2],
        family_name=r[3],
        date_of_birth=r[4],
        locality=r[5],
        level_of_need=r[6],
        lead_professional_id=r[7],
        lead_professional=r[8],
        highest_risk=r[9],
        last_contact=r[10],
        next_visit_due=r[11],
        plan_review_due=r[12],
        consent_review_due=r[13],
        open_conflicts=int(r[14] or 0),
    )


def count_team(session: Session, query: TeamQuery) -> int:
    stmt = _joined(select(func.count(Person.id)), replace(query, sort="name"))
    return int(session.execute(_where(stmt, query)).scalar_one())


def fetch_team(workspace: Workspace, query: TeamQuery) -> tuple[int, list[TeamRow]]:
    """(total matching, the requested page) in one short read."""
    with workspace.store.read() as session:
        return count_team(session, query), list_team(session, query)
