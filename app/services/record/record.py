"""One person's record for the desktop app, as small frozen dataclasses: a projection
of the record snapshot (`app.services.record.record_snapshot`).

`open_record` reads everything but the timeline in one short transaction
(with one `record_viewed` audit event when the user opens it); the timeline
pages separately (`app.services.record.timeline`), so a person with years of notes
opens as fast as one with none. Opening needs a legitimate relationship or a
break-glass grant in force (`app.services.need_to_know.access`, applied by the snapshot);
restricted alert detail reaches here only for the viewers the access policy
allows, otherwise only the fact that it exists and whom to ask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select

from app.services import clock
from app.services.carers.strain_trends import carer_prompts, snapshot_trends, strain_of
from app.services.outcomes.outcomes_view import OutcomesView, outcomes_view
from app.services.record.record_snapshot import RecordSnapshot, load_snapshot, undated_first
from app.services.support.support_view import SupportView, support_view
from app.values.about_me_fields import ABOUT_ME_FIELDS
from app.values.nhs_number import format_nhs_number
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import Alert, Organisation

Row = TypeVar("Row")

# Alerts a visitor must see first, in this order; the rest follow by kind.
ALERT_ORDER = ("lone_worker", "access_to_home", "safeguarding", "dnacpr", "respect", "allergy")


@dataclass(frozen=True)
class Header:
    person_id: str
    nhs_number: str
    title: str | None
    given_name: str
    family_name: str
    preferred_name: str | None
    date_of_birth: date
    address: tuple[str, ...]
    phone: str | None
    locality: str | None
    level_of_need: str
    status: str
    lead_professional: str | None
    lead_professional_phone: str | None
    gp: str | None
    language: str
    interpreter_needed: bool
    communication_needs: str | None
    # The address as its parts, for the Edit details form (`address` is for reading).
    address_line1: str = ""
    address_line2: str | None = None
    town: str | None = None
    postcode: str = ""
    # Set when the case is closed: why, and since when.
    closed_reason: str | None = None
    closed_on: date | None = None
    # Whether they live alone (None: not recorded).
    lives_alone: bool | None = None
    # The team's carer-strain prompts firing: "Mary O'Neill: Carer strain has risen...".
    carer_prompts: tuple[str, ...] = ()

    @property
    def nhs_number_formatted(self) -> str:
        return format_nhs_number(self.nhs_number) if self.nhs_number else ""

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass(frozen=True)
class AlertItem:
    id: str
    kind: str
    summary: str
    has_restricted_detail: bool
    started_on: date | None
    active: bool
    # The restricted detail when this viewer may see it (access policy), else None;
    # `ask` says whom to ask when it exists but is withheld.
    restricted_detail: str | None = None
    ask: str | None = None


@dataclass(frozen=True)
class ActionItem:
    id: str
    goal_id: str | None  # None: agreed at a team meeting, serving no goal
    what: str
    who_name: str
    who_role: str | None
    timing: str | None
    due_on: date | None
    status: str
    confidence: int | None


@dataclass(frozen=True)
class GoalItem:
    id: str
    statement: str
    importance: int
    status: str
    target_date: date | None
    outcome: str | None
    actions: tuple[ActionItem, ...]
    # Where the person starts on the goal's attainment scale (-1 or -2); None: no scale.
    gas_baseline: int | None = None


@dataclass(frozen=True)
class TextItem:
    id: str
    text: str
    detail: str | None = None


@dataclass(frozen=True)
class ContingencyItem:
    id: str
    name: str
    trigger: str
    what_should_happen: str
    who_to_contact: str
    early_warning_signs: str | None
    review_on: date | None


@dataclass(frozen=True)
class PlanView:
    id: str | None
    version: int
    status: str
    agreed_on: date | None
    agreed_with_name: str | None
    agreed_with_role: str | None
    review_due: date | None
    strengths: tuple[TextItem, ...]
    needs: tuple[TextItem, ...]
    goals: tuple[GoalItem, ...]
    contingency: tuple[ContingencyItem, ...]
    # Actions agreed at a team meeting that serve no goal (by due date).
    agreed_at_meetings: tuple[ActionItem, ...] = ()


@dataclass(frozen=True)
class RiskItem:
    id: str
    kind: str
    description: str
    likelihood: int
    impact: int
    mitigation: str
    review_on: date | None
    status: str
    owner: str | None

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


@dataclass(frozen=True)
class CarerItem:
    id: str
    name: str
    relationship: str
    phone: str | None
    is_main_carer: bool
    carers_assessment: str | None
    is_key_holder: bool
    lasting_power_of_attorney: str | None
    is_emergency_contact: bool
    comments: str | None
    carers_assessment_date: date | None = None
    # What happens if this carer cannot care (printed in the home plan).
    contingency_plan: str | None = None
    # Their carer-strain checks' totals, oldest first, the trend in words and the
    # team's prompt (app.services.carers).
    strain_totals: tuple[int, ...] = ()
    strain_trend: str = ""
    strain_prompt: str | None = None


@dataclass(frozen=True)
class ProfessionalItem:
    id: str
    name: str
    role: str
    team: str | None
    organisation: str | None
    contact_details: str | None
    is_key_worker: bool
    start_date: date | None = None
    end_date: date | None = None
    organisation_id: str | None = None


@dataclass(frozen=True)
class ConsentItem:
    id: str
    partner_id: str | None
    partner: str | None  # None: every partner in the sharing agreement
    category: str
    decision: str
    given_by: str
    method: str
    decided_on: date
    review_on: date | None
    withdrawn_on: date | None
    reason_refused: str | None


@dataclass(frozen=True)
class AssessmentItem:
    id: str
    kind: str
    assessed_on: date
    summary: str
    score: str | None
    # Who assessed, and for whom they work: each assessment is signed by its author.
    by: str | None = None
    # A part of the joint initial assessment (AssessmentPart code), or None.
    part: str | None = None
    # Daily living: the Care Act outcomes (codes) the person needs help with.
    needs_help_with: tuple[str, ...] = ()
    # The person agreed it is shown in their printed plan.
    shown_in_plan: bool = False
    # The signer's staff id (only they revise it).
    by_id: str | None = None
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class ReferralItem:
    id: str
    source: str
    referrer_name: str | None
    reason: str
    urgency: str
    received_on: date
    first_contact_due: date | None


@dataclass(frozen=True)
class VisitItem:
    id: str
    due_at: datetime
    purpose: str
    assigned_to: str | None


@dataclass(frozen=True)
class PersonRecord:
    header: Header
    alerts: tuple[AlertItem, ...]
    about_me: dict[str, str]
    about_me_updated: date | None
    plan: PlanView
    risks: tuple[RiskItem, ...]
    carers: tuple[CarerItem, ...]
    professionals: tuple[ProfessionalItem, ...]
    consent: tuple[ConsentItem, ...]
    assessments: tuple[AssessmentItem, ...]
    capacity: tuple[AssessmentItem, ...]
    upcoming_visits: tuple[VisitItem, ...]
    # How the person came to the team, newest first.
    referrals: tuple[ReferralItem, ...] = ()
    # Set when the record is open only through a break-glass grant: when it ends.
    break_glass_until: datetime | None = None
    # Reablement, goal reviews, hospital events, experience.
    outcomes: OutcomesView | None = None
    # Telecare equipment and personal budgets.
    support: SupportView | None = None


def _newest_first(rows: Iterable[Row], when: Callable[[Row], date | None]) -> list[Row]:
    """Newest first, undated last, ties by id (as SQLite orders `when DESC, id`)."""
    by_id = sorted(rows, key=lambda r: r.id)  # type: ignore[attr-defined]
    return sorted(by_id, key=lambda r: undated_first(when(r)), reverse=True)


def _header(snap: RecordSnapshot) -> Header:
    person = snap.person
    lead = snap.staff.get(person.lead_professional_id or "")
    locality = snap.localities.get(person.locality_id or "")
    gp = snap.organisations.get(person.gp_practice_id or "")
    address = tuple(
        part
        for part in (person.address_line1, person.address_line2, person.town, person.postcode)
        if part
    )
    return Header(
        person_id=person.id,
        nhs_number=person.nhs_number or "",
        title=person.title,
        given_name=person.given_name,
        family_name=person.family_name,
        preferred_name=person.preferred_name,
        date_of_birth=person.date_of_birth,
        address=address,
        phone=person.phone,
        locality=locality.name if locality else None,
        level_of_need=person.level_of_need,
        status=person.status,
        lead_professional=lead.display_name if lead else None,
        lead_professional_phone=lead.phone if lead else None,
        gp=" ".join(
            p for p in ((gp.name if gp else None), person.gp_name and f"({person.gp_name})") if p
        )
        or None,
        language=person.language,
        interpreter_needed=person.interpreter_needed,
        communication_needs=person.communication_needs,
        address_line1=person.address_line1,
        address_line2=person.address_line2,
        town=person.town,
        postcode=person.postcode,
        closed_reason=person.closed_reason,
        closed_on=person.closed_on,
        lives_alone=person.lives_alone,
        carer_prompts=carer_prompts(snap),
    )


def _alert_rank(alert: Alert) -> tuple[int, str, tuple[bool, Any], str]:
    first = ALERT_ORDER.index(alert.kind) if alert.kind in ALERT_ORDER else len(ALERT_ORDER)
    return (first, alert.kind, undated_first(alert.started_on), alert.id)


def _alerts(snap: RecordSnapshot) -> tuple[AlertItem, ...]:
    # The snapshot's copies: restricted detail only where this viewer may see it.
    return tuple(
        AlertItem(
            a.id,
            a.kind,
            a.summary,
            bool(a.restricted_detail) or a.id in snap.alert_asks,
            a.started_on,
            a.active,
            a.restricted_detail or None,
            snap.alert_asks.get(a.id),
        )
        for a in sorted((a for a in snap.alerts if a.active), key=_alert_rank)
    )


def _plan(snap: RecordSnapshot) -> PlanView:
    plan = snap.plan
    actions: dict[str | None, list[ActionItem]] = {}
    undated_last = sorted(
        snap.actions, key=lambda a: (a.due_on is None, undated_first(a.due_on), a.id)
    )
    for a in undated_last:
        actions.setdefault(a.goal_id, []).append(
            ActionItem(
                a.id,
                a.goal_id,
                a.what,
                a.who_name,
                a.who_role,
                a.timing,
                a.due_on,
                a.status,
                a.confidence,
            )
        )
    goals = tuple(
        GoalItem(
            g.id,
            g.statement,
            g.importance,
            g.status,
            g.target_date,
            g.outcome,
            tuple(actions.get(g.id, ())),
            g.gas_baseline,
        )
        for g in sorted(snap.goals, key=lambda g: (-g.importance, g.recorded_at, g.id))
    )

    def recorded(rows: Iterable[Row]) -> list[Row]:
        """In the order written, leaving out what has ended (the plan as it stands)."""
        current = [r for r in rows if getattr(r, "ended_on", None) is None]
        return sorted(current, key=lambda r: (r.recorded_at, r.id))  # type: ignore[attr-defined]

    return PlanView(
        id=plan.id if plan else None,
        version=plan.version if plan else 0,
        status=plan.status if plan else "draft",
        agreed_on=plan.agreed_on if plan else None,
        agreed_with_name=plan.agreed_with_name if plan else None,
        agreed_with_role=plan.agreed_with_role if plan else None,
        review_due=plan.review_due if plan else None,
        strengths=tuple(TextItem(s.id, s.description) for s in recorded(snap.strengths)),
        needs=tuple(
            TextItem(n.id, n.description, n.care_act_outcome) for n in recorded(snap.needs)
        ),
        goals=goals,
        agreed_at_meetings=tuple(actions.get(None, ())),
        contingency=tuple(
            ContingencyItem(
                c.id,
                c.name,
                c.trigger,
                c.what_should_happen,
                c.who_to_contact,
                c.early_warning_signs,
                c.review_on,
            )
            for c in recorded(snap.contingencies)
        ),
    )


def open_record(workspace: Workspace, person_id: str, *, viewed: bool = True) -> PersonRecord:
    """Everything but the timeline. `viewed` writes the audit event for opening it
    (a refresh after the user's own change is not a new view)."""
    with workspace.store.write(workspace.actor) as session:
        snap = load_snapshot(session, workspace.actor, person_id)
        record = screen_record(snap)
        if viewed:
            detail = {"break_glass": True} if snap.access.break_glass_until else None
            audit(session, "record_viewed", person_id=person_id, detail=detail)
    return record


def _signed(name: str | None, organisation: str | None) -> str | None:
    return ", ".join(p for p in (name, organisation) if p) or None


def screen_record(snap: RecordSnapshot) -> PersonRecord:
    """The desktop's view of a snapshot (the timeline pages separately)."""
    staff = {i: s.display_name for i, s in snap.staff.items()}
    orgs = {i: o.name for i, o in snap.organisations.items()}
    about = snap.about
    risks = sorted(
        snap.risks, key=lambda r: (r.status != "active", -(r.likelihood * r.impact), r.id)
    )
    carers = sorted(snap.personal_contacts, key=lambda c: (not c.is_main_carer, c.name, c.id))
    strain = snapshot_trends(snap)
    pros = sorted(snap.professional_contacts, key=lambda p: (not p.is_key_worker, p.name, p.id))
    visits = sorted(
        (v for v in snap.visits if v.status == "planned"), key=lambda v: (v.due_at, v.id)
    )[:10]
    return PersonRecord(
        header=_header(snap),
        alerts=_alerts(snap),
        about_me={f: (getattr(about, f) or "") for f in ABOUT_ME_FIELDS} if about else {},
        about_me_updated=about.last_updated if about else None,
        plan=_plan(snap),
        risks=tuple(
            RiskItem(
                r.id,
                r.kind,
                r.description,
                r.likelihood,
                r.impact,
                r.mitigation or "",
                r.review_on,
                r.status,
                staff.get(r.owner_id or ""),
            )
            for r in risks
        ),
        carers=tuple(
            CarerItem(
                c.id,
                c.name,
                c.relationship,
                c.phone,
                c.is_main_carer,
                c.carers_assessment,
                c.is_key_holder,
                c.lasting_power_of_attorney,
                c.is_emergency_contact,
                c.comments,
                c.carers_assessment_date,
                c.contingency_plan,
                *strain_of(strain.get(c.id)),
            )
            for c in carers
        ),
        professionals=tuple(
            ProfessionalItem(
                p.id,
                p.name,
                p.role,
                p.team,
                orgs.get(p.organisation_id or ""),
                p.contact_details,
                p.is_key_worker,
                p.start_date,
                p.end_date,
                p.organisation_id,
            )
            for p in pros
        ),
        consent=tuple(
            ConsentItem(
                c.id,
                c.partner_organisation_id,
                orgs.get(c.partner_organisation_id or "") if c.partner_organisation_id else None,
                c.category,
                c.decision,
                c.given_by,
                c.method,
                c.decided_on,
                c.review_on,
                c.withdrawn_on,
                c.reason_refused,
            )
            for c in _newest_first(snap.consents, lambda c: c.decided_on)
        ),
        assessments=tuple(
            AssessmentItem(
                a.id,
                a.assessment_type,
                a.assessed_on,
                a.summary,
                a.score,
                _signed(staff.get(a.performed_by_id or ""), orgs.get(a.recorded_org or "")),
                a.part,
                tuple(code for code in (a.needs_help_with or "").split(",") if code),
                bool(a.shown_in_plan),
                a.performed_by_id,
                a.recorded_at,
            )
            for a in _newest_first(snap.assessments, lambda a: a.assessed_on)
        ),
        capacity=tuple(
            AssessmentItem(
                m.id,
                m.decision,
                m.assessed_on,
                m.notes or "",
                m.outcome,
                _signed(staff.get(m.assessed_by_id or ""), orgs.get(m.recorded_org or "")),
            )
            for m in _newest_first(snap.capacity, lambda m: m.assessed_on)
        ),
        upcoming_visits=tuple(
            VisitItem(v.id, v.due_at, v.purpose, staff.get(v.assigned_to_id or "")) for v in visits
        ),
        referrals=tuple(
            ReferralItem(
                r.id,
                r.source,
                r.referrer_name,
                r.reason,
                r.urgency,
                r.received_on,
                r.first_contact_due,
            )
            for r in _newest_first(snap.referrals, lambda r: r.received_on)
        ),
        break_glass_until=snap.access.break_glass_until,
        outcomes=outcomes_view(snap, clock.today()),
        support=support_view(snap, clock.today()),
    )


def partner_organisations(workspace: Workspace) -> list[tuple[str, str]]:
    """(id, name) of every organisation, A-Z: the partners consent can name."""
    with workspace.store.read() as session:
        rows = session.execute(
            select(Organisation.id, Organisation.name).order_by(Organisation.name)
        )
        return [(r[0], r[1]) for r in rows]
