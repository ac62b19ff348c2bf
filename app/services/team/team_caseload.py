"""The coordinator's team caseload: every person in the team with who leads their
care and what is due, filtered, sorted and paged in SQL (`team_query`).

A page comes in two steps, as a big table model should: the page's ids (with only
the joins its filters and sort need), then the columns for those ids only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError
from app.services.caseload.caseload import _lead
from app.services.team.team_query import (
    _CONFLICTS,
    _CONSENT_REVIEW,
    _LAST_CONTACT,
    AT_RISK_SCORE,
    SORTS,
    TeamQuery,
    _joined,
    _where,
    consent_review_overdue,
    risk_review_overdue,
)
from app.services.team.team_scope import TeamScope, team_scope
from app.values.nhs_number import format_nhs_number
from app.workspace import Workspace
from storage.tables import CarePlan, CaseloadSummary, Locality, Person

logger = logging.getLogger(__name__)

__all__ = [
    "AT_RISK_SCORE",
    "SORTS",
    "TeamQuery",
    "TeamRow",
    "consent_review_overdue",
    "count_team",
    "fetch_team",
    "list_team",
    "page_ids",
    "risk_review_overdue",
]


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


def page_ids(session: Session, query: TeamQuery, scope: TeamScope) -> list[str]:
    """The ids of one page, in order: only the joins the filters and sort need."""
    if query.sort not in SORTS:
        raise InvalidInputError(
            "Cannot sort by '{sort}'. Sort by: {sorts}.", sort=query.sort, sorts=", ".join(SORTS)
        )
    order = [c.desc() if query.descending else c.asc() for c in SORTS[query.sort]]
    stmt = _where(_joined(select(Person.id), query), query).where(scope.people())
    stmt = stmt.order_by(*order, Person.id).offset(query.offset)
    if query.limit is not None:
        stmt = stmt.limit(query.limit)
    return list(session.execute(stmt).scalars())


def list_team(session: Session, query: TeamQuery, scope: TeamScope) -> list[TeamRow]:
    """One page of rows. Two steps, as a big table model should: the page's ids
    (sorted and filtered in SQL, with only the joins they need), then the columns
    for those ids only."""
    ids = page_ids(session, query, scope)
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
            _LAST_CONTACT,
            CaseloadSummary.next_visit_due,
            CarePlan.review_due,
            _CONSENT_REVIEW,
            _CONFLICTS,
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


def count_team(session: Session, query: TeamQuery, scope: TeamScope) -> int:
    stmt = _joined(select(func.count(Person.id)), replace(query, sort="name"))
    return int(session.execute(_where(stmt, query).where(scope.people())).scalar_one())


def fetch_team(workspace: Workspace, query: TeamQuery) -> tuple[int, list[TeamRow]]:
    """(total matching, the requested page) in one short read; coordinators and the
    IG lead only, their team's people only (team_scope)."""
    with workspace.store.read() as session:
        scope = team_scope(session, workspace.actor)
        return count_team(session, query, scope), list_team(session, query, scope)
