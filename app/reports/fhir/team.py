"""Who is around the person: organisations, practitioners (staff, and
professionals known only by name), carers and family, and the care team."""

from __future__ import annotations

import uuid
from typing import Any

from app.reports.fhir.elements import Entries, Export, day, identifier, phone, ref, text
from app.reports.fhir.terms import ODS_SYSTEM, RELATIONSHIP_ROLE_SYSTEM, V2_0131
from app.values.vocab import OrganisationKind
from storage.tables import ProfessionalContact


def care_team_id(person_id: str) -> str:
    """Stable across exports, so a receiver updates the team rather than adding one."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"onerecord:careteam:{person_id}"))


def add_organisations(entries: Entries, export: Export) -> None:
    """Organisations with an ODS code are a conditional create on that code."""
    for org in sorted(export.snap.organisations.values(), key=lambda o: o.name):
        resource = {
            "resourceType": "Organization",
            "identifier": [{"system": ODS_SYSTEM, "value": org.ods_code}]
            if org.ods_code
            else identifier(org.id),
            "active": True,
            "name": org.name,
            "type": [text(OrganisationKind(org.kind).label)]
            if org.kind in OrganisationKind.__members__.values()
            else [text(org.kind)],
            "telecom": phone(org.phone, "work"),
        }
        entries.add(
            org.id,
            resource,
            if_none_exist=f"identifier={ODS_SYSTEM}|{org.ods_code}" if org.ods_code else None,
        )


def add_practitioners(entries: Entries, export: Export) -> None:
    for member in sorted(export.snap.staff.values(), key=lambda s: s.display_name):
        entries.add(
            member.id,
            {
                "resourceType": "Practitioner",
                "identifier": identifier(member.id),
                "active": member.active,
                "name": [{"text": member.display_name}],
                "telecom": phone(member.phone, "work"),
            },
        )
    # Professionals recorded only by name (a GP outside the team).
    for contact in export.snap.professional_contacts:
        if contact.staff_member_id is None:
            entries.add(
                contact.id,
                {
                    "resourceType": "Practitioner",
                    "identifier": identifier(contact.id),
                    "name": [{"text": contact.name}],
                    "telecom": phone(contact.contact_details, "work"),
                },
            )


def add_carers_and_family(entries: Entries, export: Export) -> None:
    for pc in export.snap.personal_contacts:
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
            relationship.append(text(pc.relationship))
        entries.add(
            pc.id,
            {
                "resourceType": "RelatedPerson",
                "identifier": identifier(pc.id),
                "active": True,
                "patient": export.patient_ref,
                "relationship": relationship,
                "name": [{"text": pc.name}],
                "telecom": phone(pc.phone),
            },
        )


def _member(contact: ProfessionalContact) -> dict[str, Any]:
    return ref(contact.staff_member_id or contact.id, contact.name)


def add_care_team(entries: Entries, export: Export) -> None:
    """The lead professional first, then every professional whose involvement
    has not ended."""
    person = export.snap.person
    team_id = care_team_id(person.id)
    lead = export.lead
    participants: list[dict[str, Any]] = []
    if lead is not None:
        participants.append(
            {
                "role": [text("Lead professional (key worker)")],
                "member": ref(lead.id, lead.display_name),
                "onBehalfOf": ref(lead.organisation_id) if lead.organisation_id else None,
            }
        )
    for prof in export.snap.professional_contacts:
        if prof.staff_member_id is not None and prof.staff_member_id == person.lead_professional_id:
            continue
        if prof.end_date is not None and prof.end_date < export.now.date():
            continue
        participants.append(
            {
                "role": [text(prof.role or "Professional")],
                "member": _member(prof),
                "onBehalfOf": ref(prof.organisation_id) if prof.organisation_id else None,
                "period": {"start": day(prof.start_date), "end": day(prof.end_date)},
            }
        )
    entries.add(
        team_id,
        {
            "resourceType": "CareTeam",
            "identifier": identifier(team_id),
            "status": "active",
            "name": "Care team",
            "subject": export.patient_ref,
            "participant": participants,
            "managingOrganization": [ref(lead.organisation_id)]
            if lead and lead.organisation_id
            else [],
        },
    )
