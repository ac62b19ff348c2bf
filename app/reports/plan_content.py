"""The care and support plan as the person's home folder shows it: plain data, a
projection of the person's record snapshot (app/services/record/record_snapshot.py), in plain
English, with nothing restricted in it.

The layout (`plan_pdf`) only arranges what is gathered here, so what may be
printed is decided in one place:

* alert summaries only for the kinds a visitor to the home needs in an emergency
  (DNACPR, ReSPECT, allergies, oxygen, animals); never `restricted_detail`, and
  never safeguarding or lone-worker alerts, which could put the person or staff
  at risk if read by someone else in the house;
* active risks, current actions, the latest consent decision for each kind of
  information and partner; no reasons for refusing consent, no contact notes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from app.reports.plan_carers import carer_contingencies
from app.reports.plan_model import (
    AboutMeSection,
    ActionItem,
    CarerItem,
    Contact,
    ContingencyItem,
    FindingItem,
    GoalItem,
    NumberToCall,
    PersonDetails,
    PlanContent,
    PlanStatusInfo,
    ReablementItem,
    RiskItem,
    SharingItem,
    long_date,
)
from app.reports.plan_support import support_content
from app.services import clock
from app.services.record.record_snapshot import RecordSnapshot
from app.values.nhs_number import format_nhs_number
from app.values.vocab import (
    ActionStatus,
    AlertKind,
    AssessmentPart,
    CareActOutcome,
    CarersAssessment,
    ConsentCategory,
    GoalStatus,
    LastingPowerOfAttorney,
    OrganisationKind,
    RiskKind,
)
from storage.tables import (
    Alert,
    ConsentToShare,
    ContingencyPlan,
    Goal,
    Need,
    Organisation,
    Person,
    PersonalContact,
    PlanAction,
    ProfessionalContact,
    Risk,
    StaffMember,
    Strength,
    Team,
)

# Alert kinds whose summary belongs in the home folder (what a paramedic at 3 a.m.
# or a new carer must know). Safeguarding, lone-worker and access alerts stay in the
# record: written for staff, and some would endanger someone if read in the house.
PRINTABLE_ALERTS = (
    AlertKind.DNACPR.value,
    AlertKind.RESPECT.value,
    AlertKind.ALLERGY.value,
    AlertKind.OXYGEN.value,
    AlertKind.ANIMAL.value,
)

# The seven About me prompts (PRSB About Me), in the person's voice.
ABOUT_ME_PROMPTS = (
    ("most_important", "What matters most to me"),
    ("important_people", "People who are important to me"),
    ("how_i_communicate", "How I communicate and how to communicate with me"),
    ("my_wellness", "My wellness"),
    ("please_do_and_dont", "Please do and please don't"),
    ("how_and_when_to_support_me", "How and when to support me"),
    ("also_worth_knowing", "Also worth knowing about me"),
)

GOAL_STATUS_WORDS = {
    GoalStatus.NOT_STARTED.value: "Not started yet",
    GoalStatus.IN_PROGRESS.value: "Working on it",
    GoalStatus.ACHIEVED.value: "Achieved",
    GoalStatus.PARTIALLY_ACHIEVED.value: "Partly achieved",
    GoalStatus.NOT_ACHIEVED.value: "Not achieved",
    GoalStatus.DISCONTINUED.value: "No longer a goal",
}
# Goals I am working on first, then what I have achieved, then the rest.
_GOAL_ORDER = {
    GoalStatus.IN_PROGRESS.value: 0,
    GoalStatus.NOT_STARTED.value: 0,
    GoalStatus.PARTIALLY_ACHIEVED.value: 1,
    GoalStatus.ACHIEVED.value: 1,
    GoalStatus.NOT_ACHIEVED.value: 2,
    GoalStatus.DISCONTINUED.value: 2,
}
ACTION_STATUS_WORDS = {
    ActionStatus.PLANNED.value: "Planned",
    ActionStatus.IN_PROGRESS.value: "Started",
    ActionStatus.DONE.value: "Done",
}
CONSENT_CATEGORY_WORDS = {
    ConsentCategory.ALL.value: "All my information",
    ConsentCategory.HEALTH.value: "My health information",
    ConsentCategory.SOCIAL_CARE.value: "My social care information",
    ConsentCategory.CARE_PLAN.value: "This care and support plan",
    ConsentCategory.SAFEGUARDING.value: "Information about keeping me safe",
    ConsentCategory.MENTAL_HEALTH.value: "My mental health information",
}
RISK_WORDS = {
    RiskKind.FALLS.value: "Falls",
    RiskKind.PRESSURE_DAMAGE.value: "Sore skin (pressure damage)",
    RiskKind.SELF_NEGLECT.value: "Looking after myself and my home",
    RiskKind.CARER_BREAKDOWN.value: "My carer not being able to carry on",
    RiskKind.MEDICATION.value: "My medicines",
    RiskKind.SOCIAL_ISOLATION.value: "Being lonely or cut off",
    RiskKind.FIRE.value: "Fire",
    RiskKind.MALNUTRITION.value: "Not eating or drinking enough",
    RiskKind.OTHER.value: "Other",
}
CARERS_ASSESSMENT_WORDS = {
    CarersAssessment.NOT_OFFERED.value: "not offered yet",
    CarersAssessment.OFFERED.value: "offered",
    CarersAssessment.DECLINED.value: "offered and declined",
    CarersAssessment.DONE.value: "done",
}
LPA_WORDS = {
    LastingPowerOfAttorney.HEALTH_AND_WELFARE.value: "health and welfare",
    LastingPowerOfAttorney.PROPERTY_AND_FINANCIAL.value: "property and financial affairs",
    LastingPowerOfAttorney.BOTH.value: "health and welfare, and property and financial affairs",
}
OUT_OF_HOURS_WHEN = "Evenings, nights, weekends and bank holidays"
NHS_111_WHEN = "24 hours, when it is not an emergency"
CONSENT_METHOD_WORDS = {"verbal": "spoken", "written": "in writing", "electronic": "electronically"}


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text or None


def _risk_level(likelihood: int, impact: int) -> str:
    score = likelihood * impact
    if score >= 15:
        return "High"
    if score >= 8:
        return "Medium"
    return "Low"


def _staff_contact(
    staff: StaffMember | None, orgs: dict[str, Organisation], teams: dict[str, Team]
) -> Contact | None:
    if staff is None:
        return None
    org = orgs.get(staff.organisation_id or "")
    team = teams.get(staff.team_id or "")
    return Contact(
        name=staff.display_name,
        role=_clean(staff.job_title) or staff.role.replace("_", " ").capitalize(),
        organisation=org.name if org else None,
        phone=_clean(staff.phone) or (team.phone if team else None),
        team=team.name if team else None,
    )


def _latest(stamps: Iterable[datetime | None]) -> datetime | None:
    present = [s for s in stamps if s is not None]
    return max(present) if present else None


def _touched(row: Any) -> datetime | None:
    updated: datetime | None = getattr(row, "updated_at", None)
    recorded: datetime | None = getattr(row, "recorded_at", None)
    return updated or recorded


def plan_content(snap: RecordSnapshot, *, now: datetime | None = None) -> PlanContent:
    """Everything the printed plan shows, for one person: a projection of their record
    snapshot (need-to-know applied there; the plan prints no restricted detail)."""
    printed_at = now or clock.now()
    person = snap.person
    about = snap.about
    plan = snap.plan
    goals: list[Goal] = list(snap.goals)
    actions: list[PlanAction] = list(snap.actions)
    needs: dict[str, Need] = {n.id: n for n in snap.needs}
    # The plan as it stands: what has ended is kept in the record, not printed.
    strengths: list[Strength] = [s for s in snap.strengths if s.ended_on is None]
    contingencies: list[ContingencyPlan] = [c for c in snap.contingencies if c.ended_on is None]
    risks: list[Risk] = [r for r in snap.risks if r.status == "active"]
    alerts: list[Alert] = [a for a in snap.alerts if a.active and a.kind in PRINTABLE_ALERTS]
    personal: list[PersonalContact] = list(snap.personal_contacts)
    professional: list[ProfessionalContact] = [
        c
        for c in snap.professional_contacts
        if c.end_date is None or c.end_date >= printed_at.date()
    ]
    consents: list[ConsentToShare] = list(snap.consents)
    # The staff the plan names, and their teams (whose numbers it may print).
    named = [person.lead_professional_id, plan.review_owner_id if plan else None]
    named += [r.owner_id for r in risks]
    staff = {i: snap.staff[i] for i in sorted({n for n in named if n}) if i in snap.staff}
    team_ids = {person.team_id, *(s.team_id for s in staff.values())}
    teams = {i: t for i, t in snap.teams.items() if i in team_ids}
    orgs = snap.organisations

    details = _person(person, orgs)
    lead = _staff_contact(staff.get(person.lead_professional_id or ""), orgs, teams)
    if lead is None:
        key_worker = next((c for c in professional if c.is_key_worker), None)
        if key_worker is not None:
            lead = _professional(key_worker, orgs)

    status = PlanStatusInfo(
        plan_id=plan.id if plan else None,
        version=plan.version if plan else 0,
        draft=plan is None or plan.status != "agreed",
        agreed_on=plan.agreed_on if plan else None,
        agreed_with_name=plan.agreed_with_name if plan else None,
        agreed_with_role=plan.agreed_with_role if plan else None,
        review_due=plan.review_due if plan else None,
        review_owner=_staff_contact(staff.get(plan.review_owner_id or ""), orgs, teams)
        if plan
        else None,
        funding_source=_clean(plan.funding_source) if plan else None,
        last_changed=_latest(
            _touched(r) for r in [*([plan] if plan else []), *goals, *actions, *contingencies]
        ),
    )

    goal_items = _goals(goals, actions, needs, orgs)
    agreed_at_meetings = tuple(
        _action(a, orgs) for a in _in_order([a for a in actions if a.goal_id is None and _shown(a)])
    )
    about_section = AboutMeSection(
        prompts=tuple(
            (heading, text)
            for key, heading in ABOUT_ME_PROMPTS
            if about is not None and (text := (getattr(about, key) or "").strip())
        ),
        strengths=tuple(s.description.strip() for s in strengths if s.description.strip()),
        supported_by=_clean(about.supported_to_write_by) if about else None,
        last_updated=about.last_updated if about else None,
    )
    important = tuple(
        a.summary.strip()
        for a in sorted(alerts, key=lambda a: (PRINTABLE_ALERTS.index(a.kind), a.summary))
    )
    contingency = tuple(
        ContingencyItem(
            name=c.name.strip(),
            trigger=c.trigger.strip(),
            what_should_happen=c.what_should_happen.strip(),
            who_to_contact=c.who_to_contact.strip(),
            early_warning_signs=_clean(c.early_warning_signs),
            equipment=_clean(c.anticipatory_medicines_equipment),
            review_on=c.review_on,
        )
        for c in sorted(contingencies, key=lambda c: c.name)
    )
    risk_items = tuple(
        RiskItem(
            what=RISK_WORDS.get(r.kind, r.kind.replace("_", " ").capitalize()),
            description=r.description.strip(),
            mitigation=r.mitigation.strip(),
            level=_risk_level(r.likelihood, r.impact),
            owner=_staff_contact(staff.get(r.owner_id or ""), orgs, teams),
            review_on=r.review_on,
        )
        for r in sorted(risks, key=lambda r: (-(r.likelihood * r.impact), r.kind))
    )
    professionals = tuple(
        _professional(c, orgs)
        for c in sorted(professional, key=lambda c: (not c.is_key_worker, c.name))
    )
    return PlanContent(
        person=details,
        plan=status,
        about_me=about_section,
        important=important,
        goals=goal_items,
        agreed_at_meetings=agreed_at_meetings,
        contingency=contingency,
        risks=risk_items,
        lead=lead,
        professionals=professionals,
        numbers=_numbers(person, lead, professional, actions, orgs, teams),
        carers=tuple(_carer(c) for c in _carers_first(personal)),
        sharing=_sharing(consents, orgs),
        printed_at=printed_at,
        findings=_findings(snap, orgs),
        reablement=_reablement(snap),
        carer_contingency=carer_contingencies(personal),
        support=support_content(snap, clock.local(printed_at).date()),
        counts={
            "goals": len(goal_items),
            "actions": sum(len(g.actions) for g in goal_items) + len(agreed_at_meetings),
            "contingency_plans": len(contingency),
            "risks": len(risk_items),
        },
    )


def _reablement(snap: RecordSnapshot) -> ReablementItem | None:
    """The episode under way, if any: its dates and its goals' own words (no scores)."""
    episode = next((e for e in snap.episodes if e.ended_on is None), None)
    if episode is None:
        return None
    goals = sorted(
        (g for g in snap.goals if g.reablement_episode_id == episode.id),
        key=lambda g: (-g.importance, g.recorded_at, g.id),
    )
    return ReablementItem(
        started_on=episode.started_on,
        planned_end_on=episode.planned_end_on,
        goals=tuple(g.statement.strip() for g in goals),
    )


