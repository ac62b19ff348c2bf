"""Local code lists, each value with the plain-English label staff see.

Stored as the lowercase code; shown with `label()`.
"""

from __future__ import annotations

from enum import StrEnum


class Coded(StrEnum):
    @property
    def label(self) -> str:
        return _LABELS.get(self.value, self.value.replace("_", " ").capitalize())

    @classmethod
    def parse(cls, text: str) -> Coded:
        wanted = text.strip().lower().replace(" ", "_").replace("-", "_")
        for member in cls:
            if wanted in (member.value, member.label.lower().replace(" ", "_")):
                return member
        choices = ", ".join(m.value for m in cls)
        from app.errors import InvalidInputError

        raise InvalidInputError("'{text}' is not one of: {choices}.", text=text, choices=choices)


class LevelOfNeed(Coded):
    UNIVERSAL = "universal"
    TARGETED = "targeted"
    SPECIALIST = "specialist"


class LifeStage(Coded):
    STARTING_WELL = "starting_well"
    GROWING_WELL = "growing_well"
    LIVING_WELL = "living_well"
    AGEING_WELL = "ageing_well"
    DYING_WELL = "dying_well"


class PersonStatus(Coded):
    OPEN = "open"
    CLOSED = "closed"
    DECEASED = "deceased"


class Role(Coded):
    COMMUNITY_NURSE = "community_nurse"
    SOCIAL_WORKER = "social_worker"
    OCCUPATIONAL_THERAPIST = "occupational_therapist"
    PHYSIOTHERAPIST = "physiotherapist"
    SUPPORT_WORKER = "support_worker"
    COORDINATOR = "coordinator"
    IG_LEAD = "ig_lead"
    ADMINISTRATOR = "administrator"


PRACTITIONER_ROLES = frozenset(
    {
        Role.COMMUNITY_NURSE,
        Role.SOCIAL_WORKER,
        Role.OCCUPATIONAL_THERAPIST,
        Role.PHYSIOTHERAPIST,
        Role.SUPPORT_WORKER,
    }
)


class OrganisationKind(Coded):
    COUNCIL = "council"
    COMMUNITY_TRUST = "community_trust"
    GP_PRACTICE = "gp_practice"
    VOLUNTARY = "voluntary"
    TELECARE = "telecare"
    MENTAL_HEALTH_TRUST = "mental_health_trust"


class AlertKind(Coded):
    LONE_WORKER = "lone_worker"
    ACCESS_TO_HOME = "access_to_home"
    SAFEGUARDING = "safeguarding"
    DNACPR = "dnacpr"
    RESPECT = "respect"
    ALLERGY = "allergy"
    OXYGEN = "oxygen"
    ANIMAL = "animal"
    OTHER = "other"


class RiskKind(Coded):
    FALLS = "falls"
    PRESSURE_DAMAGE = "pressure_damage"
    SELF_NEGLECT = "self_neglect"
    CARER_BREAKDOWN = "carer_breakdown"
    MEDICATION = "medication"
    SOCIAL_ISOLATION = "social_isolation"
    FIRE = "fire"
    MALNUTRITION = "malnutrition"
    OTHER = "other"


class ContactType(Coded):
    HOME_VISIT = "home_visit"
    PHONE_CALL = "phone_call"
    MDT_MEETING = "mdt_meeting"
    REABLEMENT_SESSION = "reablement_session"
    TELECARE_RESPONSE = "telecare_response"
    DISCHARGE_FOLLOW_UP = "discharge_follow_up"
    OUT_OF_HOURS_VISIT = "out_of_hours_visit"
    CLINIC = "clinic"
    VIDEO_CALL = "video_call"


class GoalStatus(Coded):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    PARTIALLY_ACHIEVED = "partially_achieved"
    NOT_ACHIEVED = "not_achieved"
    DISCONTINUED = "discontinued"


