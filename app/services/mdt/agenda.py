"""A meeting's list: who anyone flagged for discussion (with why), and what the
coordinator adds from the team's record (the top of the priority list, new
referrals, overdue plan reviews, reablement episodes that ended).

Flagging is anyone's who may write the person's record; building the list (adding,
taking off) is the team's coordinator's. Each listed person is an `MdtItem` in their
own record, so the list reaches every agency that shares the record, and nothing is
removed: a flag taken off the list waits for the next meeting; anything else taken
off is marked so (`taken_off_on`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import AccessDeniedError, InvalidInputError, NotFoundError
from app.services import clock
from app.services.changes import MEETINGS, PLAN, TIMELINE, Change
from app.services.mdt.meetings import Meeting, meeting_in, previous_in
from app.services.need_to_know.access import legitimate_clause, viewer_of, writable_person
from app.services.ops import operation, text
from app.services.priority.priority_list import list_in
from app.services.team.team_scope import team_scope
from app.services.write_rules.write_policy import ALLOCATORS, ONLY_COORDINATOR_LISTS
from app.values import vocab
from app.values.nhs_number import format_nhs_number
from app.values.vocab import MdtReason
from app.workspace import Workspace
from storage.actor import Actor
from storage.audit_log import append as audit
from storage.tables import CarePlan, MdtItem, Person, ReablementEpisode, Referral, StaffMember

WHY_MOST = 1000
# How many of the top of the priority list are offered (those scoring anything).
PRIORITY_OFFERED = 5
# With no earlier meeting, "new" and "ended" look back this far.
FIRST_LOOK_BACK = timedelta(days=28)
# The order reasons are listed and offered in: what someone asked for, what is new,
# what just ended, what is late, and then what the score suggests.
ORDER = (
    MdtReason.FLAGGED,
    MdtReason.NEW_REFERRAL,
    MdtReason.REABLEMENT_ENDED,
    MdtReason.REVIEW_OVERDUE,
    MdtReason.PRIORITY,
)
AREAS = frozenset({MEETINGS, PLAN, TIMELINE})
NOT_LISTED = "That person is not on this meeting's list."
ALREADY_LISTED = "They are already on this meeting's list."
ALREADY_DECIDED = "The meeting has already decided about this person: it stays on the list."
SAY_WHY = "Say why you want them discussed."


@dataclass(frozen=True)
class Listed:
    """A person on a meeting's list, or offered for it (item_id None)."""

    item_id: str | None
    person_id: str
    given_name: str
    family_name: str
    nhs_number: str | None
    reason: MdtReason
    why: str
    flagged_by: str | None = None
    decision: str | None = None
    decided_on: date | None = None
    # More than `why` says, for the coordinator's screen only, never stored: the item
    # travels with the care plan to partners, the priority factors (admissions,
    # safeguarding) and the referral's detail stay behind their own categories.
    detail: str = ""

    @property
    def display_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    @property
    def nhs_number_formatted(self) -> str:
        return format_nhs_number(self.nhs_number) if self.nhs_number else "not yet known"

    @property
    def reason_label(self) -> str:
        return self.reason.label

    @property
    def said(self) -> str:
        """Why, in words that stand alone ("Referred on 2 Dec 2026 (urgent)" says its
        reason; a colleague's own words are marked as a flag)."""
        if self.reason is MdtReason.FLAGGED:
            return f"Flagged: {self.why}"
        return self.why or self.reason.label


def _day(value: date) -> str:
    return f"{value:%-d %b %Y}"


def _listed(item: MdtItem, person: Person, staff: dict[str, str]) -> Listed:
    return Listed(
        item.id,
        person.id,
        person.given_name,
        person.family_name,
        person.nhs_number,
        MdtReason(item.reason),
        item.why,
        staff.get(item.recorded_by or "") if item.reason == MdtReason.FLAGGED.value else None,
        item.decision,
        item.decided_on,
    )


def _staff(session: Session) -> dict[str, str]:
    return dict(session.execute(select(StaffMember.id, StaffMember.display_name)).all())


def _on_list(session: Session, meeting: Meeting) -> list[MdtItem]:
    return list(
        session.execute(
            select(MdtItem).where(MdtItem.meeting_id == meeting.id, MdtItem.taken_off_on.is_(None))
        ).scalars()
    )


def hidden_in(session: Session, actor: Actor, meeting: Meeting) -> int:
    """How many on the list this viewer may not see (moved to another team since)."""
    return len(_on_list(session, meeting)) - len(list_in_session(session, actor, meeting))