def _person(person: Person, orgs: dict[str, Organisation]) -> PersonDetails:
    given = person.given_name.strip()
    name = f"{given} {person.family_name.strip()}"
    title = _clean(person.title)
    practice = orgs.get(person.gp_practice_id or "")
    gp = None
    if practice is not None or _clean(person.gp_name):
        gp = Contact(
            name=_clean(person.gp_name) or (practice.name if practice else ""),
            role="GP",
            organisation=practice.name if practice else None,
            phone=practice.phone if practice else None,
        )
    preferred = _clean(person.preferred_name)
    return PersonDetails(
        person_id=person.id,
        name=name,
        full_name=f"{title} {name}" if title else name,
        preferred_name=preferred if preferred and preferred != given else None,
        nhs_number=format_nhs_number(person.nhs_number) if person.nhs_number else None,
        date_of_birth=person.date_of_birth,
        address=tuple(
            part
            for part in (
                _clean(person.address_line1),
                _clean(person.address_line2),
                _clean(person.town),
                _clean(person.postcode),
            )
            if part
        ),
        phone=_clean(person.phone),
        gp=gp,
        language=person.language,
        interpreter_needed=person.interpreter_needed,
        communication_needs=_clean(person.communication_needs),
        large_print=person.large_print,
    )


def _professional(c: ProfessionalContact, orgs: dict[str, Organisation]) -> Contact:
    org = orgs.get(c.organisation_id or "")
    return Contact(
        name=c.name,
        role=_clean(c.role),
        organisation=org.name if org else None,
        phone=_clean(c.contact_details),
        team=_clean(c.team),
    )


