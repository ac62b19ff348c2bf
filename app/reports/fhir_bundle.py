"""One person's record as a FHIR R4 transaction Bundle, for partner systems.

Built as plain JSON-shaped dicts from one read session, then validated as a
whole with `fhir.resources` R4B models (structure, types, required elements: it
does not check codes, invariants or UK Core profiles). Every entry has a
`urn:uuid` fullUrl (the record's own UUID where it has one) and a POST request;
the Patient is a conditional create on the NHS number, and organisations with an
ODS code on that code, so a receiving server does not duplicate them.

Left out on purpose: `alert.restricted_detail` (key safe codes, safeguarding
detail) and the narrative of notes marked sensitive. Everything else in the
person's record goes, including a reason for refusing consent (it is part of the
consent decision a partner must respect).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from app.reports.plan_content import CONSENT_CATEGORY_WORDS, RISK_WORDS
from app.services import clock
from app.services.output_file import check_output_path, write_output
from app.services.people import find
from app.services.record_snapshot import RecordSnapshot, load_snapshot
from app.values.nhs_number import VERIFICATION_STATUS
from app.values.vocab import AlertKind, ContactType, OrganisationKind
from app.workspace import Workspace
from storage.actor import Actor
from storage.audit_log import append as audit
from storage.tables import (
    Alert,
    ConsentToShare,
    ContactNote,
    ContingencyPlan,
    Goal,
    Need,
    Organisation,
    Person,
    PersonalContact,
    PlanAction,
    PlannedVisit,
    ProfessionalContact,
    Risk,
    StaffMember,
)

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
VERIFICATION_EXTENSION = (
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus"
)
VERIFICATION_SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland"
RELATIONSHIP_ROLE_SYSTEM = (
    "https://fhir.hl7.org.uk/CodeSystem/UKCore-AdditionalPersonRelationshipRole"
)
V2_0131 = "http://terminology.hl7.org/CodeSystem/v2-0131"
V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
GOAL_PRIORITY = "http://terminology.hl7.org/CodeSystem/goal-priority"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
PROVENANCE_AGENT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
# A URI identifier: our own UUID for each entity, so a receiver can match re-exports.
URI_SYSTEM = "urn:ietf:rfc:3986"

# goal status -> (lifecycleStatus, achievementStatus code or None)
GOAL_STATUS = {
    "not_started": ("accepted", None),
    "in_progress": ("active", "in-progress"),
    "achieved": ("completed", "achieved"),
    "partially_achieved": ("active", "improving"),
    "not_achieved": ("completed", "not-achieved"),
    "discontinued": ("cancelled", None),
}
ACTION_STATUS = {
    "planned": "not-started",
    "in_progress": "in-progress",
    "done": "completed",
    "cancelled": "cancelled",
}
CONSENT_STATUS = {"given": "active", "refused": "rejected", "withdrawn": "inactive"}
VISIT_STATUS = {
    "planned": "planned",
    "done": "finished",
    "cancelled": "cancelled",
    "missed": "cancelled",
}
# contact type -> v3 ActCode encounter class
ENCOUNTER_CLASS = {
    ContactType.HOME_VISIT.value: ("HH", "home health"),
    ContactType.OUT_OF_HOURS_VISIT.value: ("HH", "home health"),
    ContactType.REABLEMENT_SESSION.value: ("HH", "home health"),
    ContactType.TELECARE_RESPONSE.value: ("HH", "home health"),
    ContactType.DISCHARGE_FOLLOW_UP.value: ("HH", "home health"),
    ContactType.PHONE_CALL.value: ("VR", "virtual"),
    ContactType.VIDEO_CALL.value: ("VR", "virtual"),
    ContactType.CLINIC.value: ("AMB", "ambulatory"),
    ContactType.MDT_MEETING.value: ("AMB", "ambulatory"),
}
FLAG_CATEGORIES = {
    AlertKind.LONE_WORKER.value: ("safety", "Safety"),
    AlertKind.ACCESS_TO_HOME.value: ("admin", "Administrative"),
    AlertKind.SAFEGUARDING.value: ("safety", "Safety"),
    AlertKind.DNACPR.value: ("advance-directive", "Advance Directive"),
    AlertKind.RESPECT.value: ("advance-directive", "Advance Directive"),
    AlertKind.ALLERGY.value: ("clinical", "Clinical"),
    AlertKind.OXYGEN.value: ("safety", "Safety"),
    AlertKind.ANIMAL.value: ("safety", "Safety"),
}


def _urn(entity_id: str) -> str:
    return f"urn:uuid:{entity_id}"


def _ref(entity_id: str, display: str | None = None) -> dict[str, Any]:
    ref: dict[str, Any] = {"reference": _urn(entity_id)}
    if display:
        ref["display"] = display
    return ref


def _text(text: str) -> dict[str, str]:
    return {"text": text}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _identifier(entity_id: str) -> list[dict[str, str]]:
    return [{"system": URI_SYSTEM, "value": _urn(entity_id)}]


def _prune(value: Any) -> Any:
    """Drop None, empty lists and empty dicts, recursively (FHIR forbids empty elements)."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, [], {}, "")}
    if isinstance(value, list):
        return [p for p in (_prune(v) for v in value) if p not in (None, [], {}, "")]
    return value


