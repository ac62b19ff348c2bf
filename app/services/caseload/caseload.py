"""The caseload: who is on it, found, filtered, sorted and paged in SQL."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.errors import InvalidInputError
from app.services import clock
from app.services.need_to_know.access import legitimate_clause, viewer_of
from app.services.need_to_know.access_policy import Viewer
from app.values.nhs_number import format_nhs_number
from app.values.overdue import before
from app.workspace import Workspace
from storage.tables import CarePlan, CaseloadSummary, Locality, Person, StaffMember


@dataclass(frozen=True)
class CaseloadRow:
    person_id: str
    nhs_number: str
    given_name: str
    family_name: str
    preferred_name: str | None
    date_of_birth: date
    postcode: str
    locality: str | None
    level_of_need: str
    lead_professional: str | None
    status: str
    next_visit_due: datetime | None
    plan_review_due: date | None
    highest_risk: int | None
    alert_kinds: tuple[str, ...]
    # Outside the viewer's legitimate relationship: only name, year of birth
    # (date_of_birth is 1 January of that year) and locality are filled in.
    limited: bool = False

    @property
    def year_of_birth(self) -> int:
        return self.date_of_birth.year

    @property
    def display_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    @property
    def nhs_number_formatted(self) -> str:
        return format_nhs_number(self.nhs_number)


@dataclass(frozen=True)
class CaseloadQuery:
    search: str = ""
    locality: str | None = None
    level_of_need: str | None = None
    lead_professional_id: str | None = None
    unallocated: bool = False
    include_closed: bool = False
    # Highest active risk score (likelihood x impact, 1-25) at least this.
    min_risk: int | None = None
    # One of NEXT_VISIT_FILTERS / PLAN_REVIEW_FILTERS, or None for any.
    next_visit: str | None = None
    plan_review: str | None = None
    # "Now" for the date filters (default: the real now); tests pin it.
    as_of: datetime | None = None
    sort: str = "name"
    descending: bool = False
    limit: int | None = None
    offset: int = 0


# Filters on when the next visit is due and when the plan review is due.
NEXT_VISIT_FILTERS = ("overdue", "today", "week", "none")
PLAN_REVIEW_FILTERS = ("overdue", "month", "none")


# Next visit, highest risk and alerts come from caseload_summary, which SQLite
# triggers keep current, so sorting 5,000 people on them uses an index.
_NEXT_VISIT = CaseloadSummary.next_visit_due
_HIGHEST_RISK = CaseloadSummary.highest_risk
_ALERTS = CaseloadSummary.alert_kinds
_lead = aliased(StaffMember)

SORTS = {
    "name": (Person.family_name, Person.given_name),
    "nhs_number": (Person.nhs_number,),
    "date_of_birth": (Person.date_of_birth,),
    "locality": (Locality.name, Person.family_name),
    "level_of_need": (Person.level_of_need, Person.family_name),
    "lead_professional": (_lead.display_name, Person.family_name),
    "next_visit_due": (_NEXT_VISIT, Person.family_name),
    "plan_review_due": (CarePlan.review_due, Person.family_name),
    "risk": (_HIGHEST_RISK, Person.family_name),
    "postcode": (Person.postcode,),
}
_POSTCODE_START = re.compile(r"^[A-Za-z]{1,2}[0-9]")


def _search_clause(text: str) -> object | None:
    cleaned = text.strip()
    if not cleaned:
        return None
    digits = re.sub(r"[\s-]", "", cleaned)
    if digits.isdigit():
        return Person.nhs_number.startswith(digits, autoescape=True)
    clauses = []
    if _POSTCODE_START.match(cleaned):
        squashed = cleaned.upper().replace(" ", "")
        clauses.append(func.replace(Person.postcode, " ", "").startswith(squashed, autoescape=True))
    name_terms = [
        or_(
            # SQLite's LIKE already ignores ASCII case; lower() would cost a
            # function call per row and gain nothing.
            Person.family_name.startswith(term, autoescape=True),
            Person.given_name.startswith(term, autoescape=True),
            Person.preferred_name.startswith(term, autoescape=True),
        )
        for term in cleaned.replace(",", " ").split()
    ]
    clauses.append(and_(*name_terms))
    return or_(*clauses)


def _clinical(query: CaseloadQuery) -> bool:
    """Filters on clinical detail: people outside the relationship never match them,
    or the filter itself would tell what their record holds."""
    return bool(
        query.level_of_need
        or query.lead_professional_id
        or query.unallocated
        or query.min_risk is not None
        or query.next_visit
        or query.plan_review
    )


def _base(query: CaseloadQuery, viewer: Viewer | None) -> Select[*tuple[Any, ...]]:
    stmt: Select[*tuple[Any, ...]] = (
        select(
            Person.id,
            Person.nhs_number,
            Person.given_name,
            Person.family_name,
            Person.preferred_name,
            Person.date_of_birth,
            Person.postcode,
            Locality.name,
            Person.level_of_need,
            _lead.display_name,
            Person.status,
            _NEXT_VISIT.label("next_visit_due"),
            CarePlan.review_due,
            _HIGHEST_RISK.label("highest_risk"),
            _ALERTS.label("alerts"),
        )
        .outerjoin(Locality, Locality.id == Person.locality_id)
        .outerjoin(_lead, _lead.id == Person.lead_professional_id)
        .outerjoin(CarePlan, CarePlan.person_id == Person.id)
        .outerjoin(CaseloadSummary, CaseloadSummary.person_id == Person.id)
    )
    return _filtered(stmt, query, viewer)


def _filtered(
    stmt: Select[*tuple[Any, ...]], query: CaseloadQuery, viewer: Viewer | None
) -> Select[*tuple[Any, ...]]:
    if viewer is not None and _clinical(query):
        stmt = stmt.where(legitimate_clause(viewer))
    return caseload_filters(stmt, query)


def caseload_filters(
    stmt: Select[*tuple[Any, ...]], query: CaseloadQuery
) -> Select[*tuple[Any, ...]]:
    """The caseload's own filters, which the Team view applies too (its TeamQuery is a
    CaseloadQuery), so both views agree on who is, say, overdue a visit."""
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
    return stmt


def _next_visit_clause(which: str, now: datetime) -> object:
    start, end = clock.day_bounds(clock.local(now).date())
    due = CaseloadSummary.next_visit_due
    match which:
        case "overdue":
            return before(due, now)
        case "today":
            return and_(due >= start, due < end)
        case "week":
            return and_(due >= now, due < now + timedelta(days=7))
        case "none":
            return due.is_(None)
    raise InvalidInputError(
        "'{which}' is not a next-visit filter. Use: {filters}.",
        which=which,
        filters=", ".join(NEXT_VISIT_FILTERS),
    )


def _plan_review_clause(which: str, now: datetime) -> object:
    today = clock.local(now).date()
    match which:
        case "overdue":
            return before(CarePlan.review_due, today)
        case "month":
            return and_(CarePlan.review_due >= today, CarePlan.review_due < today + timedelta(30))
        case "none":
            return CarePlan.review_due.is_(None)
    raise InvalidInputError(
        "'{which}' is not a plan review filter. Use: {filters}.",
        which=which,
        filters=", ".join(PLAN_REVIEW_FILTERS),
    )


def _limited(r: Any) -> CaseloadRow:
    """Name, year of birth and locality: what search shows of someone outside the
    viewer's relationship, so they can be found and (with a reason) opened."""
    return CaseloadRow(
        person_id=r[0],
        nhs_number="",
        given_name=r[2],
        family_name=r[3],
        preferred_name=None,
        date_of_birth=date(r[5].year, 1, 1),
        postcode="",
        locality=r[7],
        level_of_need="",
        lead_professional=None,
        status=r[10],
        next_visit_due=None,
        plan_review_due=None,
        highest_risk=None,
        alert_kinds=(),
        limited=True,
    )