def _goals(
    goals: list[Goal],
    actions: list[PlanAction],
    needs: dict[str, Need],
    orgs: dict[str, Organisation],
) -> tuple[GoalItem, ...]:
    by_goal: dict[str | None, list[PlanAction]] = {}
    for action in actions:
        if _shown(action):
            by_goal.setdefault(action.goal_id, []).append(action)
    ordered = sorted(
        goals, key=lambda g: (_GOAL_ORDER.get(g.status, 3), -g.importance, g.statement)
    )
    items = []
    for g in ordered:
        need = needs.get(g.need_id or "")
        goal_actions = _in_order(by_goal.get(g.id, []))
        items.append(
            GoalItem(
                goal_id=g.id,
                statement=g.statement.strip(),
                importance=g.importance,
                status=GOAL_STATUS_WORDS.get(g.status, g.status.replace("_", " ").capitalize()),
                status_code=g.status,
                target_date=g.target_date,
                outcome=_clean(g.outcome),
                need=need.description.strip() if need else None,
                actions=tuple(_action(a, orgs) for a in goal_actions),
            )
        )
    return tuple(items)


def _shown(action: PlanAction) -> bool:
    return action.status != ActionStatus.CANCELLED.value


def _in_order(actions: list[PlanAction]) -> list[PlanAction]:
    """Still to do first, soonest due first."""
    return sorted(
        actions, key=lambda a: (a.status == ActionStatus.DONE.value, a.due_on or date.max, a.what)
    )


