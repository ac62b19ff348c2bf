"""ORM tables. Importing this package registers every table on `Base.metadata`."""

from storage.tables.access import BreakGlassGrant
from storage.tables.base import Base, Recorded
from storage.tables.care_plan import (
    CarePlan,
    CarePlanVersion,
    ContingencyPlan,
    Goal,
    Need,
    PlanAction,
    Strength,
)
from storage.tables.contact import CaseloadSummary, ContactNote, PlannedVisit
from storage.tables.directory import Locality, Organisation, StaffMember, Team
from storage.tables.journal import (
    AuditEvent,
    ChangeRecord,
    Draft,
    KeptAside,
    ProfileSetting,
    SyncConflict,
)
from storage.tables.legal import Assessment, ConsentToShare, MentalCapacityAssessment
from storage.tables.mdt import MdtItem, MdtMeeting
from storage.tables.outcomes import (
    ExperienceAnswer,
    GoalReview,
    HospitalEvent,
    ReablementEpisode,
)
from storage.tables.person import AboutMe, Person, PersonalContact, ProfessionalContact, Referral
from storage.tables.risk import Alert, Risk
from storage.tables.support import CarerStrainCheck, PersonalBudget, TelecareItem
from storage.tables.team_settings import PriorityWeights

__all__ = [
    "AboutMe",
    "Alert",
    "Assessment",
    "AuditEvent",
    "Base",
    "BreakGlassGrant",
    "CarePlan",
    "CarePlanVersion",
    "CarerStrainCheck",
    "CaseloadSummary",
    "ChangeRecord",
    "ConsentToShare",
    "ContactNote",
    "ContingencyPlan",
    "Draft",
    "ExperienceAnswer",
    "Goal",
    "GoalReview",
    "HospitalEvent",
    "KeptAside",
    "Locality",
    "MdtItem",
    "MdtMeeting",
    "MentalCapacityAssessment",
    "Need",
    "Organisation",
    "Person",
    "PersonalBudget",
    "PersonalContact",
    "PlanAction",
    "PlannedVisit",
    "PriorityWeights",
    "ProfessionalContact",
    "ProfileSetting",
    "ReablementEpisode",
    "Recorded",
    "Referral",
    "Risk",
    "StaffMember",
    "Strength",
    "SyncConflict",
    "Team",
    "TelecareItem",
]


def journalled_tables() -> dict[str, type[Base]]:
    """Table name -> mapped class for every table the change journal covers."""
    return {
        mapper.class_.__tablename__: mapper.class_
        for mapper in Base.registry.mappers
        if mapper.class_.__journal__ is not None
    }
