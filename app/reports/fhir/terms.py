"""The code systems and value maps the FHIR export uses, in one place.

Our own words (goal status, contact type, alert kind) to the codes a receiving
FHIR server expects; a resource module reads these, never spells a URL itself.
"""

from __future__ import annotations

from app.values.vocab import AlertKind, ContactType, HospitalEventKind

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

SNOMED = "http://snomed.info/sct"

# Our own code systems and extensions, for what no published one covers (reablement,
# goal attainment scaling, the National Voices statements). Names, not addresses:
# nothing is served there. Each code is the value the record stores, with its label
# as the display, so a receiver reads the same words staff do.
LOCAL = "https://fhir.onerecord.example"
EPISODE_TYPE = f"{LOCAL}/CodeSystem/episode-of-care-type"
OBSERVATION_CODE = f"{LOCAL}/CodeSystem/observation-code"
REABLEMENT_OUTCOME = f"{LOCAL}/CodeSystem/reablement-outcome"
FOLLOW_UP_RESULT = f"{LOCAL}/CodeSystem/reablement-follow-up-result"
GOAL_RESULT = f"{LOCAL}/CodeSystem/goal-review-result"
HOSPITAL_EVENT_KIND = f"{LOCAL}/CodeSystem/hospital-event-kind"
EXPERIENCE_ANSWER = f"{LOCAL}/CodeSystem/experience-answer"
ANSWERED_BY = f"{LOCAL}/CodeSystem/experience-answered-by"
EXT_PLANNED_END = f"{LOCAL}/StructureDefinition/reablement-planned-end"
EXT_LONGER_REASON = f"{LOCAL}/StructureDefinition/reablement-longer-reason"
EXT_DISCHARGED_ON = f"{LOCAL}/StructureDefinition/reablement-discharged-on"
EXT_GAS_BASELINE = f"{LOCAL}/StructureDefinition/goal-attainment-baseline"
# The eight "I" statements of National Voices' narrative for person-centred
# coordinated care (2013), as one Questionnaire each answer set points at.
NATIONAL_VOICES = f"{LOCAL}/Questionnaire/national-voices-i-statements"
NATIONAL_VOICES_VERSION = "2013"

# (code, display) in OBSERVATION_CODE
REABLEMENT_OUTCOME_OBS = ("reablement-outcome", "Outcome of reablement")
FOLLOW_UP_OBS = (
    "reablement-91-day-check",
    "Where the person is 91 days after leaving hospital into reablement",
)
GOAL_REVIEW_OBS = ("goal-review", "Goal review")
GAS_SCORE_OBS = ("gas-score", "Goal attainment scaling score (-2 to +2)")
GAS_BASELINE_OBS = ("gas-baseline", "Goal attainment scaling baseline")

# hospital event kind -> (v3 ActCode class, its display, SNOMED CT code, its term)
HOSPITAL_EVENT: dict[str, tuple[str, str, str | None, str | None]] = {
    HospitalEventKind.UNPLANNED_ADMISSION.value: (
        "IMP",
        "inpatient encounter",
        "183452005",
        "Emergency hospital admission",
    ),
    HospitalEventKind.AE_ATTENDANCE.value: (
        "EMER",
        "emergency",
        "4525004",
        "Emergency department patient visit",
    ),
    HospitalEventKind.DISCHARGE.value: (
        "IMP",
        "inpatient encounter",
        "58000006",
        "Patient discharge",
    ),
}
