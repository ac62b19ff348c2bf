"""A one-page brief for each person on a meeting's list: who they are, why they are
on the list, what every agency added or changed in their record since the team's
last meeting (the same digest as "since you last saw them", counted from the last
meeting and from everyone), their plan's open actions and review date.

Built on the laptop from the record it holds, so it reads with no connection. Like
"since you last saw them" it says what happened, never a note's words, an alert's
restricted detail or other free text; a person the viewer may not open is left out
of their briefs (and counted, so the pack says so).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import AccessDeniedError, NotFoundError
from app.services import clock
from app.services.mdt.agenda import FIRST_LOOK_BACK, Listed, hidden_in, list_in_session
from app.services.mdt.meetings import Meeting, meeting_in, previous_in
from app.services.need_to_know.access import require_access
from app.services.record.since_last_seen import Seen, changes_in
from app.services.team.team_caseload import AT_RISK_SCORE
from app.values import vocab
from app.values.overdue import action_overdue, plan_review_overdue
from app.workspace import Workspace
from storage import hlc
from storage.tables import CarePlan, Person, PlanAction, Risk, StaffMember

# A page holds this many lines of changes; the rest are counted ("and 12 more").
CHANGES_SHOWN = 10


@dataclass(frozen=True)
class OpenAction:
    what: str
    who: str
    due_on: date | None
    overdue: bool


@dataclass(frozen=True)
class Brief:
    listed: Listed
    date_of_birth: date
    lead_name: str | None
    level_of_need: str
    since: str  # "since the meeting on 12 Nov 2026"
    changes: tuple[Seen, ...]
    more_changes: int
    actions: tuple[OpenAction, ...]
    high_risks: tuple[str, ...]
    review_due: date | None
    review_overdue: bool


@dataclass(frozen=True)
class Pack:
    meeting: Meeting
    briefs: tuple[Brief, ...]
    # On the list but not the viewer's to open (another team's, a break-glass case).
    not_shown: int


def _since(session: Session, meeting: Meeting) -> tuple[datetime, str]:
    before = previous_in(session, meeting)
    if before is not None:
        return before.meets_at, f"since the meeting on {clock.local(before.meets_at):%-d %b %Y}"
    start = meeting.meets_at - FIRST_LOOK_BACK
    return start, f"in the {FIRST_LOOK_BACK.days} days before this meeting"


def _stamp(at: datetime) -> int:
    """A calendar time on the change journal's own clock. The journal stamps real time
    (storage/hlc.py) while "now" for meetings is the calendar's (moved in tests, and a
    laptop's calendar may be set wrong): the distance back from now is what counts."""
    back_ms = int((clock.now() - at).total_seconds() * 1000)
    return hlc.pack(max(0, hlc.wall_ms() - back_ms), 0)


def brief_in(
    session: Session,
    listed: Listed,
    *,
    since: datetime,
    until: datetime,
    since_words: str,
    today: date,
) -> Brief:
    """One person's brief: what changed from `since` to `until` (the meeting itself,
    so a pack printed afterwards does not list the meeting's own note and actions).
    Access is the caller's to check."""
    person = session.get(Person, listed.person_id)
    if person is None:
        raise NotFoundError("That person is not on this laptop.")
    found, _ = changes_in(
        session,
        listed.person_id,
        written_from=_stamp(since),
        written_before=_stamp(until),
        everyone=True,
        leave_out=frozenset({"mdt_item"}),
    )
    changes = _by_what_and_who(found)
    open_actions = session.execute(
        select(PlanAction)
        .where(
            PlanAction.person_id == listed.person_id,
            PlanAction.status.in_(
                (vocab.ActionStatus.PLANNED.value, vocab.ActionStatus.IN_PROGRESS.value)
            ),
        )
        .order_by(PlanAction.due_on.is_(None), PlanAction.due_on, PlanAction.id)
    ).scalars()
    actions = tuple(
        OpenAction(
            a.what,
            ", ".join(x for x in (a.who_name, a.who_role) if x),
            a.due_on,
            action_overdue(a.status, a.due_on, today),
        )
        for a in open_actions
    )
    risks = session.execute(
        select(Risk.kind, Risk.likelihood, Risk.impact).where(
            Risk.person_id == listed.person_id, Risk.status == vocab.RiskStatus.ACTIVE.value
        )
    ).all()
    high = tuple(
        sorted({vocab.RiskKind(k).label for k, li, im in risks if li * im >= AT_RISK_SCORE})
    )
    review = session.execute(
        select(CarePlan.review_due).where(CarePlan.person_id == listed.person_id)
    ).scalar()
    lead = None
    if person.lead_professional_id:
        staff = session.get(StaffMember, person.lead_professional_id)
        lead = staff.display_name if staff else None
    return Brief(
        listed=listed,
        date_of_birth=person.date_of_birth,
        lead_name=lead,
        level_of_need=vocab.LevelOfNeed(person.level_of_need).label,
        since=since_words,
        changes=changes[:CHANGES_SHOWN],
        more_changes=max(0, len(changes) - CHANGES_SHOWN),
        actions=actions,
        high_risks=high,
        review_due=review,
        review_overdue=plan_review_overdue(review, today),
    )


def _by_what_and_who(found: tuple[Seen, ...]) -> tuple[Seen, ...]:
    """One line per kind of change and who made it (nine experience answers are one
    line, "9 changes"), newest first: a page, not a log."""
    merged: dict[tuple[str, str, str], Seen] = {}
    for seen in found:  # newest first: the first of each is the newest
        key = (seen.what, seen.who, seen.organisation)
        held = merged.get(key)
        merged[key] = seen if held is None else replace(held, edits=held.edits + seen.edits)
    return tuple(merged.values())


def meeting_pack(workspace: Workspace, meeting_id: str) -> Pack:
    """Every brief of the meeting's list the viewer may open, in the list's order."""
    today = clock.today()
    with workspace.store.read() as session:
        meeting = meeting_in(session, workspace.actor, meeting_id)
        since, words = _since(session, meeting)
        briefs: list[Brief] = []
        not_shown = hidden_in(session, workspace.actor, meeting)
        for listed in list_in_session(session, workspace.actor, meeting):
            try:
                require_access(session, workspace.actor, listed.person_id)
            except (AccessDeniedError, NotFoundError):
                not_shown += 1
                continue
            briefs.append(
                brief_in(
                    session,
                    listed,
                    since=since,
                    until=meeting.meets_at,
                    since_words=words,
                    today=today,
                )
            )
    return Pack(meeting, tuple(briefs), not_shown)
