"""What the coordinator's team view asks for, as SQL: the query, the per-person
subqueries (last contact, consent review, conflicts), the sorts, the filters, and
only the joins a query needs (so counting and paging 5,000 people stay cheap).

The caseload's own clauses (search, next visit, plan review) are reused, so the
team view and the caseload agree on what "overdue" means. Last contact, consent
review and conflicts are correlated subqueries on indexed columns
(`contact_note (person_id, occurred_at)`, `consent_to_share.person_id`,
`sync_conflict.person_id`); overdue consent and risk reviews are an IN over the
small tables, worked out once per query.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from app.services import clock
from app.services.caseload import (
    CaseloadQuery,
    _lead,
    _next_visit_clause,
    _plan_review_clause,
    _search_clause,
)
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