def list_in_session(session: Session, actor: Actor, meeting: Meeting) -> list[Listed]:
    """The meeting's list as this laptop holds it: only the people within the viewer's
    legitimate relationship (need-to-know; someone moved to another team since they
    were listed drops off this viewer's list)."""
    items = _on_list(session, meeting)
    viewer = viewer_of(session, actor)
    wanted = {i.person_id for i in items}
    people = {
        p.id: p
        for p in session.execute(
            select(Person).where(Person.id.in_(wanted), legitimate_clause(viewer))
        ).scalars()
    }
    staff = _staff(session)
    rows = [_listed(i, people[i.person_id], staff) for i in items if i.person_id in people]
    rows.sort(key=lambda r: (ORDER.index(r.reason), r.family_name, r.given_name, r.person_id))
    return rows


def meeting_list(workspace: Workspace, meeting_id: str) -> list[Listed]:
    with workspace.store.read() as session:
        meeting = meeting_in(session, workspace.actor, meeting_id)
        return list_in_session(session, workspace.actor, meeting)


def flag_for_discussion(
    workspace: Workspace, *, person_id: str, why: str, draft_key: str | None = None
) -> Change:
    """Ask for the person to be discussed at the team's next meeting, saying why."""
    said = text(why, "why", limit=WHY_MOST, required=True)
    with operation(workspace, draft_key=draft_key) as session:
        writable_person(session, person_id)
        item = MdtItem(person_id=person_id, reason=MdtReason.FLAGGED.value, why=said)
        session.add(item)
        session.flush()
        audit(session, "mdt_flagged", person_id=person_id, detail={"item_id": item.id})
        item_id = item.id
    return Change(
        "mdt_flagged", person_id=person_id, entity_id=item_id, areas=AREAS, fields=("why",)
    )


def waiting_flags(session: Session, team_people: Iterable[str]) -> list[MdtItem]:
    """Flags not yet on any meeting's list, for these people."""
    wanted = set(team_people)
    rows = session.execute(
        select(MdtItem).where(
            MdtItem.meeting_id.is_(None),
            MdtItem.taken_off_on.is_(None),
            MdtItem.decision.is_(None),
        )
    ).scalars()
    return [r for r in rows if r.person_id in wanted]


def _team_people(session: Session, actor: Actor) -> dict[str, Person]:
    scope = team_scope(session, actor)
    rows = session.execute(select(Person).where(scope.people(), Person.status == "open")).scalars()
    return {p.id: p for p in rows}


def _since(session: Session, meeting: Meeting) -> date:
    before = previous_in(session, meeting)
    if before is not None:
        return clock.local(before.meets_at).date()
    return clock.local(meeting.meets_at).date() - FIRST_LOOK_BACK


def offered(workspace: Workspace, meeting_id: str) -> list[Listed]:
    """Who the record suggests for the list, one line per person with every reason
    in words (the first reason, in ORDER, is theirs): not yet on it. The
    coordinator's and the IG lead's (AccessDeniedError for anyone else)."""
    today = clock.today()
    with workspace.store.read() as session:
        meeting = meeting_in(session, workspace.actor, meeting_id)
        people = _team_people(session, workspace.actor)
        on_list = {r.person_id for r in list_in_session(session, workspace.actor, meeting)}
        since = _since(session, meeting)
        reasons: dict[str, list[tuple[MdtReason, str, str, str | None]]] = {}

        def offer(
            person_id: str,
            reason: MdtReason,
            why: str,
            detail: str | None = None,
            item: str | None = None,
        ) -> None:
            if person_id in people and person_id not in on_list:
                reasons.setdefault(person_id, []).append((reason, why, detail or why, item))

        for flag in waiting_flags(session, people):
            offer(flag.person_id, MdtReason.FLAGGED, flag.why, item=flag.id)
        for r in session.execute(select(Referral).where(Referral.received_on >= since)).scalars():
            urgency = vocab.ReferralUrgency(r.urgency).label.lower() if r.urgency else ""
            offer(
                r.person_id,
                MdtReason.NEW_REFERRAL,
                "New referral",
                f"Referred on {_day(r.received_on)} ({urgency})",
            )
        ended = select(ReablementEpisode).where(ReablementEpisode.ended_on >= since)
        for e in session.execute(ended).scalars():
            outcome = vocab.ReablementOutcome(e.outcome).label.lower() if e.outcome else "ended"
            if e.ended_on is not None:
                said = f"Reablement ended {_day(e.ended_on)}: {outcome}"
                offer(e.person_id, MdtReason.REABLEMENT_ENDED, said)
        overdue = select(CarePlan.person_id, CarePlan.review_due).where(CarePlan.review_due < today)
        for person_id, due in session.execute(overdue).all():
            if due is not None:
                offer(person_id, MdtReason.REVIEW_OVERDUE, f"Plan review was due {_day(due)}")
        top = [r for r in list_in(session, workspace.actor).rows if r.scored.score > 0]
        for rank, row in enumerate(top[:PRIORITY_OFFERED], start=1):
            offer(
                row.person.person_id,
                MdtReason.PRIORITY,
                f"Number {rank} on the team's priority list",
                f"Priority score {row.scored.score}: {row.scored.explanation}",
            )
        staff = _staff(session)
        found: list[Listed] = []
        for person_id, why in reasons.items():
            why.sort(key=lambda r: ORDER.index(r[0]))
            reason, _, _, item = why[0]
            p = people[person_id]
            flagger = None
            if item is not None:
                flagged = session.get(MdtItem, item)
                flagger = staff.get(flagged.recorded_by or "") if flagged else None
            found.append(
                Listed(
                    item,
                    person_id,
                    p.given_name,
                    p.family_name,
                    p.nhs_number,
                    reason,
                    "; ".join(dict.fromkeys(w for _, w, _, _ in why)),
                    flagger,
                    detail="; ".join(dict.fromkeys(d for _, _, d, _ in why)),
                )
            )
    found.sort(key=lambda r: (ORDER.index(r.reason), r.family_name, r.given_name, r.person_id))
    return found