@dataclass
class _Entries:
    items: list[dict[str, Any]]

    def add(
        self, entity_id: str, resource: dict[str, Any], *, if_none_exist: str | None = None
    ) -> None:
        request: dict[str, Any] = {"method": "POST", "url": resource["resourceType"]}
        if if_none_exist:
            request["ifNoneExist"] = if_none_exist
        self.items.append(
            {"fullUrl": _urn(entity_id), "resource": _prune(resource), "request": request}
        )


@dataclass(frozen=True)
class FhirExport:
    json: str
    person_id: str
    counts: dict[str, int]

    @property
    def resources(self) -> int:
        return sum(self.counts.values())


def _consent_text(consent: ConsentToShare) -> str:
    text = f"Decided {consent.method}; review due {_day(consent.review_on) or 'not set'}"
    if consent.reason_refused:
        text += f"; reason: {consent.reason_refused}"
    return text


def _gender(person: Person) -> str:
    value = (person.gender or person.sex or "").strip().lower()
    if value in ("male", "female", "other", "unknown"):
        return value
    return "other" if value else "unknown"


def _phone(number: str | None, use: str | None = None) -> list[dict[str, str]]:
    if not number or not number.strip():
        return []
    point = {"system": "phone", "value": number.strip()}
    if use:
        point["use"] = use
    return [point]


def _held(alert: Alert, held: set[str], lead: StaffMember | None) -> str:
    """The restricted detail never goes; that it exists, and whom to ask, does."""
    if alert.id not in held:
        return ""
    who = lead.display_name if lead is not None else "the lead professional"
    return f" (restricted detail held: ask {who})"