def _inside(
    session: Session, viewer: Viewer | None, query: CaseloadQuery, ids: list[str]
) -> set[str]:
    """Which of this page's people are inside the viewer's relationship: asked for
    the page only (at most a page of lookups), not for every row the sort reads."""
    if viewer is None or _clinical(query) or not ids:
        return set(ids)  # no viewer: everyone; a clinical filter already kept only these
    return set(
        session.execute(
            select(Person.id).where(Person.id.in_(ids), legitimate_clause(viewer))
        ).scalars()
    )


def list_people(
    session: Session, query: CaseloadQuery = CaseloadQuery(), viewer: Viewer | None = None
) -> list[CaseloadRow]:
    """The page of people; with a `viewer`, those outside their relationship come limited."""
    if query.sort not in SORTS:
        raise InvalidInputError(
            "Cannot sort by '{sort}'. Sort by: {sorts}.", sort=query.sort, sorts=", ".join(SORTS)
        )
    order = [c.desc() if query.descending else c.asc() for c in SORTS[query.sort]]
    stmt = _base(query, viewer).order_by(*order, Person.id).offset(query.offset)
    if query.limit is not None:
        stmt = stmt.limit(query.limit)
    rows: Sequence[Any] = session.execute(stmt).all()
    inside = _inside(session, viewer, query, [r[0] for r in rows])
    return [
        _limited(r)
        if r[0] not in inside
        else CaseloadRow(
            person_id=r[0],
            nhs_number=r[1] or "",
            given_name=r[2],
            family_name=r[3],
            preferred_name=r[4],
            date_of_birth=r[5],
            postcode=r[6],
            locality=r[7],
            level_of_need=r[8],
            lead_professional=r[9],
            status=r[10],
            next_visit_due=r[11],
            plan_review_due=r[12],
            highest_risk=r[13],
            alert_kinds=tuple(r[14].split(",")) if r[14] else (),
        )
        for r in rows
    ]


def count_people(
    session: Session, query: CaseloadQuery = CaseloadQuery(), viewer: Viewer | None = None
) -> int:
    stmt: Select[*tuple[Any, ...]] = select(func.count(Person.id))
    # Join only what the filters need: counting 5,000 people stays an index scan.
    if query.locality:
        stmt = stmt.outerjoin(Locality, Locality.id == Person.locality_id)
    if query.plan_review:
        stmt = stmt.outerjoin(CarePlan, CarePlan.person_id == Person.id)
    if query.min_risk is not None or query.next_visit:
        stmt = stmt.outerjoin(CaseloadSummary, CaseloadSummary.person_id == Person.id)
    return int(session.execute(_filtered(stmt, query, viewer)).scalar_one())


def fetch(
    workspace: Workspace, query: CaseloadQuery = CaseloadQuery()
) -> tuple[int, list[CaseloadRow]]:
    """(total matching, the requested page) in one short read: what a view needs.
    People outside the signed-in user's relationship come limited (need-to-know)."""
    with workspace.store.read() as session:
        viewer = viewer_of(session, workspace.actor)
        return count_people(session, query, viewer), list_people(session, query, viewer)


def localities(workspace: Workspace) -> list[str]:
    """The locality names to filter by, A-Z."""
    with workspace.store.read() as session:
        return list(session.execute(select(Locality.name).order_by(Locality.name)).scalars())
