"""Reablement episodes: started (often the day the person left hospital), planned to
end within six weeks (longer only with a reason), the goals they work on, ended with
an outcome, and checked 91 days after the person left hospital.

One open episode per person: a second is refused here, and by the partner server when
two laptops started one each offline (sync/server/row_references.py). The dates'
rules are the table's CHECK constraints (storage/tables/outcomes.py); each is checked
here first so the user reads a plain sentence, and nothing is half-written.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.changes import CASELOAD, OUTCOMES, PLAN, Change
from app.services.need_to_know.access import writable_person
from app.services.ops import operation, optional_date, text
from app.values import reablement
from app.values.vocab import FollowUpResult, PersonStatus, ReablementOutcome
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import Goal, ReablementEpisode

_AREAS = frozenset({OUTCOMES, PLAN, CASELOAD})
ALREADY_OPEN = "This person already has a reablement episode under way: end it first."


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def open_episode(session: Session, person_id: str) -> ReablementEpisode | None:
    return session.execute(
        select(ReablementEpisode).where(
            ReablementEpisode.person_id == person_id, ReablementEpisode.ended_on.is_(None)
        )
    ).scalar_one_or_none()


def _episode(session: Session, episode_id: str) -> ReablementEpisode:
    episode = session.get(ReablementEpisode, episode_id)
    if episode is None:
        raise NotFoundError("No reablement episode with that id is in this profile.")
    writable_person(session, episode.person_id)
    return episode


def _not_after_today(value: date, what: str) -> date:
    if value > clock.today():
        raise InvalidInputError("The {what} cannot be a day still to come.", what=what)
    return value


def _planned(
    started: date, planned_end: date | None, reason: str | None
) -> tuple[date, str | None]:
    end = planned_end or reablement.default_planned_end(started)
    if end < started:
        raise InvalidInputError("The planned end cannot be before the episode starts.")
    longer = text(reason, "reason for a longer episode", limit=500) or None
    if end > reablement.default_planned_end(started) and longer is None:
        raise InvalidInputError(
            "Reablement lasts up to six weeks ({days} days): say why this one is planned longer.",
            days=reablement.REABLEMENT_DAYS,
        )
    return end, longer


def _link_goals(session: Session, episode: ReablementEpisode, goal_ids: Iterable[str]) -> None:
    for goal_id in goal_ids:
        goal = session.get(Goal, goal_id)
        if goal is None or goal.person_id != episode.person_id:
            raise NotFoundError("That goal is not in this person's plan.")
        goal.reablement_episode_id = episode.id


def _unlink_goals(session: Session, episode: ReablementEpisode, goal_ids: Iterable[str]) -> None:
    for goal_id in goal_ids:
        goal = session.get(Goal, goal_id)
        if goal is None or goal.reablement_episode_id != episode.id:
            raise NotFoundError("That goal is not one this reablement episode works on.")
        goal.reablement_episode_id = None  # the goal stays in the plan


def start_episode(
    workspace: Workspace,
    *,
    person_id: str,
    started_on: date | str | None = None,
    planned_end_on: date | str | None = None,
    longer_reason: str | None = None,
    discharged_on: date | str | None = None,
    goal_ids: Iterable[str] = (),
    draft_key: str | None = None,
) -> Change:
    """A new episode (today, six weeks, unless told otherwise), with the plan's goals
    it works on."""
    started = _not_after_today(
        optional_date(started_on, "start date") or clock.today(), "start date"
    )
    discharged = optional_date(discharged_on, "date the person left hospital")
    if discharged is not None and discharged > started:
        raise InvalidInputError(
            "The person left hospital after the episode started: reablement from hospital"
            " starts on or after the day they came home."
        )
    end, longer = _planned(started, optional_date(planned_end_on, "planned end"), longer_reason)
    with operation(workspace, draft_key=draft_key) as session:
        person = writable_person(session, person_id)
        if person.status != PersonStatus.OPEN.value:
            raise InvalidInputError("This case is closed: reopen it before starting reablement.")
        if open_episode(session, person_id) is not None:
            raise InvalidInputError(ALREADY_OPEN)
        episode = ReablementEpisode(
            person_id=person_id,
            started_on=started,
            planned_end_on=end,
            longer_reason=longer,
            discharged_on=discharged,
        )
        session.add(episode)
        session.flush()
        _link_goals(session, episode, goal_ids)
        audit(
            session,
            "reablement_started",
            person_id=person_id,
            detail={"episode_id": episode.id},
        )
    return Change(
        "reablement_started",
        person_id=person_id,
        entity_id=episode.id,
        areas=_AREAS,
        fields=("started_on", "planned_end_on", "discharged_on"),
    )


def replan_episode(
    workspace: Workspace,
    *,
    episode_id: str,
    planned_end_on: date | str,
    longer_reason: str | None = None,
    goal_ids: Iterable[str] = (),
    dropped_goal_ids: Iterable[str] = (),
    draft_key: str | None = None,
) -> Change:
    """A new planned end (past six weeks only with a reason); more goals to work on
    (`goal_ids`), and goals it no longer works on (`dropped_goal_ids`: they stay in
    the plan)."""
    with operation(workspace, draft_key=draft_key) as session:
        episode = _episode(session, episode_id)
        if episode.ended_on is not None:
            raise InvalidInputError("This reablement episode has ended.")
        end, longer = _planned(
            episode.started_on,
            optional_date(planned_end_on, "planned end"),
            longer_reason if longer_reason is not None else episode.longer_reason,
        )
        episode.planned_end_on = end
        episode.longer_reason = longer
        _unlink_goals(session, episode, dropped_goal_ids)
        _link_goals(session, episode, goal_ids)
        audit(
            session,
            "reablement_replanned",
            person_id=episode.person_id,
            detail={"episode_id": episode.id},
        )
        person_id = episode.person_id
    return Change(
        "reablement_replanned",
        person_id=person_id,
        entity_id=episode_id,
        areas=_AREAS,
        fields=("planned_end_on", "longer_reason"),
    )


def end_episode(
    workspace: Workspace,
    *,
    episode_id: str,
    outcome: str,
    ended_on: date | str | None = None,
    draft_key: str | None = None,
) -> Change:
    """Ended with its outcome; the 91-day check is then due (not when the person died)."""
    code = ReablementOutcome.parse(outcome).value
    ended = _not_after_today(optional_date(ended_on, "end date") or clock.today(), "end date")
    with operation(workspace, draft_key=draft_key) as session:
        episode = _episode(session, episode_id)
        if episode.ended_on is not None:
            raise InvalidInputError(
                "This reablement episode already ended on {day}.", day=_day(episode.ended_on)
            )
        if ended < episode.started_on:
            raise InvalidInputError(
                "An episode cannot end before it started ({day}).", day=_day(episode.started_on)
            )
        episode.ended_on = ended
        episode.outcome = code
        audit(
            session,
            "reablement_ended",
            person_id=episode.person_id,
            detail={"episode_id": episode.id, "outcome": code},
        )
        person_id = episode.person_id
    return Change(
        "reablement_ended",
        person_id=person_id,
        entity_id=episode_id,
        areas=_AREAS,
        fields=("ended_on", "outcome"),
    )


def record_follow_up(
    workspace: Workspace,
    *,
    episode_id: str,
    result: str,
    follow_up_on: date | str | None = None,
    draft_key: str | None = None,
) -> Change:
    """Where the person is 91 days after leaving hospital (or starting, from home)."""
    code = FollowUpResult.parse(result).value
    on = _not_after_today(
        optional_date(follow_up_on, "date of the 91-day check") or clock.today(),
        "date of the 91-day check",
    )
    with operation(workspace, draft_key=draft_key) as session:
        episode = _episode(session, episode_id)
        if episode.ended_on is None:
            raise InvalidInputError("End the reablement episode before its 91-day check.")
        due = reablement.follow_up_due(episode.started_on, episode.discharged_on)
        if on < due:
            raise InvalidInputError(
                "The 91-day check is on or after day 91: not before {day}.", day=_day(due)
            )
        episode.follow_up_on = on
        episode.follow_up_result = code
        audit(
            session,
            "reablement_follow_up",
            person_id=episode.person_id,
            detail={"episode_id": episode.id, "result": code},
        )
        person_id = episode.person_id
    return Change(
        "reablement_follow_up",
        person_id=person_id,
        entity_id=episode_id,
        areas=_AREAS,
        fields=("follow_up_on", "follow_up_result"),
    )
