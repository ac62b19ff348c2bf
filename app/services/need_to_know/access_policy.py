"""Who may see what: need-to-know, break-glass and restricted categories.

Pure functions over the viewer's role, their relationship to the person and the
category of an entry: no database, no Qt. The laptop's services, the command
line and the partner server all decide through this one module, so a rule
cannot hold in one place and not another.

The rules (docs/security.md explains what each defends against):

* A *legitimate relationship*: the person is on the viewer's caseload (lead
  professional, a planned visit assigned to them, or a professional contact
  naming them) or their team's (same team). Practitioners, coordinators and the
  IG lead have one with their team's people (a person with no team yet counts
  as the user's team's; on an enrolled laptop, a partner organisation's person
  whom this laptop's server placed on the team's caseload by the sharing
  agreement counts too: see `Relationship.placed_by_server`); an administrator never does
  (administrators manage staff and devices, not clinical content).
* Outside it: name, year of birth and locality only. Opening the record needs
  break-glass: a stated reason, a limited time, audited. Administrators cannot
  break glass.
* Restricted categories, seen only by:
  - key safe code and other restricted alert detail: registered practitioners
    who visit (nurse, social worker, OT, physio) with a legitimate relationship;
  - safeguarding detail: social workers, the lead professional, coordinators
    and the IG lead (break-glass counts: safeguarding is why glass gets broken);
  - a note marked sensitive: its author, the lead professional, and colleagues
    of the author's profession with a legitimate relationship.
  Everyone else sees that the entry exists and whom to ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from app.errors import InvalidInputError
from app.values.vocab import AlertKind, Role

# How long a break-glass grant lasts unless the profile's setting says otherwise.
DEFAULT_BREAK_GLASS = timedelta(hours=2)
REASON_MIN, REASON_MAX = 10, 500


class Restricted(StrEnum):
    KEY_SAFE = "key_safe"
    SAFEGUARDING = "safeguarding"
    SENSITIVE_NOTE = "sensitive_note"


KEY_SAFE_ROLES = frozenset(
    {
        Role.COMMUNITY_NURSE.value,
        Role.SOCIAL_WORKER.value,
        Role.OCCUPATIONAL_THERAPIST.value,
        Role.PHYSIOTHERAPIST.value,
    }
)
SAFEGUARDING_ROLES = frozenset(
    {Role.SOCIAL_WORKER.value, Role.COORDINATOR.value, Role.IG_LEAD.value}
)
# Roles that hold people's records at all: everyone but the administrator, who
# manages staff and devices (and, on an enrolled laptop, receives no record).
CLINICAL_ROLES = frozenset(r.value for r in Role if r is not Role.ADMINISTRATOR)


@dataclass(frozen=True)
class Viewer:
    user_id: str | None
    role: str | None
    team_id: str | None
    # Enrolled with a server: what is on the laptop is what the server placed there.
    enrolled: bool = False


@dataclass(frozen=True)
class Relationship:
    """How a viewer is connected to one person (computed in SQL by `access`)."""

    same_team: bool
    lead_professional_id: str | None
    visits_assigned: bool = False
    professional_contact: bool = False
    # A partner organisation's person (their team is none of ours) on an enrolled
    # laptop: the server sends a partner's people only to the team its agreement
    # places them with, and never sends them beyond it, so holding them means
    # "placed on my team's caseload by my server".
    placed_by_server: bool = False


def legitimate(viewer: Viewer, rel: Relationship) -> bool:
    if viewer.role == Role.ADMINISTRATOR.value:
        return False
    return (
        rel.same_team
        or (viewer.user_id is not None and rel.lead_professional_id == viewer.user_id)
        or rel.visits_assigned
        or rel.professional_contact
        or (viewer.enrolled and rel.placed_by_server)
    )


def receives_records(role: str | None) -> bool:
    """May a laptop of this role hold people's records (the server's pull)?"""
    return role in CLINICAL_ROLES


def may_break_glass(viewer: Viewer) -> bool:
    return viewer.role != Role.ADMINISTRATOR.value


_KEY_SAFE_KINDS = frozenset(k.value for k in AlertKind) - {AlertKind.SAFEGUARDING.value}


def category_of_alert(kind: Any) -> Restricted:
    """The restricted category of an alert's detail. A kind that is not one of the
    record's own (none, unreadable, spoilt on a server by hand or by a bug) may be
    safeguarding for all anyone can tell, so it is judged as safeguarding: the detail
    goes to, and may be written by, only those who may see that."""
    known = isinstance(kind, str) and kind in _KEY_SAFE_KINDS
    return Restricted.KEY_SAFE if known else Restricted.SAFEGUARDING


def restricted_visible(
    viewer: Viewer,
    category: Restricted,
    *,
    legitimate: bool,
    lead_professional_id: str | None,
    author_id: str | None = None,
    author_role: str | None = None,
) -> bool:
    """May this viewer, who may open the record (`legitimate`: without break-glass),
    see the content of an entry in a restricted category?"""
    if viewer.role == Role.ADMINISTRATOR.value:
        return False
    is_lead = viewer.user_id is not None and viewer.user_id == lead_professional_id
    match category:
        case Restricted.KEY_SAFE:
            return legitimate and viewer.role in KEY_SAFE_ROLES
        case Restricted.SAFEGUARDING:
            return is_lead or viewer.role in SAFEGUARDING_ROLES
        case Restricted.SENSITIVE_NOTE:
            if viewer.user_id is not None and viewer.user_id == author_id:
                return True
            return is_lead or (
                legitimate and author_role is not None and viewer.role == author_role
            )
    return False


def whom_to_ask(category: Restricted, *, lead_name: str | None, author_name: str | None) -> str:
    """The plain line shown instead of restricted content."""
    if category is Restricted.SENSITIVE_NOTE:
        who = author_name or lead_name or "the author of this note"
    else:
        who = lead_name or "the lead professional"
    return f"Restricted — ask {who}"


def check_reason(text: str | None) -> str:
    """A break-glass reason: stated, in words, not an essay."""
    reason = " ".join((text or "").split())
    if len(reason) < REASON_MIN:
        raise InvalidInputError(
            "Say why you need this record now (at least {REASON_MIN} characters): it "
            "is audited and reported.",
            REASON_MIN=REASON_MIN,
        )
    if len(reason) > REASON_MAX:
        raise InvalidInputError(
            "Keep the reason under {REASON_MAX} characters.", REASON_MAX=REASON_MAX
        )
    return reason
