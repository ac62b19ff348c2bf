"""The printed care and support plan's shapes: plain frozen dataclasses that
plan_content.py fills from the record snapshot and plan_pdf.py lays out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.reports.plan_carers import CarerContingency
    from app.reports.plan_support import PlanSupport


@dataclass(frozen=True)
class Contact:
    """A professional, a service or a person: who they are and how to reach them."""

    name: str
    role: str | None = None
    organisation: str | None = None
    phone: str | None = None
    team: str | None = None


@dataclass(frozen=True)
class PersonDetails:
    person_id: str
    name: str
    full_name: str
    preferred_name: str | None
    nhs_number: str | None
    date_of_birth: date
    address: tuple[str, ...]
    phone: str | None
    gp: Contact | None
    language: str
    interpreter_needed: bool
    communication_needs: str | None
    large_print: bool


@dataclass(frozen=True)
class PlanStatusInfo:
    plan_id: str | None
    version: int
    draft: bool
    agreed_on: date | None
    agreed_with_name: str | None
    agreed_with_role: str | None
    review_due: date | None
    review_owner: Contact | None
    funding_source: str | None
    last_changed: datetime | None


@dataclass(frozen=True)
class AboutMeSection:
    prompts: tuple[tuple[str, str], ...]
    strengths: tuple[str, ...]
    supported_by: str | None
    last_updated: date | None


@dataclass(frozen=True)
class ActionItem:
    what: str
    who: Contact
    when: str | None
    due_on: date | None
    status: str
    status_code: str
    confidence: int | None
    strategies: str | None
    review_on: date | None


@dataclass(frozen=True)
class GoalItem:
    goal_id: str
    statement: str
    importance: int
    status: str
    status_code: str
    target_date: date | None
    outcome: str | None
    need: str | None
    actions: tuple[ActionItem, ...]


@dataclass(frozen=True)
class ContingencyItem:
    name: str
    trigger: str
    what_should_happen: str
    who_to_contact: str
    early_warning_signs: str | None
    equipment: str | None
    review_on: date | None


@dataclass(frozen=True)
class RiskItem:
    what: str
    description: str
    mitigation: str
    level: str
    owner: Contact | None
    review_on: date | None


@dataclass(frozen=True)
class NumberToCall:
    purpose: str
    who: str
    phone: str
    when: str


@dataclass(frozen=True)
class CarerItem:
    name: str
    relationship: str
    phone: str | None
    roles: tuple[str, ...]
    carers_assessment: str | None
    comments: str | None


@dataclass(frozen=True)
class FindingItem:
    """One part of the initial assessment the person agreed to show in their plan."""

    part: str
    findings: str
    needs_help_with: tuple[str, ...]
    by: str | None
    assessed_on: date


@dataclass(frozen=True)
class SharingItem:
    information: str
    with_whom: str
    decision: str
    decision_code: str
    given_by: str
    how: str
    decided_on: date
    review_on: date | None
    withdrawn_on: date | None


@dataclass(frozen=True)
class ReablementItem:
    """A reablement episode under way: until when, and the goals it works on. Never
    a goal attainment score: the team's measure, not the family's reading."""

    started_on: date
    planned_end_on: date
    goals: tuple[str, ...]


@dataclass(frozen=True)
class PlanContent:
    person: PersonDetails
    plan: PlanStatusInfo
    about_me: AboutMeSection
    important: tuple[str, ...]
    goals: tuple[GoalItem, ...]
    contingency: tuple[ContingencyItem, ...]
    risks: tuple[RiskItem, ...]
    lead: Contact | None
    professionals: tuple[Contact, ...]
    numbers: tuple[NumberToCall, ...]
    carers: tuple[CarerItem, ...]
    sharing: tuple[SharingItem, ...]
    printed_at: datetime
    # What the initial assessment found, only the parts the person agreed to print.
    findings: tuple[FindingItem, ...] = ()
    reablement: ReablementItem | None = None
    counts: dict[str, int] = field(default_factory=dict)
    # Actions agreed at a team meeting that serve no goal.
    agreed_at_meetings: tuple[ActionItem, ...] = ()
    # Each carer's "if I cannot care" plan (app.reports.plan_carers), never their scores.
    carer_contingency: tuple[CarerContingency, ...] = ()
    # Telecare and the personal budget (app/reports/plan_support.py); None: neither.
    support: PlanSupport | None = None

    @property
    def version_label(self) -> str:
        """ "Plan version 3", "Plan version 3 (draft: changed since it was agreed)", …"""
        plan = self.plan
        if plan.version == 0:
            return "Draft plan, not yet agreed"
        if plan.draft:
            return f"Plan version {plan.version}, draft: changed since it was agreed"
        return f"Plan version {plan.version}"


def long_date(value: date) -> str:
    """22 November 2026 (British, no leading zero, on every platform)."""
    return f"{value.day} {value.strftime('%B %Y')}"