def _action(a: PlanAction, orgs: dict[str, Organisation]) -> ActionItem:
    org = orgs.get(a.who_organisation_id or "")
    name = a.who_name.strip() or (org.name if org else "")
    return ActionItem(
        what=a.what.strip(),
        who=Contact(
            name=name,
            role=_clean(a.who_role),
            organisation=org.name if org and org.name != name else None,
            phone=_clean(a.who_contact),
        ),
        when=_clean(a.timing),
        due_on=a.due_on,
        status=ACTION_STATUS_WORDS.get(a.status, a.status.replace("_", " ").capitalize()),
        status_code=a.status,
        confidence=a.confidence,
        strategies=_clean(a.strategies),
        review_on=a.review_on,
    )


def _numbers(
    person: Person,
    lead: Contact | None,
    professional: list[ProfessionalContact],
    actions: list[PlanAction],
    orgs: dict[str, Organisation],
    teams: dict[str, Team],
) -> tuple[NumberToCall, ...]:
    """Who to ring, in the order someone in the home needs them."""
    numbers: list[NumberToCall] = []
    if lead is not None and lead.phone:
        numbers.append(
            NumberToCall(
                "My lead professional",
                f"{lead.name}, {lead.role}" if lead.role else lead.name,
                lead.phone,
                "Weekdays",
            )
        )
    team = teams.get(person.team_id or "")
    if team is not None and team.phone and (lead is None or team.phone != lead.phone):
        numbers.append(NumberToCall("My care team", team.name, team.phone, "Weekdays, 9am to 5pm"))
    practice = orgs.get(person.gp_practice_id or "")
    if practice is not None and practice.phone:
        numbers.append(NumberToCall("My GP practice", practice.name, practice.phone, "Weekdays"))

    # Organisations involved in my care, in a stable order, each listed once.
    involved: list[str] = []
    for oid in (
        *(c.organisation_id for c in professional),
        *(a.who_organisation_id for a in actions if a.status != ActionStatus.CANCELLED.value),
        *(t.organisation_id for t in teams.values()),
    ):
        if oid and oid in orgs and oid not in involved:
            involved.append(oid)
    telecare = [orgs[o] for o in involved if orgs[o].kind == OrganisationKind.TELECARE.value]
    for org in telecare:
        phone = org.out_of_hours_phone or org.phone
        if phone:
            numbers.append(NumberToCall("My telecare service", org.name, phone, "24 hours a day"))
    for oid in involved:
        org = orgs[oid]
        if org.kind == OrganisationKind.TELECARE.value or not org.out_of_hours_phone:
            continue
        numbers.append(
            NumberToCall("Out of hours", org.name, org.out_of_hours_phone, OUT_OF_HOURS_WHEN)
        )
    numbers.append(NumberToCall("Urgent medical help", "NHS 111", "111", NHS_111_WHEN))
    numbers.append(NumberToCall("Emergency", "Ambulance, fire or police", "999", "24 hours"))
    return tuple(numbers)