def build_bundle(
    snap: RecordSnapshot, *, actor: Actor, now: datetime | None = None
) -> tuple[dict[str, Any], str, dict[str, int]]:
    """(Bundle as a dict, the person's id, resources by type) for one person: a
    projection of their record snapshot, taken with every note."""
    now = now or clock.now()
    person = snap.person
    pid = person.id
    plan = snap.plan
    needs: list[Need] = list(snap.needs)
    goals: list[Goal] = list(snap.goals)
    actions: list[PlanAction] = list(snap.actions)
    contingencies: list[ContingencyPlan] = list(snap.contingencies)
    risks: list[Risk] = list(snap.risks)
    alerts: list[Alert] = [a for a in snap.alerts if a.active]
    personal: list[PersonalContact] = list(snap.personal_contacts)
    professional: list[ProfessionalContact] = list(snap.professional_contacts)
    consents: list[ConsentToShare] = list(snap.consents)
    notes: list[ContactNote] = sorted(snap.notes, key=lambda n: n.occurred_at)
    visits: list[PlannedVisit] = list(snap.visits)
    staff: dict[str, StaffMember] = snap.staff
    orgs: dict[str, Organisation] = snap.organisations
    # Withheld from this viewer in the snapshot, but held: the export says so.
    held_detail = {a.id for a in alerts if a.restricted_detail} | set(snap.alert_asks)

    entries = _Entries([])
    patient_ref = _ref(pid, f"{person.given_name} {person.family_name}")

    # Patient ------------------------------------------------------------------------
    identifiers: list[dict[str, Any]] = []
    if person.nhs_number:
        status = person.nhs_number_status or "02"
        identifiers.append(
            {
                "extension": [
                    {
                        "url": VERIFICATION_EXTENSION,
                        "valueCodeableConcept": {
                            "coding": [
                                {
                                    "system": VERIFICATION_SYSTEM,
                                    "code": status,
                                    "display": VERIFICATION_STATUS.get(status, status),
                                }
                            ]
                        },
                    }
                ],
                "system": NHS_NUMBER_SYSTEM,
                "value": person.nhs_number,
            }
        )
    names: list[dict[str, Any]] = [
        {
            "use": "official",
            "family": person.family_name,
            "given": [person.given_name],
            "prefix": [person.title] if person.title else [],
        }
    ]
    if person.preferred_name and person.preferred_name != person.given_name:
        names.append({"use": "usual", "given": [person.preferred_name]})
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": identifiers,
        "name": names,
        "gender": _gender(person),
        "birthDate": _day(person.date_of_birth),
        "telecom": _phone(person.phone, "home"),
        "address": [
            {
                "use": "home",
                "line": [x for x in (person.address_line1, person.address_line2) if x],
                "city": person.town,
                "postalCode": person.postcode or None,
            }
        ],
        "communication": [{"language": _text(person.language), "preferred": True}],
        "generalPractitioner": [_ref(person.gp_practice_id)] if person.gp_practice_id else [],
    }
    if person.date_of_death:
        patient["deceasedDateTime"] = _day(person.date_of_death)
    entries.add(
        pid,
        patient,
        if_none_exist=f"identifier={NHS_NUMBER_SYSTEM}|{person.nhs_number}"
        if person.nhs_number
        else None,
    )

    # Organisations and practitioners -------------------------------------------------
    for org in sorted(orgs.values(), key=lambda o: o.name):
        resource = {
            "resourceType": "Organization",
            "identifier": [{"system": ODS_SYSTEM, "value": org.ods_code}]
            if org.ods_code
            else _identifier(org.id),
            "active": True,
            "name": org.name,
            "type": [_text(OrganisationKind(org.kind).label)]
            if org.kind in OrganisationKind.__members__.values()
            else [_text(org.kind)],
            "telecom": _phone(org.phone, "work"),
        }
        entries.add(
            org.id,
            resource,
            if_none_exist=f"identifier={ODS_SYSTEM}|{org.ods_code}" if org.ods_code else None,
        )
    for member in sorted(staff.values(), key=lambda s: s.display_name):
        entries.add(
            member.id,
            {
                "resourceType": "Practitioner",
                "identifier": _identifier(member.id),
                "active": member.active,
                "name": [{"text": member.display_name}],
                "telecom": _phone(member.phone, "work"),
            },
        )
    # Professionals recorded only by name (a GP outside the team).
    for contact in professional:
        if contact.staff_member_id is None:
            entries.add(
                contact.id,
                {
                    "resourceType": "Practitioner",
                    "identifier": _identifier(contact.id),
                    "name": [{"text": contact.name}],
                    "telecom": _phone(contact.contact_details, "work"),
                },
            )

    def practitioner_ref(contact: ProfessionalContact) -> dict[str, Any]:
        return _ref(contact.staff_member_id or contact.id, contact.name)

    # Carers and family ----------------------------------------------------------------
    for pc in personal:
        relationship: list[dict[str, Any]] = []
        if pc.is_main_carer or pc.carers_assessment:
            relationship.append(
                {
                    "coding": [
                        {"system": RELATIONSHIP_ROLE_SYSTEM, "code": "Carer", "display": "Carer"}
                    ]
                }
            )
        if pc.is_emergency_contact:
            relationship.append(
                {"coding": [{"system": V2_0131, "code": "C", "display": "Emergency Contact"}]}
            )
        if pc.relationship:
            relationship.append(_text(pc.relationship))
        entries.add(
            pc.id,
            {
                "resourceType": "RelatedPerson",
                "identifier": _identifier(pc.id),
                "active": True,
                "patient": patient_ref,
                "relationship": relationship,
                "name": [{"text": pc.name}],
                "telecom": _phone(pc.phone),
            },
        )

    # Care team ------------------------------------------------------------------------
    team_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"onerecord:careteam:{pid}"))
    participants: list[dict[str, Any]] = []
    lead = staff.get(person.lead_professional_id or "")
    if lead is not None:
        participants.append(
            {
                "role": [_text("Lead professional (key worker)")],
                "member": _ref(lead.id, lead.display_name),
                "onBehalfOf": _ref(lead.organisation_id) if lead.organisation_id else None,
            }
        )
    for prof in professional:
        if prof.staff_member_id is not None and prof.staff_member_id == person.lead_professional_id:
            continue
        if prof.end_date is not None and prof.end_date < now.date():
            continue
        participants.append(
            {
                "role": [_text(prof.role or "Professional")],
                "member": practitioner_ref(prof),
                "onBehalfOf": _ref(prof.organisation_id) if prof.organisation_id else None,
                "period": {"start": _day(prof.start_date), "end": _day(prof.end_date)},
            }
        )
    entries.add(
        team_id,
        {
            "resourceType": "CareTeam",
            "identifier": _identifier(team_id),
            "status": "active",
            "name": "Care team",
            "subject": patient_ref,
            "participant": participants,
            "managingOrganization": [_ref(lead.organisation_id)]
            if lead and lead.organisation_id
            else [],
        },
    )

    # Needs (Condition) and goals --------------------------------------------------------
    for need in needs:
        entries.add(
            need.id,
            {
                "resourceType": "Condition",
                "identifier": _identifier(need.id),
                "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": "active"}]},
                "category": [
                    {
                        "coding": [
                            {
                                "system": CONDITION_CATEGORY,
                                "code": "problem-list-item",
                                "display": "Problem List Item",
                            }
                        ]
                    }
                ],
                "code": _text(need.description),
                "subject": patient_ref,
                "recordedDate": _instant(need.recorded_at),
                "note": [{"text": f"Care Act outcome: {need.care_act_outcome.replace('_', ' ')}"}]
                if need.care_act_outcome
                else [],
            },
        )
    need_ids = {n.id for n in needs}
    for goal in goals:
        lifecycle, achievement = GOAL_STATUS.get(goal.status, ("active", None))
        priority = (
            "high-priority"
            if goal.importance >= 8
            else ("medium-priority" if goal.importance >= 4 else "low-priority")
        )
        entries.add(
            goal.id,
            {
                "resourceType": "Goal",
                "identifier": _identifier(goal.id),
                "lifecycleStatus": lifecycle,
                "achievementStatus": {"coding": [{"system": GOAL_ACHIEVEMENT, "code": achievement}]}
                if achievement
                else None,
                "priority": {"coding": [{"system": GOAL_PRIORITY, "code": priority}]},
                "description": _text(goal.statement),
                "subject": patient_ref,
                "target": [{"dueDate": _day(goal.target_date)}] if goal.target_date else [],
                "addresses": [_ref(goal.need_id)] if goal.need_id in need_ids else [],
                "note": [{"text": f"Importance to the person: {goal.importance} out of 10"}],
                "outcomeCode": [_text(goal.outcome)] if goal.outcome else [],
            },
        )

    # The care plan, with its activities; contingency plans as plans that are part of it --
    goal_ids = {g.id for g in goals}
    plan_id = plan.id if plan else str(uuid.uuid5(uuid.NAMESPACE_URL, f"onerecord:plan:{pid}"))
    activities = []
    for action in actions:
        performer: dict[str, Any] = {
            "display": ", ".join(x for x in (action.who_name, action.who_role) if x)
            or "Not yet named"
        }
        if action.who_organisation_id and not action.who_name:
            performer = _ref(action.who_organisation_id)
        activities.append(
            {
                "detail": {
                    "status": ACTION_STATUS.get(action.status, "unknown"),
                    "description": action.what,
                    "goal": [_ref(action.goal_id)] if action.goal_id in goal_ids else [],
                    "scheduledString": action.timing,
                    "performer": [performer],
                },
                "progress": [{"text": f"Contact: {action.who_contact}"}]
                if action.who_contact
                else [],
            }
        )
    plan_notes = []
    if plan is not None and plan.version:
        agreed = f"Version {plan.version} agreed"
        if plan.agreed_on:
            agreed += f" on {plan.agreed_on.isoformat()}"
        if plan.agreed_with_name:
            agreed += f" with {plan.agreed_with_name} ({plan.agreed_with_role or 'the person'})"
        if plan.status != "agreed":
            agreed += "; changed since, not yet agreed again"
        plan_notes.append({"text": agreed})
    if plan is not None and plan.funding_source:
        plan_notes.append({"text": f"Funding: {plan.funding_source}"})
    if plan is not None and plan.review_due:
        plan_notes.append({"text": f"Review due {plan.review_due.isoformat()}"})
    entries.add(
        plan_id,
        {
            "resourceType": "CarePlan",
            "identifier": _identifier(plan_id),
            "status": "active" if plan is not None and plan.status == "agreed" else "draft",
            "intent": "plan",
            "title": "Personalised care and support plan",
            "subject": patient_ref,
            "created": _instant(plan.recorded_at) if plan else None,
            "author": _ref(lead.id, lead.display_name) if lead else None,
            "careTeam": [_ref(team_id)],
            "addresses": [_ref(n.id) for n in needs],
            "goal": [_ref(g.id) for g in goals],
            "activity": activities,
            "note": plan_notes,
        },
    )
    for cp in contingencies:
        parts = [f"If: {cp.trigger}", f"What should happen: {cp.what_should_happen}"]
        if cp.who_to_contact:
            parts.append(f"Who to contact: {cp.who_to_contact}")
        if cp.early_warning_signs:
            parts.append(f"Early warning signs: {cp.early_warning_signs}")
        if cp.anticipatory_medicines_equipment:
            parts.append(f"In the home: {cp.anticipatory_medicines_equipment}")
        entries.add(
            cp.id,
            {
                "resourceType": "CarePlan",
                "identifier": _identifier(cp.id),
                "status": "active",
                "intent": "plan",
                "category": [_text("Contingency plan")],
                "title": cp.name,
                "description": "\n".join(parts),
                "subject": patient_ref,
                "partOf": [_ref(plan_id)],
                "period": {"end": _day(cp.review_on)},
            },
        )

    # Risks ----------------------------------------------------------------------------
    for r in risks:
        owner = staff.get(r.owner_id or "")
        entries.add(
            r.id,
            {
                "resourceType": "RiskAssessment",
                "identifier": _identifier(r.id),
                "status": "final",
                "code": _text(RISK_WORDS.get(r.kind, r.kind)),
                "subject": patient_ref,
                "occurrenceDateTime": _day(r.started_on),
                "performer": _ref(owner.id, owner.display_name) if owner else None,
                "prediction": [
                    {
                        "outcome": _text(r.description),
                        "qualitativeRisk": _text(
                            f"likelihood {r.likelihood} of 5, impact {r.impact} of 5"
                        ),
                    }
                ],
                "mitigation": r.mitigation,
                "note": [{"text": f"Closed on {r.ended_on.isoformat()}"}] if r.ended_on else [],
            },
        )

    # Alerts: the summary only, never the restricted detail ------------------------------
    for a in alerts:
        code, display = FLAG_CATEGORIES.get(a.kind, ("admin", "Administrative"))
        label = AlertKind(a.kind).label if a.kind in AlertKind.__members__.values() else a.kind
        entries.add(
            a.id,
            {
                "resourceType": "Flag",
                "identifier": _identifier(a.id),
                "status": "active",
                "category": [
                    {"coding": [{"system": FLAG_CATEGORY, "code": code, "display": display}]}
                ],
                "code": _text(f"{label}: {a.summary}{_held(a, held_detail, lead)}"),
                "subject": patient_ref,
                "period": {"start": _day(a.started_on), "end": _day(a.ended_on)},
            },
        )

    # Consent to share -----------------------------------------------------------------
    for consent in consents:
        provision: dict[str, Any] = {
            "type": "permit" if consent.decision == "given" else "deny",
            "period": {"start": _day(consent.decided_on), "end": _day(consent.withdrawn_on)},
        }
        if consent.partner_organisation_id:
            provision["actor"] = [
                {"role": _text("Recipient"), "reference": _ref(consent.partner_organisation_id)}
            ]
        entries.add(
            consent.id,
            {
                "resourceType": "Consent",
                "identifier": _identifier(consent.id),
                "status": CONSENT_STATUS.get(consent.decision, "proposed"),
                "scope": {
                    "coding": [
                        {
                            "system": CONSENT_SCOPE,
                            "code": "patient-privacy",
                            "display": "Privacy Consent",
                        }
                    ]
                },
                "category": [
                    {
                        "coding": [
                            {
                                "system": V3_ACT_CODE,
                                "code": "INFA",
                                "display": "information access",
                            }
                        ]
                    },
                    _text(CONSENT_CATEGORY_WORDS.get(consent.category) or consent.category),
                ],
                "patient": patient_ref,
                "dateTime": _day(consent.decided_on),
                "performer": [{"display": consent.given_by}],
                "organization": [_ref(actor.organisation_id)] if actor.organisation_id else [],
                "policyRule": {
                    "coding": [
                        {
                            "system": V3_ACT_CODE,
                            "code": "OPTIN" if consent.decision == "given" else "OPTOUT",
                        }
                    ],
                    "text": _consent_text(consent),
                },
                "provision": provision,
            },
        )

    # Visits and contact notes -----------------------------------------------------------
    for n in notes:
        cls, cls_display = ENCOUNTER_CLASS.get(n.contact_type, ("HH", "home health"))
        author = staff.get(n.author_id or "")
        label = (
            ContactType(n.contact_type).label
            if n.contact_type in ContactType.__members__.values()
            else n.contact_type
        )
        # An export leaves the store: sensitive text never goes, whoever exports it.
        narrative = (
            "Narrative withheld: marked sensitive in the record. Restricted — ask "
            f"{author.display_name if author else 'the author of this note'}."
            if n.sensitive
            else n.narrative
        )
        if n.amends_id:
            narrative = f"Correction to an earlier note ({_urn(n.amends_id)}).\n{narrative}"
        entries.add(
            n.id,
            {
                "resourceType": "Encounter",
                "identifier": _identifier(n.id),
                "text": {
                    "status": "additional",
                    "div": '<div xmlns="http://www.w3.org/1999/xhtml">'
                    + escape(narrative).replace("\n", "<br/>")
                    + "</div>",
                },
                "status": "finished",
                "class": {"system": V3_ACT_CODE, "code": cls, "display": cls_display},
                "type": [_text(label)],
                "subject": patient_ref,
                "participant": [{"individual": _ref(author.id, author.display_name)}]
                if author
                else [],
                "period": {"start": _instant(n.occurred_at)},
                "serviceProvider": _ref(n.organisation_id) if n.organisation_id in orgs else None,
            },
        )
    for v in visits:
        assignee = staff.get(v.assigned_to_id or "")
        entries.add(
            v.id,
            {
                "resourceType": "Encounter",
                "identifier": _identifier(v.id),
                "status": VISIT_STATUS.get(v.status, "planned"),
                "class": {"system": V3_ACT_CODE, "code": "HH", "display": "home health"},
                "type": [_text(v.purpose or "Planned visit")],
                "subject": patient_ref,
                "participant": [{"individual": _ref(assignee.id, assignee.display_name)}]
                if assignee
                else [],
                "period": {"start": _instant(v.due_at)},
            },
        )

    # Provenance: who assembled this export, when, from which record entries -------------
    provenance_id = str(uuid.uuid4())
    exporter = staff.get(actor.user_id or "")
    agent: dict[str, Any] = {
        "type": {"coding": [{"system": PROVENANCE_AGENT, "code": "assembler"}]},
        "who": _ref(exporter.id, exporter.display_name)
        if exporter
        else {"display": "OneRecord device"},
    }
    if actor.organisation_id and actor.organisation_id in orgs:
        agent["onBehalfOf"] = _ref(actor.organisation_id)
    entries.add(
        provenance_id,
        {
            "resourceType": "Provenance",
            "target": [{"reference": e["fullUrl"]} for e in entries.items],
            "recorded": _instant(now),
            "agent": [agent],
            "reason": [_text("Export of the shared care record to a partner system")],
        },
    )

    counts: dict[str, int] = {}
    for e in entries.items:
        kind = e["resource"]["resourceType"]
        counts[kind] = counts.get(kind, 0) + 1
    bundle = {
        "resourceType": "Bundle",
        "identifier": {"system": URI_SYSTEM, "value": _urn(str(uuid.uuid4()))},
        "type": "transaction",
        "timestamp": _instant(now),
        "entry": entries.items,
    }
    return bundle, pid, counts


