"""What the meeting decided about a person, recorded in the room (with or without a
connection) by whoever of the team is keeping the notes for that person:

* the decision, the day, and who was in the room, on the person's list item;
* each agreed action in the person's plan, with an owner and a due date (an action
  agreed at the meeting may serve no goal: it names its item instead);
* the discussion as a note from the meeting in the person's record, naming who
  was there, so every agency reading the record sees it.

All in one write with its journal entries and audit event, or none of it. Two
laptops recording decisions for different people never touch the same rows; the
same person's decision recorded on two is an ordinary conflict, kept for a person
to settle.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.care.care_plan import plan_edited
from app.services.care.notes import write_note
from app.services.changes import MEETINGS, PLAN, TIMELINE, Change
from app.services.mdt.meetings import meeting_in
from app.services.need_to_know.access import writable_person
from app.services.ops import operation, required_date, text
from app.values import attendees as attendee_lines
from app.values.vocab import ActionStatus, ContactType
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import MdtItem, PlanAction

logger = logging.getLogger(__name__)

DECISION_MOST = 4000
AREAS = frozenset({MEETINGS, PLAN, TIMELINE})
NOT_ON_A_LIST = "That person is not on a meeting's list here."
DECIDED_ALREADY = "The meeting's decision about this person is already recorded."
NO_ATTENDEES = "Say who was at the meeting."
OWNED = "Each action agreed needs what is to be done, who will do it and by when."


@dataclass(frozen=True)
class AgreedAction:
    what: str
    owner: str  # who will do it, as the room named them
    owner_role: str | None
    due_on: date | str


def _checked_actions(actions: Sequence[AgreedAction], decided_on: date) -> list[dict[str, object]]:
    kept: list[dict[str, object]] = []
    for action in actions:
        what = text(action.what, "what is to be done", required=True)
        owner = text(action.owner, "who will do it", limit=200, required=True)
        role = text(action.owner_role, "their role", limit=120) or None
        due = required_date(action.due_on, "due date")
        if due < decided_on:
            raise InvalidInputError("An action agreed at the meeting is due on or after the day.")
        kept.append({"what": what, "who_name": owner, "who_role": role, "due_on": due})
    return kept


def _narrative(
    when: datetime, present: list[str], why: str, decision: str, agreed: list[dict[str, object]]
) -> str:
    lines = [
        f"Discussed at the team meeting on {clock.local(when):%-d %b %Y}.",
        "Present: " + "; ".join(present) + ".",
        f"Why: {why}" if why else "",
        f"Decided: {decision}",
    ]
    for a in agreed:
        role = f" ({a['who_role']})" if a["who_role"] else ""
        due: date = a["due_on"]  # type: ignore[assignment]
        lines.append(f"Action: {a['what']} (by {a['who_name']}{role}, by {due:%-d %b %Y})")
    return "\n".join(line for line in lines if line)


def record_decision(
    workspace: Workspace,
    item_id: str,
    *,
    decision: str,
    attendees: Sequence[str],
    actions: Sequence[AgreedAction] = (),
) -> Change:
    """Record the meeting's decision about the person on this list item."""
    said = text(decision, "decision", limit=DECISION_MOST, required=True)
    present = attendee_lines.checked(list(attendees))
    if not present:
        raise InvalidInputError(NO_ATTENDEES)
    now = clock.now()
    today = clock.local(now).date()
    agreed = _checked_actions(actions, today)
    with operation(workspace) as session:
        item = session.get(MdtItem, item_id)
        if item is None or item.meeting_id is None or item.taken_off_on is not None:
            raise NotFoundError(NOT_ON_A_LIST)
        meeting = meeting_in(session, workspace.actor, item.meeting_id)
        writable_person(session, item.person_id)
        if item.decision is not None:
            raise InvalidInputError(DECIDED_ALREADY)
        held = min(meeting.meets_at, now)
        for fields in agreed:
            session.add(
                PlanAction(
                    person_id=item.person_id,
                    goal_id=None,
                    mdt_item_id=item.id,
                    status=ActionStatus.PLANNED.value,
                    last_updated=now,
                    **fields,
                )
            )
        note = write_note(
            session,
            workspace,
            item.person_id,
            narrative=_narrative(held, present, item.why, said, agreed),
            contact_type=ContactType.MDT_MEETING.value,
            occurred_at=held,
        )
        item.decision = said
        item.decided_on = today
        item.attendees = attendee_lines.stored(present)
        item.note_id = note.id
        if agreed:
            plan_edited(session, item.person_id)
        session.flush()
        audit(
            session,
            "mdt_decided",
            person_id=item.person_id,
            detail={"item_id": item.id, "meeting_id": meeting.id, "actions": len(agreed)},
        )
        person_id = item.person_id
    return Change(
        "mdt_decided",
        person_id=person_id,
        entity_id=item_id,
        areas=AREAS,
        fields=("decision", "decided_on", "attendees"),
    )