class ActionStatus(Coded):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class MdtReason(Coded):
    """Why a person is on a team meeting's list."""

    FLAGGED = "flagged"  # a colleague asked for them to be discussed (their why kept)
    PRIORITY = "priority"  # near the top of the team's priority list
    NEW_REFERRAL = "new_referral"
    REVIEW_OVERDUE = "review_overdue"  # the care plan's review is past
    REABLEMENT_ENDED = "reablement_ended"


class ConsentCategory(Coded):
    ALL = "all"
    HEALTH = "health"
    SOCIAL_CARE = "social_care"
    CARE_PLAN = "care_plan"
    SAFEGUARDING = "safeguarding"
    MENTAL_HEALTH = "mental_health"


class ConsentDecision(Coded):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class CarersAssessment(Coded):
    NOT_OFFERED = "not_offered"
    OFFERED = "offered"
    DECLINED = "declined"
    DONE = "done"


class CareActOutcome(Coded):
    """Care Act 2014 eligibility outcomes (SI 2015/313 reg 2(2))."""

    NUTRITION = "nutrition"
    PERSONAL_HYGIENE = "personal_hygiene"
    TOILET_NEEDS = "toilet_needs"
    BEING_APPROPRIATELY_CLOTHED = "being_appropriately_clothed"
    USING_THE_HOME_SAFELY = "using_the_home_safely"
    HABITABLE_HOME = "habitable_home"
    FAMILY_AND_PERSONAL_RELATIONSHIPS = "family_and_personal_relationships"
    WORK_TRAINING_EDUCATION_VOLUNTEERING = "work_training_education_volunteering"
    USING_COMMUNITY_FACILITIES_AND_TRANSPORT = "using_community_facilities_and_transport"
    CARING_FOR_A_CHILD = "caring_for_a_child"


class AssessmentPart(Coded):
    """The parts of the joint initial assessment: each profession writes and signs
    its own, and the assessment is whole when every part has been written."""

    OWN_ACCOUNT = "own_account"
    HEALTH = "health"
    DAILY_LIVING = "daily_living"
    HOME_ENVIRONMENT = "home_environment"
    CARERS = "carers"
    RISKS = "risks"
    MENTAL_CAPACITY = "mental_capacity"


class VisitStatus(Coded):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"
    MISSED = "missed"


class ContactOutcome(Coded):
    COMPLETED = "completed"
    NO_ACCESS = "no_access"
    FOLLOW_UP_PLANNED = "follow_up_planned"
    REFERRED_ON = "referred_on"


class PlanStatus(Coded):
    DRAFT = "draft"
    AGREED = "agreed"


class RiskStatus(Coded):
    ACTIVE = "active"
    CLOSED = "closed"


class CapacityOutcome(Coded):
    HAS_CAPACITY = "has_capacity"
    LACKS_CAPACITY = "lacks_capacity"


class ConsentMethod(Coded):
    VERBAL = "verbal"
    WRITTEN = "written"
    ELECTRONIC = "electronic"


class ClosedReason(Coded):
    """Why a case was closed."""

    DISCHARGED = "discharged"  # goals met, or no longer needs the team
    MOVED_AWAY = "moved_away"
    DIED = "died"
    CARE_HOME = "care_home"
    SERVICE_DECLINED = "service_declined"  # the person declined the service
    REFERRAL_NOT_ACCEPTED = "referral_not_accepted"  # not for this team
    SIGNPOSTED = "signposted"  # pointed to another service instead


class ReferralSource(Coded):
    """Who referred the person to the team."""

    GP = "gp"
    HOSPITAL_DISCHARGE = "hospital_discharge"
    SELF = "self"
    FAMILY = "family"
    NHS_111 = "nhs_111"
    OTHER_AGENCY = "other_agency"


class ReferralUrgency(Coded):
    ROUTINE = "routine"
    URGENT = "urgent"


class LastingPowerOfAttorney(Coded):
    HEALTH_AND_WELFARE = "health_and_welfare"
    PROPERTY_AND_FINANCIAL = "property_and_financial"
    BOTH = "both"


