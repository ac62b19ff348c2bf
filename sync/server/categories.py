"""Which sharing category every journalled record belongs to: the one place that
decides what a partner agreement and a person's consent cover.

A category is decided by the record's first version (its `create` or `append`)
and never changes afterwards, so every later edit of a record travels with it.
Besides the consent categories (app.values.vocab.ConsentCategory) there are:

- `core`: the person's demographics (the `person` row). The minimum necessary:
  it goes to a partner only while something else about the person may go there,
  so a partner never learns of a person it may receive nothing about.
- `consent`: consent decisions naming that partner (or every partner). They go
  to a partner that has ever received the person, so a withdrawal reaches it.
- `directory`: the sending organisation's own organisation and staff entries,
  so the partner's laptops can say who wrote what.

Records with no category (NEVER_SHARED: audit events, break-glass grants,
planned visits, teams, localities, a team's priority weights) never leave the
organisation. A test fails
when a journalled table is in neither list, so every new one gets a decision.
"""

from __future__ import annotations

from typing import Any

from app.values.vocab import AlertKind, ConsentCategory, ContactType, OrganisationKind

CORE = "core"
CONSENT = "consent"
DIRECTORY = "directory"

HEALTH = ConsentCategory.HEALTH.value
SOCIAL_CARE = ConsentCategory.SOCIAL_CARE.value
CARE_PLAN = ConsentCategory.CARE_PLAN.value
SAFEGUARDING = ConsentCategory.SAFEGUARDING.value
MENTAL_HEALTH = ConsentCategory.MENTAL_HEALTH.value
ALL = ConsentCategory.ALL.value
# The categories an agreement can list ("all" stands for every one of them).
AGREEABLE = (HEALTH, SOCIAL_CARE, CARE_PLAN, SAFEGUARDING, MENTAL_HEALTH)

# The personalised care and support plan and what it is built from.
_CARE_PLAN_ENTITIES = frozenset(
    {
        "about_me",
        "personal_contact",
        "professional_contact",
        "care_plan",
        "care_plan_version",
        "strength",
        "need",
        "goal",
        "plan_action",
        "contingency_plan",
        "risk",
        "mental_capacity_assessment",
        # What the plan achieved: reablement worked on the plan's goals, and the
        # person's experience of it.
        "reablement_episode",
        "goal_review",
        "experience_answer",
        # The carer's part of the plan, and the budget that pays for it.
        "carer_strain_check",
        "personal_budget",
        # What the team meeting said and decided about the person's care.
        "mdt_item",
    }
)
# Entries written by a practitioner for their own organisation: health or social
# care according to who wrote them.
_BY_AUTHOR = frozenset({"contact_note", "assessment", "referral"})
_ORG_CATEGORY = {
    OrganisationKind.COMMUNITY_TRUST.value: HEALTH,
    OrganisationKind.GP_PRACTICE.value: HEALTH,
    OrganisationKind.MENTAL_HEALTH_TRUST.value: MENTAL_HEALTH,
    OrganisationKind.COUNCIL.value: SOCIAL_CARE,
    OrganisationKind.VOLUNTARY.value: SOCIAL_CARE,
    OrganisationKind.TELECARE.value: SOCIAL_CARE,
}
# When the author's organisation is unknown here, the kind of contact decides.
_SOCIAL_CONTACTS = frozenset(
    {ContactType.REABLEMENT_SESSION.value, ContactType.TELECARE_RESPONSE.value}
)
_HEALTH_ALERTS = frozenset(
    {
        AlertKind.DNACPR.value,
        AlertKind.RESPECT.value,
        AlertKind.ALLERGY.value,
        AlertKind.OXYGEN.value,
    }
)
SHARED_DIRECTORY = frozenset({"organisation", "staff_member"})
# Decided: never shared with a partner. Each organisation's own access log and
# break-glass grants, its visit scheduling, its teams and localities, and its teams'
# settings and meetings (how a team weighs its priority list and when it meets are
# its own business; what a meeting decided about a person travels with their plan).
NEVER_SHARED = frozenset(
    {
        "audit_event",
        "break_glass",
        "planned_visit",
        "team",
        "locality",
        "priority_weights",
        "mdt_meeting",
    }
)


# The kind of an organisation whose record this server cannot read (spoilt by hand or
# by a bug): what its staff wrote cannot be categorised, so it is never shared.
UNREADABLE_KIND = "\x00unreadable"


def category_of(
    entity: str, row: dict[str, Any], change_org: str | None, org_kinds: dict[str, str]
) -> str | None:
    """The sharing category of a record from its first version, or None (never shared).

    `change_org` is the organisation of whoever wrote it; `org_kinds` maps the
    organisations this server knows to their kind (council, community trust, ...).
    A value the category depends on that is not text (a row spoilt on this server)
    leaves the record uncategorised: guessed, a mental-health note could go out as
    health for good (a record's category is fixed once given).
    """
    if entity == "person":
        return CORE
    if entity == "consent_to_share":
        return CONSENT
    if entity in SHARED_DIRECTORY:
        return DIRECTORY
    if entity in _CARE_PLAN_ENTITIES:
        return CARE_PLAN
    if entity == "hospital_event":
        return HEALTH
    if entity == "telecare_item":
        return SOCIAL_CARE  # arranged by the council or its telecare provider
    if entity == "alert":
        kind = row.get("kind")
        if not isinstance(kind, str):
            return None
        if kind == AlertKind.SAFEGUARDING.value:
            return SAFEGUARDING
        return HEALTH if kind in _HEALTH_ALERTS else CARE_PLAN
    if entity in _BY_AUTHOR:
        org = row.get("organisation_id") or change_org or ""
        contact_type = row.get("contact_type")
        if not isinstance(org, str) or not isinstance(contact_type, str | None):
            return None
        kind = org_kinds.get(org, "")
        if kind == UNREADABLE_KIND:
            return None
        by_org = _ORG_CATEGORY.get(kind)
        if by_org is not None:
            return by_org
        return SOCIAL_CARE if contact_type in _SOCIAL_CONTACTS else HEALTH
    return None


def parse_categories(text: str) -> list[str]:
    """An agreement's categories from "health,care_plan" (or "all"); a plain error otherwise."""
    wanted: list[str] = []
    for part in text.split(","):
        if not part.strip():
            continue
        code = ConsentCategory.parse(part).value
        for category in AGREEABLE if code == ALL else (code,):
            if category not in wanted:
                wanted.append(category)
    if not wanted:
        from app.errors import InvalidInputError

        raise InvalidInputError("Name at least one category, for example health,care_plan.")
    return wanted