def _carers_first(contacts: list[PersonalContact]) -> list[PersonalContact]:
    return sorted(contacts, key=lambda c: (not c.is_main_carer, not c.is_emergency_contact, c.name))


def _carer(c: PersonalContact) -> CarerItem:
    roles = []
    if c.is_main_carer:
        roles.append("Main carer")
    if c.is_emergency_contact:
        roles.append("Emergency contact")
    if c.is_key_holder:
        roles.append("Holds a key")
    if c.lasting_power_of_attorney:
        what = LPA_WORDS.get(c.lasting_power_of_attorney, c.lasting_power_of_attorney)
        roles.append(f"Lasting power of attorney ({what})")
    assessment = None
    if c.carers_assessment:
        words = CARERS_ASSESSMENT_WORDS.get(c.carers_assessment, c.carers_assessment)
        assessment = f"Carer's assessment: {words}"
        if c.carers_assessment_date:
            assessment += f" ({long_date(c.carers_assessment_date)})"
    return CarerItem(
        name=c.name.strip(),
        relationship=c.relationship.strip(),
        phone=_clean(c.phone),
        roles=tuple(roles),
        carers_assessment=assessment,
        comments=_clean(c.comments),
    )


def _given_by(text: str) -> str:
    text = text.strip()
    if text.lower() in ("", "the person", "me"):
        return "Me"
    return text[0].upper() + text[1:]


