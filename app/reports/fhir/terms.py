"""The code systems and value maps the FHIR export uses, in one place.

Our own words (goal status, contact type, alert kind) to the codes a receiving
FHIR server expects; a resource module reads these, never spells a URL itself.
"""

from __future__ import annotations

from app.values.vocab import AlertKind, ContactType

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