class ReablementOutcome(Coded):
    """How a reablement episode ended (the person's situation when the team stepped back)."""

    INDEPENDENT = "independent"  # no ongoing support needed
    REDUCED_SUPPORT = "reduced_support"  # less support than at the start
    ONGOING_SUPPORT = "ongoing_support"  # the same or more support continues
    READMITTED = "readmitted"  # back in hospital
    RESIDENTIAL_CARE = "residential_care"  # moved into a residential or nursing home
    DIED = "died"
    DECLINED = "declined"  # the person stopped or refused reablement


class FollowUpResult(Coded):
    """Where the person was at the 91-day check after leaving hospital into reablement
    (ASCOF 2B(1) counts only "at home" as still at home)."""

    AT_HOME = "at_home"  # their own home, or extra care housing
    IN_HOSPITAL = "in_hospital"
    RESIDENTIAL_CARE = "residential_care"
    DIED = "died"
    NOT_KNOWN = "not_known"  # could not be found out: not counted as at home


class GoalResult(Coded):
    """A goal's result when it is reviewed, in the person's terms."""

    ACHIEVED = "achieved"
    PARTLY = "partly"
    NOT_ACHIEVED = "not_achieved"
    NO_LONGER_WANTED = "no_longer_wanted"


class HospitalEventKind(Coded):
    """Hospital and urgent care: counted before and after joining the caseload."""

    UNPLANNED_ADMISSION = "unplanned_admission"
    AE_ATTENDANCE = "ae_attendance"
    DISCHARGE = "discharge"


class ExperienceStatement(Coded):
    """National Voices' person-centred coordinated care "I" statements (A narrative
    for person-centred coordinated care, 2013): asked with the person at plan review."""

    PLAN_TOGETHER = "plan_together"
    TELL_STORY_ONCE = "tell_story_once"
    GOALS = "goals"
    KNOW_THE_PLAN = "know_the_plan"
    TEAM_TALKS = "team_talks"
    KNOW_COORDINATOR = "know_coordinator"
    NEXT_STEPS = "next_steps"
    LIFE_I_WANT = "life_i_want"


class ExperienceAnswer(Coded):
    """How far the person says a statement is true for them."""

    YES_DEFINITELY = "yes_definitely"
    YES_SOMEWHAT = "yes_somewhat"
    NO = "no"
    NOT_SURE = "not_sure"


class AnsweredBy(Coded):
    """Whose answer an experience statement records."""

    PERSON = "person"
    CARER = "carer"
    TOGETHER = "together"  # the person with their carer


class TelecareKind(Coded):
    PENDANT_ALARM = "pendant_alarm"
    FALLS_DETECTOR = "falls_detector"
    KEY_SAFE = "key_safe"
    DOOR_SENSOR = "door_sensor"
    MEDICATION_DISPENSER = "medication_dispenser"
    SMOKE_DETECTOR = "smoke_detector"
    BED_OR_CHAIR_SENSOR = "bed_or_chair_sensor"
    OTHER = "other"


class TelecareResponder(Coded):
    """Who goes when the equipment raises an alarm."""

    FAMILY = "family"
    NEIGHBOUR = "neighbour"
    MOBILE_RESPONSE = "mobile_response"  # the council's or a provider's response service
    EMERGENCY_SERVICES = "emergency_services"
    OTHER = "other"


class BudgetKind(Coded):
    PERSONAL_BUDGET = "personal_budget"  # social care (Care Act 2014)
    PERSONAL_HEALTH_BUDGET = "personal_health_budget"  # NHS
    INTEGRATED = "integrated"  # both together


class BudgetPeriod(Coded):
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class BudgetManagement(Coded):
    DIRECT_PAYMENT = "direct_payment"
    MANAGED_ACCOUNT = "managed_account"  # the council or NHS arranges the support
    INDIVIDUAL_SERVICE_FUND = "individual_service_fund"  # held by a provider
    THIRD_PARTY = "third_party"  # a trust or another organisation holds it


