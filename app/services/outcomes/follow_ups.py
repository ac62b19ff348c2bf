"""The 91-day checks waiting: for the lead professional's Today list and the
coordinator's Team view. Episodes are few (one a person at a time, a handful a year),
so the lists read them straight from `reablement_episode` by a small query rather
than through a `caseload_summary` column and its triggers.

The rule is the record's (`app.values.reablement.follow_up_waiting`): the episode
ended, no check yet, the person did not die in it, and day 91 after leaving hospital
(or starting, from home) has come. Closed cases count: a person discharged after
reablement is exactly who the check asks about; a person who has since died is not
asked.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select

from app.services import clock
from app.values import reablement
from app.values.nhs_number import format_nhs_number
from app.values.vocab import PersonStatus, ReablementOutcome
from app.workspace import Workspace
from storage.tables import Person, ReablementEpisode

logger = logging.getLogger(__name__)

_E = ReablementEpisode


def due_clause(today: date) -> ColumnElement[bool]:
    """SQL: this episode's 91-day check is waiting on `today` (the Python rule, as SQL)."""
    counted_from = func.coalesce(_E.discharged_on, _E.started_on)
    return and_(
        _E.ended_on.is_not(None),
        _E.follow_up_on.is_(None),
        _E.outcome != ReablementOutcome.DIED.value,
        counted_from <= today - timedelta(days=reablement.FOLLOW_UP_DAYS),
    )


def people_due(today: date) -> Select[Any]:
    """The people with a 91-day check waiting (a subquery for `Person.id.in_`)."""
    return select(_E.person_id).where(due_clause(today))


def not_died() -> ColumnElement[bool]:
    return Person.status != PersonStatus.DECEASED.value


@dataclass(frozen=True)
class FollowUpDue:
    episode_id: str
    person_id: str
    given_name: str
    family_name: str
    nhs_number: str
    ended_on: date
    due_on: date

    @property
    def display_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    @property
    def nhs_number_formatted(self) -> str:
        return format_nhs_number(self.nhs_number) if self.nhs_number else ""


def follow_ups_due(workspace: Workspace, *, today: date | None = None) -> list[FollowUpDue]:
    """The signed-in user's people (they lead them) whose 91-day check is waiting,
    longest waiting first."""
    me = workspace.actor.user_id
    if me is None:
        return []
    day = today or clock.today()
    stmt = (
        select(
            _E.id,
            _E.person_id,
            Person.given_name,
            Person.family_name,
            Person.nhs_number,
            _E.ended_on,
            _E.started_on,
            _E.discharged_on,
        )
        .join(Person, Person.id == _E.person_id)
        .where(Person.lead_professional_id == me, not_died(), due_clause(day))
    )
    with workspace.store.read() as session:
        rows: Sequence[Any] = session.execute(stmt).all()
    found = [
        FollowUpDue(
            episode_id=r[0],
            person_id=r[1],
            given_name=r[2],
            family_name=r[3],
            nhs_number=r[4] or "",
            ended_on=r[5],
            due_on=reablement.follow_up_due(r[6], r[7]),
        )
        for r in rows
    ]
    return sorted(found, key=lambda f: (f.due_on, f.family_name, f.given_name, f.episode_id))
