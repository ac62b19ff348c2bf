"""Before registering someone, when online, the team server is asked too: a person
registered on another laptop (synced to the server, not yet to this one) is offered
instead of made twice, and someone registered with another team is reported by
team only, so the user asks the coordinator rather than making a second record.

The app layer does not talk to the server (sync sits above it): the caller passes
a `ServerCheck`, which the command line and the desktop get from
sync/client/same_person.py. Offline, or with no server, the answer says so and
registration goes on with this laptop's own check: offline-first, never blocked.
The network is asked before the write, never inside it (no write waits on it), and
the laptop's own look is a store step (app/store_step.py): the desktop runs the
whole check on its network lane and only that look on its database lane.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from app.errors import OneRecordError
from app.services.record.person_match import SAME_NHS_NUMBER, PossibleMatch
from app.services.record.registration import (
    AlreadyRegisteredError,
    NewPerson,
    PossibleDuplicateError,
    checked_person,
    find_matches,
)
from app.store_step import StoreStep, direct
from app.values.nhs_number import NhsNumber
from app.values.same_person import Sought
from app.workspace import Workspace

NOT_REACHED = "Team server not reached: checked this laptop only."


@dataclass(frozen=True)
class HeldByAnotherTeam:
    """Someone matching beyond this user's reach: which team holds them, no more."""

    team: str | None
    why: str

    def describe(self) -> str:
        return self.team or "no team yet"


@dataclass(frozen=True)
class ServerAnswer:
    """What the team server said: `checked` False (with a plain `note`) when it was
    not asked or not reached; `note` empty when there is no server to ask."""

    checked: bool
    matches: tuple[PossibleMatch, ...] = ()
    other_teams: tuple[HeldByAnotherTeam, ...] = ()
    note: str = ""


NO_SERVER = ServerAnswer(checked=False)


class ServerCheck(Protocol):
    """Asks the team server; any profile access in it is a store step (`on_store`)."""

    def __call__(
        self, workspace: Workspace, sought: Sought, /, *, on_store: StoreStep = ...
    ) -> ServerAnswer: ...


class AlreadyOnServerError(AlreadyRegisteredError):
    """The NHS number is someone's on the team server, not yet on this laptop."""

    def __init__(self, match: PossibleMatch) -> None:
        OneRecordError.__init__(
            self,
            "NHS number {nhs} is already registered on the team server ({who}): sync, "
            "then open their record instead.",
            nhs=NhsNumber.parse(match.nhs_number or "").formatted,
            who=match.describe(),
        )
        self.match = match


class PossibleDuplicateOnServerError(PossibleDuplicateError):
    """Someone with the same details is on the team server, not yet on this laptop."""

    def __init__(self, matches: list[PossibleMatch]) -> None:
        OneRecordError.__init__(
            self,
            "This may be someone already registered on the team server: {who}. Sync and "
            "open their record, or, if this is a different person, register them as "
            "different.",
            who="; ".join(m.describe() for m in matches),
        )
        self.matches = matches


class HeldByAnotherTeamError(OneRecordError):
    """Someone matching is registered with a team this user does not work in."""

    exit_code = 1

    def __init__(self, held: list[HeldByAnotherTeam]) -> None:
        same_number = any(h.why == SAME_NHS_NUMBER for h in held)
        super().__init__(
            "Someone with this NHS number is already registered with another team "
            "({teams}): ask your coordinator to move their record rather than register "
            "them again."
            if same_number
            else "Someone with the same family name, date of birth and postcode is already "
            "registered with another team ({teams}): ask your coordinator, or, if this is "
            "a different person, register them as different.",
            teams=", ".join(sorted({h.describe() for h in held})),
        )
        self.held = held
        self.same_number = same_number


def sought(new: NewPerson) -> Sought:
    """The fields the rule compares, checked as registering checks them."""
    person = checked_person(new)
    return Sought(person.nhs_number, person.family_name, person.date_of_birth, person.postcode)


@dataclass(frozen=True)
class Everywhere:
    """Who the person being registered may be: on this laptop, on the team server
    within this user's reach (not yet synced here), and with other teams."""

    here: tuple[PossibleMatch, ...]
    on_server: ServerAnswer

    @property
    def anyone(self) -> bool:
        return bool(self.here or self.on_server.matches or self.on_server.other_teams)


def look_everywhere(
    workspace: Workspace,
    new: NewPerson,
    server_check: ServerCheck | None,
    *,
    on_store: StoreStep = direct,
) -> Everywhere:
    """This laptop's matches and the server's (for the desktop form to offer)."""
    here = on_store(lambda: tuple(find_matches(workspace, new)))
    answer = (
        server_check(workspace, sought(new), on_store=on_store)
        if server_check is not None
        else NO_SERVER
    )
    # Someone already on this laptop is offered by the laptop's own check, in its
    # own words ("open their record"), not as someone still to sync.
    ids = {m.person_id for m in here}
    answer = replace(answer, matches=tuple(m for m in answer.matches if m.person_id not in ids))
    return Everywhere(here, answer)


def check_team_server(
    workspace: Workspace,
    new: NewPerson,
    server_check: ServerCheck | None,
    *,
    different_person: bool = False,
) -> ServerAnswer:
    """Ask the team server (when there is one) before registering `new`: refuse as the
    laptop's own check does (the same NHS number always; the same details unless this
    is said to be a different person), else the answer, to say whether it was reached.
    This laptop's own matches are left to register_person, inside its write."""
    if server_check is None:
        return NO_SERVER
    answer = look_everywhere(workspace, new, server_check).on_server
    refuse(answer, different_person=different_person)
    return answer


def refuse(answer: ServerAnswer, *, different_person: bool) -> None:
    """Raise for what the server found that must stop a second record."""
    same = [m for m in answer.matches if m.why == SAME_NHS_NUMBER]
    if same:
        raise AlreadyOnServerError(same[0])
    held_same = [h for h in answer.other_teams if h.why == SAME_NHS_NUMBER]
    if held_same:
        raise HeldByAnotherTeamError(held_same)
    if different_person:
        return
    if answer.matches:
        raise PossibleDuplicateOnServerError(list(answer.matches))
    if answer.other_teams:
        raise HeldByAnotherTeamError(list(answer.other_teams))