def validate(bundle: dict[str, Any]) -> str:
    """Check the Bundle against the R4B models and return it as FHIR JSON."""
    from fhir.resources.R4B.bundle import Bundle

    model = Bundle.model_validate(bundle)
    text: str = model.model_dump_json(by_alias=True, exclude_none=True)
    return text


def export_fhir(
    workspace: Workspace, nhs_number: str, *, now: datetime | None = None
) -> FhirExport:
    """One person's record as a validated FHIR JSON transaction Bundle (no audit yet:
    the caller records "record_exported" with where it went)."""
    with workspace.store.read() as session:
        # Need-to-know first: outside a legitimate relationship only a break-glass
        # grant in force lets a record leave the store.
        person_id = find(session, nhs_number).id
        snap = load_snapshot(session, workspace.actor, person_id, notes=None)
        bundle, pid, counts = build_bundle(snap, actor=workspace.actor, now=now)
    return FhirExport(json=validate(bundle), person_id=pid, counts=counts)


def record_exported(workspace: Workspace, export: FhirExport, *, to: str) -> None:
    with workspace.store.write(workspace.actor) as session:
        audit(
            session,
            "record_exported",
            person_id=export.person_id,
            detail={"format": "fhir-r4", "to": to, "resources": export.counts},
        )


def save_export(workspace: Workspace, export: FhirExport, text: str, path: Path) -> None:
    """Write the export atomically where the user chose; the audit event and the file
    stand or fall together (as for a printed plan)."""
    path = check_output_path(path)
    existed = path.exists()
    written = False
    try:
        with workspace.store.write(workspace.actor) as session:
            audit(
                session,
                "record_exported",
                person_id=export.person_id,
                detail={"format": "fhir-r4", "to": "file", "resources": export.counts},
            )
            write_output(path, text.encode("utf-8"))
            written = True
    except BaseException:
        if written and not existed:
            path.unlink(missing_ok=True)
        raise


def pretty(text: str) -> str:
    """Stable, readable JSON with non-ASCII names kept as they are (Zoë, not Zo\\u00eb)."""
    return json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
