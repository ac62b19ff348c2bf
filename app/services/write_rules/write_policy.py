"""Who may write what: the one write policy, applied by the laptop and by the server.

Pure: no database, no Qt. The laptop's write path (`app.services.write_rules.write_check`,
called from the change journal for every journalled change) and the partner
server (`sync.server.authority`, for every pushed change) each work out the
facts from their own tables and ask `decide` here, so a change the laptop would
refuse, the server refuses too, with the same plain reason.

The rules (derived from what the laptop's services let each role do; see
docs/security.md, "A malicious or compromised enrolled laptop"):

* Provenance is the writer's own: the change's author, organisation and device,
  and the row's own provenance columns (who recorded it, a note's author and
  role, an audit event's actor and device, a break-glass grant's staff member)
  name the signed-in user, their organisation and this device. An audit event
  goes into this device's own chain only.
* The directory (organisations, localities, teams, staff) is the server's: an
  enrolled laptop never writes it. A profile with no server keeps its own.
* Administrators (and any role not in `CLINICAL_ROLES`) write no clinical
  records: audit events only.
* Scope: a change to a person, or to anything of theirs, only while the person
  is in the writer's scope (their team's caseload, or a break-glass grant in
  force), or was on the team's caseload when the change was written and the
  laptop has held them since (`PersonFacts.left_team_at`). A new person only
  into the writer's own team. A break-glass grant is recorded for someone
  outside the scope (that is its point), by a role that may break glass, in the
  writer's own name.
* Placing a person who has no team yet with the writer's own team is what
  registering them does. Moving a person to another team and choosing their
  lead professional are the
  team coordinator's alone (as allocation and import are on the laptop), for a
  person on their team's caseload (not one opened by break-glass), to a team of
  the same organisation, and a lead who holds a caseload.
* Restricted categories: an alert's restricted detail (key safe code,
  safeguarding detail) only from a role that may see that category
  (`access_policy.restricted_visible`). A note marked sensitive may be written
  by anyone who may write notes (its author always sees it).
* Records are never removed (the laptop's services end or close them), and who
  recorded an entry is never edited. An assessment (each part of a joint one) and
  a mental capacity assessment are signed by the writer, the signature stays, and
  only the signer changes what it says (anyone may record the person's say on
  printing it). A lead named at registration is checked as allocation's is.
* A team's settings (its priority weights) and its meetings are no person's record:
  only the team's coordinator changes them, for their own team only, and only by
  adding a new one (the history is kept: never edited or removed; a meeting moved is
  a new meeting). What a meeting says about a person is that person's record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NamedTuple

from app.services.need_to_know.access_policy import (
    CLINICAL_ROLES,
    Viewer,
    category_of_alert,
    may_break_glass,
    restricted_visible,
)
from app.values.vocab import Role

# The records every team may see, which the server keeps (sync/server/validation.py
# refuses them from a laptop with this same list).
DIRECTORY = frozenset({"organisation", "locality", "team", "staff_member"})
AUDIT = "audit_event"
# A team's own settings and meetings, shared by its laptops: no person's record (no
# person_id), and never shared with a partner organisation (sync/server/categories.py).
TEAM_SETTINGS = frozenset({"priority_weights", "mdt_meeting"})
BREAK_GLASS = "break_glass"
# Roles that do not hold a caseload of their own (allocation's list of who may lead).
NOT_LEADS = frozenset({Role.IG_LEAD.value, Role.ADMINISTRATOR.value})
# The coordinator's alone (the team tools' writers): allocation, moves, import.
ALLOCATORS = frozenset({Role.COORDINATOR.value})
# Provenance columns (storage.tables.base.Recorded) the journal stamps from the actor.
RECORDED = ("recorded_by", "recorded_org", "recorded_device")
RECORDED_FIELDS = frozenset({"recorded_at", *RECORDED})
# Set values the policy reads (every other set is decided without decoding its value).
VALUE_FIELDS = frozenset({("person", "team_id"), ("person", "lead_professional_id")}) | {
    ("alert", "restricted_detail"),
    ("alert", "kind"),
}

# Records signed by the professional who made them: the signature is the writer's
# own, and stays as it was signed.
SIGNED_BY = {
    "assessment": "performed_by_id",
    "mental_capacity_assessment": "assessed_by_id",
    "goal_review": "reviewed_by_id",
    "experience_answer": "asked_by_id",
    "carer_strain_check": "asked_by_id",
}
NOT_YOUR_SIGNATURE = (
    "An assessment, a goal review, an experience answer or a carer-strain check can only"
    " be signed by the person recording it."
)
SIGNATURE_FIXED = "Who signed an assessment or a review cannot be changed."
NOT_THE_SIGNER = "Only who signed an assessment can change what it says."
# What anyone with the person in scope may change on a signed record: the person's
# say on printing it is theirs, recorded by whoever is with them.
SIGNED_OPEN_FIELDS = frozenset({"shown_in_plan"})
NOT_YOURS = "A change can only be sent in the name of this laptop's own user and organisation."
NOT_YOUR_CHAIN = "An audit event can only name this laptop's own user and go in its own chain."
DIRECTORY_REFUSED = "Staff, teams and organisations are managed on the server, not from a laptop."
NOT_CLINICAL = "Your role does not write clinical records."
OUT_OF_SCOPE = (
    "This person is not on your team's caseload: changing their record needs "
    "break-glass, which is audited and reported to your coordinator."
)
NEW_PERSON_TEAM = "A new person can only be registered into your own team."
ONLY_COORDINATOR_MOVES = "Only the team's coordinator can move a person to another team."
ONLY_COORDINATOR_LEADS = "Only the team's coordinator can choose a person's lead professional."
OWN_TEAM_ONLY = "Only a person on your own team's caseload can be moved or allocated."
OTHER_ORGANISATION = "A person can only be moved to another team of the same organisation."
NOT_A_LEAD = "That staff member cannot be a lead professional: they hold no caseload here."
NO_GLASS = "Your role cannot break glass."
RESTRICTED_REFUSED = {
    "safeguarding": "Your role cannot record safeguarding detail: ask a social worker, "
    "the lead professional or the coordinator.",
    "key_safe": "Your role cannot record a key safe code or other restricted alert detail.",
}
# An alert's detail goes with its kind to whoever the new kind shows it to.
ALERT_KIND_REFUSED = (
    "Your role cannot move an alert into or out of safeguarding: ask a social worker, "
    "the lead professional or the coordinator."
)
NO_REMOVAL = "Records are not removed: end or close them instead."
PROVENANCE_FIXED = "Who recorded an entry cannot be changed."
ALREADY_RECORDED = "This person's record already exists."
ONLY_COORDINATOR_WEIGHTS = "Only the team's coordinator can change the team's priority weights."
OWN_TEAM_WEIGHTS = "A coordinator can only change their own team's priority weights."
WEIGHTS_KEPT = (
    "A team's priority weights are kept as they were set: a change is recorded as new weights."
)
ONLY_COORDINATOR_MEETINGS = "Only the team's coordinator can set up the team's meetings."
OWN_TEAM_MEETINGS = "A coordinator can only set up their own team's meetings."
MEETING_KEPT = "A team meeting is kept as it was set up: a meeting moved is a new meeting."
ONLY_COORDINATOR_LISTS = (
    "Only the team's coordinator puts people on a meeting's list or takes them off."
)
# A meeting item's fields that list someone or take them off (the rest: a flag's why,
# the decision and who was in the room, anyone's with the person in scope).
LISTING_FIELDS = frozenset({"meeting_id", "taken_off_on"})
# Per team record: (kept as written, coordinator's only, own team only).
TEAM_REFUSALS = {
    "priority_weights": (WEIGHTS_KEPT, ONLY_COORDINATOR_WEIGHTS, OWN_TEAM_WEIGHTS),
    "mdt_meeting": (MEETING_KEPT, ONLY_COORDINATOR_MEETINGS, OWN_TEAM_MEETINGS),
}


@dataclass(frozen=True)
class Writer:
    """Who is writing, as the side deciding knows them (the laptop: the signed-in
    actor; the server: the device's enrolled user, from its own tables)."""

    user_id: str | None
    role: str | None
    organisation_id: str | None
    team_id: str | None
    device_id: str
    # Enrolled with a server (the server always decides as for an enrolled laptop).
    enrolled: bool = True


@dataclass(frozen=True)
class PersonFacts:
    """What the deciding side knows of the person a change belongs to, before it."""

    exists: bool
    # On the writer's team's caseload (no break-glass needed).
    on_caseload: bool
    # A break-glass grant of the writer's in force.
    break_glass: bool = False
    lead_professional_id: str | None = None
    # The person's team now (None: not placed with a team yet).
    team_id: str | None = None
    # The stamp of the change that took the person off the writer's team's caseload,
    # when the writer's device has held them since (it has not pulled since, so it
    # has not been told to let them go), within MOVED_GRACE of that change. Work
    # written on that laptop before the move still counts as on the caseload: an
    # offline note is not lost because a colleague moved the person meanwhile.
    left_team_at: int | None = None

    def on_caseload_when(self, stamp: int) -> bool:
        """On the team's caseload when a change with this clock stamp was written."""
        return self.on_caseload or (self.left_team_at is not None and stamp < self.left_team_at)


class Proposed(NamedTuple):
    """One change as both sides see it (a journal row, a wire Change). A named tuple:
    the server makes one per pushed change, and a frozen dataclass cost four times
    as much to build."""

    entity: str
    entity_id: str
    op: str
    field: str | None
    # create/append: the whole row (a dict); set: the decoded new value when
    # (entity, field) is in VALUE_FIELDS (otherwise unread); delete: None.
    value: Any
    device_id: str
    author_id: str | None
    organisation_id: str | None
    # The change's hybrid logical clock stamp (storage.hlc).
    stamp: int = 0


@dataclass(frozen=True)
class Lookups:
    """Facts about things a change names, beyond its person (filled only when needed)."""

    # A team id -> its organisation (None: not a team the deciding side knows).
    team_organisation: Mapping[str, str | None] | None = None
    # A staff id -> (role, active) for a proposed lead professional.
    staff: Mapping[str, tuple[str, bool]] | None = None
    # An alert id -> its kind, for a change to its restricted detail.
    alert_kind: Mapping[str, str | None] | None = None
    # A signed record's id -> who signed it, for a change to what it says.
    signer: Mapping[str, str | None] | None = None


NO_LOOKUPS = Lookups()
# How long after a person leaves a team a laptop that still holds them may send what
# it wrote before (an enrolled laptop offline longer locks until it syncs:
# app.workspace.DEFAULT_MAX_DAYS_OFFLINE).
MOVED_GRACE = timedelta(days=14)
__all__ = [
    "CLINICAL_ROLES",
    "TEAM_SETTINGS",
    "Lookups",
    "PersonFacts",
    "Proposed",
    "Writer",
    "decide",
]


def needs_person(entity: str) -> bool:
    """Whether deciding a change to this kind of record needs the facts of the person
    it belongs to."""
    return entity not in DIRECTORY and entity != AUDIT and entity not in TEAM_SETTINGS


def decide(
    writer: Writer,
    change: Proposed,
    person: PersonFacts | None,
    lookups: Lookups = NO_LOOKUPS,
) -> str | None:
    """A plain reason this writer may not make this change, or None when they may.
    `person`: the facts of the person the change belongs to (None when
    `needs_person` says none are needed, or the record is unknown)."""
    if reason := _provenance(writer, change, lookups):
        return reason
    entity = change.entity
    if entity in DIRECTORY:
        return DIRECTORY_REFUSED if writer.enrolled else None
    if entity == AUDIT:
        return None
    if entity in TEAM_SETTINGS:
        return _team_setting(writer, change)
    if writer.role not in CLINICAL_ROLES:
        return NOT_CLINICAL
    if change.op == "delete":
        return NO_REMOVAL
    if change.op == "set" and change.field in RECORDED_FIELDS:
        return PROVENANCE_FIXED
    if change.op == "set" and change.field == SIGNED_BY.get(entity):
        return SIGNATURE_FIXED
    if (
        change.op == "set"
        and entity in SIGNED_BY
        and change.field not in SIGNED_OPEN_FIELDS
        and (lookups.signer or {}).get(change.entity_id) not in (None, writer.user_id)
    ):
        return NOT_THE_SIGNER
    if entity == BREAK_GLASS:
        return None if may_break_glass(_viewer(writer)) else NO_GLASS
    if entity == "person" and change.op == "create":
        return _new_person(writer, change, person, lookups)
    if person is None or not (person.on_caseload_when(change.stamp) or person.break_glass):
        return OUT_OF_SCOPE
    if entity == "person" and change.op == "set":
        return _person_field(writer, change, person, lookups)
    if entity == "alert":
        return _alert(writer, change, person, lookups)
    if entity == "mdt_item":
        return _meeting_item(writer, change)
    return None


def _meeting_item(writer: Writer, change: Proposed) -> str | None:
    if change.op == "create":
        row = change.value if isinstance(change.value, dict) else {}
        listing = any(row.get(name) is not None for name in LISTING_FIELDS)
    else:
        listing = change.field in LISTING_FIELDS
    return ONLY_COORDINATOR_LISTS if listing and writer.role not in ALLOCATORS else None


def _provenance(writer: Writer, change: Proposed, lookups: Lookups) -> str | None:
    if change.device_id != writer.device_id:
        return "A laptop can only send its own changes."
    if change.author_id != writer.user_id or change.organisation_id != writer.organisation_id:
        return NOT_YOURS
    if change.op not in ("create", "append") or not isinstance(change.value, dict):
        return None
    row: dict[str, Any] = change.value
    if change.entity == AUDIT:
        if row.get("device_id") != writer.device_id:
            return NOT_YOUR_CHAIN
        if (
            row.get("actor_id") != writer.user_id
            or row.get("organisation_id") != writer.organisation_id
            or row.get("actor_role") != writer.role
        ):
            return NOT_YOUR_CHAIN
        return None
    return row_provenance(
        change.entity, row, writer.user_id, writer.organisation_id, writer.device_id, writer.role
    )


def row_provenance(
    entity: str,
    row: dict[str, Any],
    user_id: str | None,
    organisation_id: str | None,
    device_id: str | None,
    role: str | None,
    *,
    any_role: bool = False,
) -> str | None:
    """Whether a whole row names as its writer only who wrote its change: recorded
    provenance (every Recorded table), a note's author, a break-glass grant's staff
    member, an assessment's signer. A laptop's rows are held to its own user, device
    and role; a partner's to its change's own author, organisation and device
    (`any_role`: a partner's staff roles are not known here, so a role is not compared)."""
    if "recorded_by" in row and (
        row["recorded_by"] != user_id
        or row.get("recorded_org") != organisation_id
        or row.get("recorded_device") != device_id
    ):
        return NOT_YOURS
    if entity == "contact_note" and (
        row.get("author_id") != user_id
        or row.get("organisation_id") != organisation_id
        or (not any_role and row.get("author_role") != role)
    ):
        return NOT_YOURS
    if entity == BREAK_GLASS and (
        row.get("staff_member_id") != user_id or (not any_role and row.get("staff_role") != role)
    ):
        return NOT_YOURS
    signer = SIGNED_BY.get(entity)
    if signer is not None and row.get(signer) != user_id:
        return NOT_YOUR_SIGNATURE
    return None


def _team_setting(writer: Writer, change: Proposed) -> str | None:
    """A team's setting or meeting: its coordinator's, for their own team, added
    never edited."""
    kept, coordinators_only, own_team_only = TEAM_REFUSALS[change.entity]
    # The kind of change first, as the server's validation refuses it before asking
    # here: both sides give the same reason whoever sends it.
    if change.op != "append":
        return kept
    if writer.role not in ALLOCATORS:
        return coordinators_only
    row = change.value if isinstance(change.value, dict) else {}
    if writer.team_id is None or row.get("team_id") != writer.team_id:
        return own_team_only
    return None


def _viewer(writer: Writer) -> Viewer:
    return Viewer(writer.user_id, writer.role, writer.team_id, writer.enrolled)


def _new_person(
    writer: Writer, change: Proposed, person: PersonFacts | None, lookups: Lookups
) -> str | None:
    if person is not None and person.exists:
        return ALREADY_RECORDED
    row = change.value if isinstance(change.value, dict) else {}
    if row.get("team_id") not in (None, writer.team_id):
        return NEW_PERSON_TEAM
    lead = row.get("lead_professional_id")
    if lead is not None:
        if writer.role not in ALLOCATORS:
            return ONLY_COORDINATOR_LEADS
        return _lead_refused(lead, lookups)
    return None


def _lead_refused(lead: Any, lookups: Lookups) -> str | None:
    """A lead must be an active member of staff who holds a caseload."""
    staff = (lookups.staff or {}).get(lead) if isinstance(lead, str) else None
    if staff is None or not staff[1] or staff[0] in NOT_LEADS:
        return NOT_A_LEAD
    return None


def _person_field(
    writer: Writer, change: Proposed, person: PersonFacts, lookups: Lookups
) -> str | None:
    if change.field == "team_id":
        if (
            writer.team_id is not None
            and change.value == writer.team_id
            and person.on_caseload_when(change.stamp)
            and person.team_id in (None, writer.team_id)
        ):
            # Placing someone with no team yet with one's own team, as registering does.
            return None
        if writer.role not in ALLOCATORS:
            return ONLY_COORDINATOR_MOVES
        if not person.on_caseload_when(change.stamp):
            return OWN_TEAM_ONLY
        team = change.value
        known = lookups.team_organisation or {}
        if team is None or not isinstance(team, str) or known.get(team) != writer.organisation_id:
            return OTHER_ORGANISATION
        return None
    if change.field == "lead_professional_id":
        if writer.role not in ALLOCATORS:
            return ONLY_COORDINATOR_LEADS
        if not person.on_caseload_when(change.stamp):
            return OWN_TEAM_ONLY
        lead = change.value
        return None if lead is None else _lead_refused(lead, lookups)
    return None


def _alert(writer: Writer, change: Proposed, person: PersonFacts, lookups: Lookups) -> str | None:
    """Restricted detail (a key safe code, safeguarding detail) is written only by a role
    that may see it: when an alert is made with it, when it is set, and when it is
    cleared (wiping a key safe code is writing it too); and an alert's kind is moved
    between safeguarding and the other kinds only by a role that may see both, as the
    detail goes with the kind to whoever the new one shows it to."""
    was = (lookups.alert_kind or {}).get(change.entity_id)
    if change.op == "create":
        row = change.value if isinstance(change.value, dict) else {}
        if not row.get("restricted_detail"):
            return None
        categories = [category_of_alert(row.get("kind"))]
    elif change.field == "restricted_detail":
        categories = [category_of_alert(was)]
    elif change.field == "kind":
        before, after = category_of_alert(was), category_of_alert(change.value)
        if before is after:
            return None
        viewer, legitimate = _viewer(writer), person.on_caseload_when(change.stamp)
        lead = person.lead_professional_id
        both = all(
            restricted_visible(viewer, c, legitimate=legitimate, lead_professional_id=lead)
            for c in (before, after)
        )
        return None if both else ALERT_KIND_REFUSED
    else:
        return None
    for category in categories:
        if not restricted_visible(
            _viewer(writer),
            category,
            legitimate=person.on_caseload_when(change.stamp),
            lead_professional_id=person.lead_professional_id,
        ):
            return RESTRICTED_REFUSED[category.value]
    return None