def _coordinator(session: Session, actor: Actor) -> None:
    """The list is the coordinator's to build (as the write policy holds on both sides)."""
    if viewer_of(session, actor).role not in ALLOCATORS:
        raise AccessDeniedError(ONLY_COORDINATOR_LISTS)


def add_to_list(
    workspace: Workspace,
    meeting_id: str,
    *,
    person_id: str,
    reason: MdtReason | str,
    why: str,
    flag_id: str | None = None,
) -> Change:
    """The coordinator puts a person on the meeting's list (a waiting flag is moved
    onto it as it is, with the flagger's why)."""
    code = MdtReason.parse(reason) if isinstance(reason, str) else reason
    said = text(why, "why", limit=WHY_MOST, required=True)
    with operation(workspace) as session:
        _coordinator(session, workspace.actor)
        meeting = meeting_in(session, workspace.actor, meeting_id)
        writable_person(session, person_id)
        people = _team_people(session, workspace.actor)
        if person_id not in people:
            raise AccessDeniedError("Only the team's own open cases go on its meeting's list.")
        if any(
            r.person_id == person_id for r in list_in_session(session, workspace.actor, meeting)
        ):
            raise InvalidInputError(ALREADY_LISTED)
        if flag_id is not None:
            flag = session.get(MdtItem, flag_id)
            if flag is None or flag.person_id != person_id or flag.meeting_id is not None:
                raise NotFoundError("That flag is not waiting for a meeting.")
            flag.meeting_id = meeting.id
            item = flag
        else:
            item = MdtItem(person_id=person_id, meeting_id=meeting.id, reason=code.value, why=said)
            session.add(item)
        session.flush()
        audit(
            session,
            "mdt_listed",
            person_id=person_id,
            detail={"meeting_id": meeting.id, "item_id": item.id, "reason": item.reason},
        )
        item_id = item.id
    return Change("mdt_listed", person_id=person_id, entity_id=item_id, areas=AREAS)


def take_off_list(workspace: Workspace, item_id: str) -> Change:
    """The coordinator takes someone off the list before it is discussed: a flag goes
    back to wait for the next meeting; anything else is marked taken off."""
    with operation(workspace) as session:
        _coordinator(session, workspace.actor)
        item = session.get(MdtItem, item_id)
        if item is None or item.meeting_id is None or item.taken_off_on is not None:
            raise NotFoundError(NOT_LISTED)
        meeting_in(session, workspace.actor, item.meeting_id)
        writable_person(session, item.person_id)
        if item.decision is not None:
            raise InvalidInputError(ALREADY_DECIDED)
        meeting_id = item.meeting_id
        if item.reason == MdtReason.FLAGGED.value:
            item.meeting_id = None
        else:
            item.taken_off_on = clock.today()
        audit(
            session,
            "mdt_taken_off",
            person_id=item.person_id,
            detail={"meeting_id": meeting_id, "item_id": item.id},
        )
        person_id = item.person_id
    return Change("mdt_taken_off", person_id=person_id, entity_id=item_id, areas=AREAS)