def _sharing(
    consents: list[ConsentToShare], orgs: dict[str, Organisation]
) -> tuple[SharingItem, ...]:
    """The latest decision for each kind of information and partner."""
    latest: dict[tuple[str, str | None], ConsentToShare] = {}
    for c in sorted(consents, key=lambda c: (c.decided_on, c.recorded_at)):
        latest[(c.category, c.partner_organisation_id)] = c
    items = []
    for c in sorted(latest.values(), key=lambda c: (c.category != "all", c.category)):
        partner = orgs.get(c.partner_organisation_id or "")
        if c.decision == "given":
            decision = "Yes, I agreed"
        elif c.decision == "withdrawn":
            decision = "I have withdrawn my agreement"
        else:
            decision = "No, I did not agree"
        items.append(
            SharingItem(
                information=CONSENT_CATEGORY_WORDS.get(
                    c.category, c.category.replace("_", " ").capitalize()
                ),
                with_whom=partner.name
                if partner
                else "All the partner organisations in my care team",
                decision=decision,
                decision_code=c.decision,
                given_by=_given_by(c.given_by),
                how=CONSENT_METHOD_WORDS.get(c.method, c.method),
                decided_on=c.decided_on,
                review_on=c.review_on,
                withdrawn_on=c.withdrawn_on,
            )
        )
    return tuple(items)


def _findings(snap: RecordSnapshot, orgs: dict[str, Organisation]) -> tuple[FindingItem, ...]:
    """The initial assessment's parts the person agreed can be printed (the folder in
    the home is read by visitors and family), in the form's order."""
    order = {part.value: n for n, part in enumerate(AssessmentPart)}
    agreed = [a for a in snap.assessments if a.part in order and a.shown_in_plan]
    agreed.sort(key=lambda a: (order[a.part or ""], a.assessed_on, a.recorded_at))
    items = []
    for a in agreed:
        who = snap.staff.get(a.performed_by_id or "")
        org = orgs.get(a.recorded_org or "")
        by = ", ".join(
            x for x in (who.display_name if who else None, org.name if org else None) if x
        )
        items.append(
            FindingItem(
                part=AssessmentPart(a.part or "").label,
                findings=a.summary.strip(),
                needs_help_with=tuple(
                    CareActOutcome(code).label
                    for code in (a.needs_help_with or "").split(",")
                    if code
                ),
                by=by or None,
                assessed_on=a.assessed_on,
            )
        )
    return tuple(items)