_LABELS = {
    "personal_health_budget": "Personal health budget",
    "integrated": "Integrated personal budget",
    "managed_account": "Managed account",
    "individual_service_fund": "Individual service fund (ISF)",
    "third_party": "Held by a third party",
    "mobile_response": "Mobile response service",
    "bed_or_chair_sensor": "Bed or chair sensor",
    "reduced_support": "Reduced ongoing support",
    "ongoing_support": "Ongoing support",
    "readmitted": "Readmitted to hospital",
    "residential_care": "Moved to residential care",
    "at_home": "At home",
    "in_hospital": "In hospital",
    "not_known": "Not known",
    "partly": "Partly achieved",
    "no_longer_wanted": "No longer wanted",
    "unplanned_admission": "Unplanned hospital admission",
    "ae_attendance": "A&E attendance",
    "discharge": "Discharge from hospital",
    "plan_together": (
        "I can plan my care with people who work together to understand me and my"
        " carer(s), allow me control, and bring together services to achieve the"
        " outcomes important to me."
    ),
    "tell_story_once": "I tell my story once.",
    "goals": "I am supported to understand my choices and to set and achieve my goals.",
    "know_the_plan": (
        "I know what is in my care and support plan. I know what to do if things change"
        " or go wrong."
    ),
    "team_talks": (
        "The professionals involved with my care talk to each other. We all work as a team."
    ),
    "know_coordinator": "I always know who is coordinating my care.",
    "next_steps": "I am always kept informed about what the next steps will be.",
    "life_i_want": (
        "Taken together, my care and support help me live the life I want to the best of"
        " my ability."
    ),
    "yes_definitely": "Yes, definitely",
    "yes_somewhat": "Yes, to some extent",
    "not_sure": "Not sure",
    "together": "The person with their carer",
    "person": "The person",
    "carer": "Their carer",
    "own_account": "The person's own account",
    "daily_living": "Daily living (Care Act outcomes)",
    "home_environment": "Home environment and equipment",
    "carers": "Carers and their needs",
    "mental_capacity": "Mental capacity",
    "nutrition": "Managing and maintaining nutrition",
    "personal_hygiene": "Maintaining personal hygiene",
    "toilet_needs": "Managing toilet needs",
    "using_the_home_safely": "Using the home safely",
    "habitable_home": "Maintaining a habitable home",
    "family_and_personal_relationships": "Family and other relationships",
    "work_training_education_volunteering": "Work, training, education or volunteering",
    "using_community_facilities_and_transport": "Using local services and transport",
    "caring_for_a_child": "Caring for a child",
    "discharged": "Discharged from the team",
    "moved_away": "Moved out of the area",
    "care_home": "Moved into a care home",
    "service_declined": "Declined the service",
    "referral_not_accepted": "Referral not accepted",
    "signposted": "Signposted to another service",
    "gp": "GP",
    "hospital_discharge": "Hospital discharge team",
    "self": "Self-referral",
    "family": "Family or carer",
    "nhs_111": "NHS 111",
    "other_agency": "Another agency",
    "no_access": "No access (not at home)",
    "dnacpr": "DNACPR",
    "respect": "ReSPECT form",
    "ig_lead": "Information governance lead",
    "mdt_meeting": "Multidisciplinary meeting",
    "flagged": "Flagged for discussion",
    "priority": "Near the top of the priority list",
    "new_referral": "New referral",
    "review_overdue": "Plan review overdue",
    "reablement_ended": "Reablement ended",
    "gp_practice": "GP practice",
    "lone_worker": "Lone-worker risk",
    "access_to_home": "Access to the home",
    "discharge_follow_up": "Hospital discharge follow-up",
    "out_of_hours_visit": "Out-of-hours visit",
    "community_trust": "NHS community trust",
    "mental_health_trust": "Mental health trust",
}
