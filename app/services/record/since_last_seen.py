"""Since you last saw them: what colleagues (every agency, never the user themself)
added to or changed in a person's record since the user's own last contact with the
person or since they last marked these changes read, each with who, their
organisation and when; shown first when the record opens, until marked read.

"Since" counts in the order changes reached this laptop (the change journal's own
sequence), not by when they were written: a colleague's note written offline two
days ago and synced this morning is new to the user this morning. With nothing to
count from (no contact, never marked read), the last LOOK_BACK_DAYS of colleagues'
changes are shown, so a laptop's first download is not "everything is new".

What is said is the kind of record and what happened to it ("New risk: falls",
"Care plan agreed (version 3)", "Unplanned admission on 2 Dec 2026"), never a
note's words, an alert's restricted detail or any other free text: those stay
behind the record's own access rules. Marking read is an audit event of the user's
own (`changes_seen`, with the sequence it counts to), so nothing new is stored.
Reading only the people the user may open: the caller has checked access first.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.values import vocab
from app.workspace import Workspace
from storage import hlc
from storage.audit_log import append as audit
from storage.tables import (
    AboutMe,
    Alert,
    Assessment,
    AuditEvent,
    CarePlan,
    CarePlanVersion,
    CarerStrainCheck,
    ChangeRecord,
    ConsentToShare,
    ContactNote,
    ContingencyPlan,
    ExperienceAnswer,
    Goal,
    GoalReview,
    HospitalEvent,
    MdtItem,
    MentalCapacityAssessment,
    Need,
    Organisation,
    Person,
    PersonalBudget,
    PersonalContact,
    PlanAction,
    PlannedVisit,
    ProfessionalContact,
    ReablementEpisode,
    Referral,
    Risk,
    StaffMember,
    Strength,
    TelecareItem,
)

logger = logging.getLogger(__name__)

LOOK_BACK_DAYS = 30
SEEN = "changes_seen"
_CREATES = ("create", "append")


@dataclass(frozen=True)
class Seen:
    """One thing a colleague did to the record (several edits of one entry by one
    person make one line)."""

    what: str
    who: str
    role: str
    organisation: str
    when: datetime  # when they wrote it (their clock, UTC)
    edits: int


@dataclass(frozen=True)
class SinceLastSeen:
    items: tuple[Seen, ...]  # newest first
    # The journal sequence counted to: marking read records it.
    up_to: int
    # What "since" means here, for the heading.
    since: str


def _label(kind: type[vocab.Coded], code: object) -> str:
    try:
        return kind(str(code)).label
    except ValueError:
        return str(code or "").replace("_", " ")


def _day(value: object) -> str:
    return f"{value:%-d %b %Y}" if value is not None else ""


# Each kind of entry in a person's record: its table, and what a change to it says
# (from the op and the entry as it stands now). Plan parts say "Care plan changed".
Say = Callable[[str, Any], str]
_PLAN = "Care plan changed"
KINDS: dict[str, tuple[Any, Say]] = {
    "person": (Person, lambda op, _r: "Personal details changed"),
    "about_me": (AboutMe, lambda op, _r: "About me changed"),
    "personal_contact": (
        PersonalContact,
        lambda op, _r: "New family or carer contact" if op in _CREATES else "Carer details changed",
    ),
    "professional_contact": (ProfessionalContact, lambda op, _r: "Professionals involved changed"),
    "referral": (Referral, lambda op, _r: "New referral" if op in _CREATES else "Referral changed"),
    "risk": (
        Risk,
        lambda op, r: (
            ("New risk: " if op in _CREATES else "Risk changed: ")
            + _label(vocab.RiskKind, r.kind).lower()
        ),
    ),
    "alert": (
        Alert,
        lambda op, r: (
            ("New alert: " if op in _CREATES else "Alert changed: ")
            + _label(vocab.AlertKind, r.kind).lower()
        ),
    ),
    "care_plan": (CarePlan, lambda op, _r: _PLAN),
    "goal": (Goal, lambda op, _r: _PLAN),
    "plan_action": (PlanAction, lambda op, _r: _PLAN),
    "need": (Need, lambda op, _r: _PLAN),
    "strength": (Strength, lambda op, _r: _PLAN),
    "contingency_plan": (ContingencyPlan, lambda op, _r: _PLAN),
    "care_plan_version": (
        CarePlanVersion,
        lambda op, r: f"Care plan agreed (version {r.version})",
    ),
    "contact_note": (
        ContactNote,
        lambda op, r: (
            "Note corrected"
            if r.amends_id
            else "New note: " + _label(vocab.ContactType, r.contact_type).lower()
        ),
    ),
    "planned_visit": (
        PlannedVisit,
        lambda op, _r: "Visit planned" if op in _CREATES else "Planned visit changed",
    ),
    "consent_to_share": (
        ConsentToShare,
        lambda op, r: "Consent " + _label(vocab.ConsentDecision, r.decision).lower(),
    ),
    "mental_capacity_assessment": (
        MentalCapacityAssessment,
        lambda op, _r: "Mental capacity assessment recorded",
    ),
    "assessment": (Assessment, lambda op, _r: "Assessment recorded"),
    "reablement_episode": (
        ReablementEpisode,
        lambda op, _r: "Reablement started" if op in _CREATES else "Reablement episode changed",
    ),
    "goal_review": (GoalReview, lambda op, _r: "Goal reviewed"),
    "hospital_event": (
        HospitalEvent,
        lambda op, r: (
            f"{_label(vocab.HospitalEventKind, r.kind)} on {_day(r.occurred_on)}"
            + (" (marked as recorded in error)" if r.entered_in_error else "")
        ),
    ),
    "experience_answer": (ExperienceAnswer, lambda op, _r: "Experience answers recorded"),
    # Never the score: a colleague opens the carer's panel for that.
    "carer_strain_check": (CarerStrainCheck, lambda op, _r: "Carer-strain check recorded"),
    "telecare_item": (
        TelecareItem,
        lambda op, r: (
            ("Telecare added: " if op in _CREATES else "Telecare changed: ")
            + _label(vocab.TelecareKind, r.kind).lower()
        ),
    ),
    "personal_budget": (
        PersonalBudget,
        lambda op, _r: "Personal budget recorded" if op in _CREATES else "Personal budget changed",
    ),
    "mdt_item": (MdtItem, lambda op, r: _meeting_item(r)),
}


def _meeting_item(row: Any) -> str:
    if row.decision is not None:
        return f"Discussed at the team meeting on {_day(row.decided_on)}"
    if row.meeting_id is None:
        return "Flagged for the team meeting"
    return "On the team meeting's list"


# In a person's record but not said here, on purpose: the user's own access log and
# grants (not a colleague's work on the record).
LEFT_OUT = frozenset({"audit_event", "break_glass"})


def _ids_of(session: Session, table: Any, person_id: str) -> list[str]:
    return list(session.execute(select(table.id).where(table.person_id == person_id)).scalars())


def _baseline(session: Session, person_id: str, me: str | None) -> tuple[int, str]:
    """The journal sequence to count from, and what it is, in words."""
    j = ChangeRecord
    notes = _ids_of(session, ContactNote, person_id)
    mine = session.execute(
        select(func.max(j.seq)).where(
            j.entity == "contact_note", j.entity_id.in_(notes), j.author_id == me
        )
    ).scalar()
    read = session.execute(
        select(AuditEvent.detail)
        .where(
            AuditEvent.action == SEEN,
            AuditEvent.person_id == person_id,
            AuditEvent.actor_id == me,
        )
        .order_by(AuditEvent.at.desc())
        .limit(1)
    ).scalar()
    marked = int(json.loads(read).get("up_to", 0)) if read else 0
    if mine is None and not marked:
        return 0, f"in the last {LOOK_BACK_DAYS} days"
    if marked >= (mine or 0):
        return marked, "since you last marked them read"
    return int(mine or 0), "since your last contact"


def changes_since(session: Session, person_id: str, me: str | None) -> SinceLastSeen:
    """Colleagues' changes to the person's record since the user last saw it."""
    since, words = _baseline(session, person_id, me)
    # On the clock stamps' own wall clock (the journal's order of writing).
    oldest = hlc.pack(hlc.wall_ms() - LOOK_BACK_DAYS * 86_400_000, 0)
    items, up_to = changes_in(
        session, person_id, after_seq=since, written_from=None if since else oldest, not_by=me
    )
    return SinceLastSeen(items, up_to, words)


def changes_in(
    session: Session,
    person_id: str,
    *,
    after_seq: int = 0,
    written_from: int | None = None,
    not_by: str | None = None,
    everyone: bool = False,
    written_before: int | None = None,
    leave_out: frozenset[str] = frozenset(),
) -> tuple[tuple[Seen, ...], int]:
    """What was done to the person's record after the journal's `after_seq` and
    written at or after the clock stamp `written_from` (and before `written_before`),
    by anyone but `not_by` (or by `everyone`): newest first, with the journal sequence
    counted to. (The meeting brief asks for every
    agency's since the last meeting; "since you last saw them", for colleagues'.)"""
    since = after_seq
    me = not_by
    j = ChangeRecord
    found: dict[tuple[str, str, str | None], dict[str, Any]] = {}
    for entity, (table, say) in KINDS.items():
        if entity in leave_out:
            continue
        # The person's entries first (each table's person index), then their changes
        # (the journal's entity index): joined in one statement, SQLite may walk every
        # change of the kind instead (seconds on a 5,000-person caseload).
        ids = [person_id] if table is Person else _ids_of(session, table, person_id)
        if not ids:
            continue
        changes = session.execute(
            select(j.seq, j.entity_id, j.op, j.author_id, j.organisation_id, j.hlc).where(
                j.entity == entity,
                j.entity_id.in_(ids),
                j.seq > since,
                *(() if everyone else (j.author_id.is_distinct_from(me),)),
                *(() if written_from is None else (j.hlc >= written_from,)),
                *(() if written_before is None else (j.hlc < written_before,)),
            )
        ).all()
        if not changes:
            continue
        loaded: list[Any] = list(
            session.execute(
                select(table).where(table.id.in_({c.entity_id for c in changes}))
            ).scalars()
        )
        entries = {entry.id: entry for entry in loaded}
        rows = [(*c, entries[c.entity_id]) for c in changes if c.entity_id in entries]
        for _seq, entity_id, op, author, organisation, stamp, row in rows:
            what = say(op, row)
            key = (what, entity_id if what != _PLAN else "", author)
            held = found.get(key)
            if held is None:
                found[key] = {
                    "what": what,
                    "author": author,
                    "org": organisation,
                    "stamp": stamp,
                    "edits": 1,
                }
            else:
                held["stamp"] = max(held["stamp"], stamp)
                held["edits"] += 1
    # Everything that had reached this laptop when this was read (one snapshot): all of
    # it was either shown here or is not about this person, or is the user's own.
    up_to = session.execute(select(func.coalesce(func.max(j.seq), 0))).scalar_one()
    staff = {
        s.id: (s.display_name, s.role)
        for s in session.execute(select(StaffMember.id, StaffMember.display_name, StaffMember.role))
    }
    orgs = dict(session.execute(select(Organisation.id, Organisation.name)).all())
    items = []
    for held in found.values():
        name, role = staff.get(held["author"], ("A colleague", None))
        items.append(
            Seen(
                what=held["what"],
                who=name,
                role=_label(vocab.Role, role) if role else "",
                organisation=orgs.get(held["org"], ""),
                when=datetime.fromtimestamp(hlc.unpack(held["stamp"])[0] / 1000, UTC),
                edits=held["edits"],
            )
        )
    items.sort(key=lambda s: (s.when, s.what), reverse=True)
    return tuple(items), int(up_to)


def since_last_seen(workspace: Workspace, person_id: str) -> SinceLastSeen:
    """What colleagues changed since the signed-in user last saw the record. The
    caller has opened the record (access is checked there)."""
    with workspace.store.read() as session:
        return changes_since(session, person_id, workspace.actor.user_id)


def mark_seen(workspace: Workspace, person_id: str, up_to: int) -> None:
    """The user has read them: counted from `up_to` next time (audited)."""
    with workspace.store.write(workspace.actor) as session:
        audit(session, SEEN, person_id=person_id, detail={"up_to": int(up_to)})
