"""What the coordinator's team view asks for, as SQL: the query, the sorts, the
filters, and only the joins a query needs (so counting and paging 5,000 people
stay cheap).

The caseload's own clauses (search, next visit, plan review) are reused, so the
team view and the caseload agree on what "overdue" means (`app.values.overdue`). Last
contact, consent and risk review dates and open conflicts are columns of `caseload_summary`
(migration 0008, kept by triggers, indexed), like next visit and highest risk.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func

from app.services import clock
from app.services.caseload.caseload import CaseloadQuery, _lead, caseload_filters
from app.services.outcomes.follow_ups import not_died, people_due
from app.services.support import telecare_due
from app.values.overdue import before
from storage.tables import (
    CarePlan,
    CaseloadSummary,
    Locality,
    Person,
)

logger = logging.getLogger(__name__)

AT_RISK_SCORE = 15  # likelihood x impact: the red band on the caseload


@dataclass(frozen=True)
class TeamQuery(CaseloadQuery):
    """The caseload's filters plus the coordinator's: overdue reviews, conflicts."""

    consent_review_overdue: bool = False
    risk_review_overdue: bool = False
    with_conflicts: bool = False
    # Reablement's 91-day check waiting (set with include_closed: closed cases count).
    follow_up_due: bool = False
    # A telecare test due (app.services.support.telecare_due).
    telecare_due: bool = False
    sort: str = "name"


# Derived per person in caseload_summary (migration 0008), kept by triggers and indexed:
# a sort or filter on them is an index range, not a subquery per person.
_LAST_CONTACT = CaseloadSummary.last_contact_at
_CONSENT_REVIEW = CaseloadSummary.consent_review_due
_RISK_REVIEW = CaseloadSummary.risk_review_due
_CONFLICTS = func.coalesce(CaseloadSummary.open_conflicts, 0)

SORTS: dict[str, tuple[Any, ...]] = {
    "name": (Person.family_name, Person.given_name),
    "nhs_number": (Person.nhs_number,),
    "locality": (Locality.name, Person.family_name),
    "level_of_need": (Person.level_of_need, Person.family_name),
    "lead_professional": (_lead.display_name, Person.family_name),
    "risk": (CaseloadSummary.highest_risk, Person.family_name),
    "last_contact": (_LAST_CONTACT, Person.family_name),
    "next_visit_due": (CaseloadSummary.next_visit_due, Person.family_name),
    "plan_review_due": (CarePlan.review_due, Person.family_name),
    "consent_review_due": (_CONSENT_REVIEW, Person.family_name),
    "risk_review_due": (_RISK_REVIEW, Person.family_name),
    "open_conflicts": (_CONFLICTS, Person.family_name),
}
_SUMMARY_SORTS = {
    "risk",
    "last_contact",
    "next_visit_due",
    "consent_review_due",
    "risk_review_due",
    "open_conflicts",
}


def consent_review_overdue(today: date) -> Any:
    """People with consent in force whose soonest review date has passed."""
    return before(_CONSENT_REVIEW, today)


def risk_review_overdue(today: date) -> Any:
    """People with an active risk whose review date has passed."""
    return before(_RISK_REVIEW, today)


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
        or query.consent_review_overdue
        or query.risk_review_overdue
        or query.with_conflicts
        or sort in _SUMMARY_SORTS
    ):
        stmt = stmt.outerjoin(CaseloadSummary, CaseloadSummary.person_id == Person.id)
    return stmt


def _where(stmt: Select[*tuple[Any, ...]], query: TeamQuery) -> Select[*tuple[Any, ...]]:
    """The caseload's own filters (the same clauses, so both views agree) and the
    coordinator's."""
    stmt = caseload_filters(stmt, query)
    today = clock.local(query.as_of or clock.now()).date()
    if query.consent_review_overdue:
        stmt = stmt.where(consent_review_overdue(today))
    if query.risk_review_overdue:
        stmt = stmt.where(risk_review_overdue(today))
    if query.with_conflicts:
        stmt = stmt.where(CaseloadSummary.open_conflicts > 0)
    if query.follow_up_due:
        stmt = stmt.where(not_died(), Person.id.in_(people_due(today)))
    if query.telecare_due:
        stmt = stmt.where(Person.id.in_(telecare_due.people_due(today)))
    return stmt
