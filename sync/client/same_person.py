"""The laptop's half of the same-person check (the server's is
sync/server/same_person.py): before registering someone, ask the team server who
it holds that may be them. A `ServerCheck` for app/services/record/team_server_check.py.

Registration never waits long on it and never fails because of it: a short
timeout, one attempt, and any failure to get an answer (offline, refused, an
answer it cannot read) comes back as "not checked", with a plain line saying so,
never as an error. The details go in the signed body, never the URL.
"""

from __future__ import annotations

import logging
from datetime import date

import httpx
from pydantic import ValidationError

from app.errors import OneRecordError
from app.i18n import tr
from app.services.record.person_match import PossibleMatch
from app.services.record.team_server_check import (
    NO_SERVER,
    NOT_REACHED,
    HeldByAnotherTeam,
    ServerAnswer,
)
from app.store_step import StoreStep, direct
from app.values.same_person import Sought
from app.workspace import Workspace
from sync.client import settings as sync_settings
from sync.protocol import SamePersonResponse
from sync.transport import ServerRefusedError, ServerUnreachableError, call, client

logger = logging.getLogger(__name__)

# Long enough for a slow rural link to answer, short enough that registering
# someone at a kitchen table does not feel stuck when it cannot.
TIMEOUT_SECONDS = 4.0
PATH = "/sync/same-person"
NOT_ANSWERED = "Team server did not check ({reason}): checked this laptop only."


def check_same_person(
    workspace: Workspace, sought: Sought, *, on_store: StoreStep = direct
) -> ServerAnswer:
    """Who on the team server may be `sought`; NO_SERVER when this laptop is not
    enrolled, a "not checked" answer when the server gave none. The enrolment is read
    in a store step (`on_store`); the request holds none."""
    enrolment = on_store(lambda: _enrolment(workspace))
    if enrolment is None:
        return NO_SERVER
    http = client(
        enrolment.server_url,
        ca_pem=enrolment.ca_pem,
        device_id=workspace.store.device_id,
        private_key=enrolment.private_key,
        timeout=TIMEOUT_SECONDS,
    )
    body = {
        "nhs_number": sought.nhs_number,
        "family_name": sought.family_name,
        "date_of_birth": sought.date_of_birth.isoformat(),
        "postcode": sought.postcode,
    }
    try:
        return _answer(SamePersonResponse.model_validate(call(http, "POST", PATH, json=body)))
    except (ServerUnreachableError, httpx.HTTPError):
        return ServerAnswer(checked=False, note=tr(NOT_REACHED))
    except ServerRefusedError as exc:
        # A refusal (too many checks, a role that does not register people) is said
        # plainly; the laptop's own check still stands.
        return ServerAnswer(checked=False, note=_not_answered(str(exc)))
    except (OneRecordError, ValidationError, ValueError) as exc:
        # Revoked (the next sync deals with it), or an answer this laptop cannot read.
        logger.warning("same-person check not answered: %s", type(exc).__name__)
        return ServerAnswer(checked=False, note=tr(NOT_REACHED))
    finally:
        http.close()


def _enrolment(workspace: Workspace) -> sync_settings.Enrolment | None:
    with workspace.store.read() as session:
        return sync_settings.enrolment(session)


def _answer(answer: SamePersonResponse) -> ServerAnswer:
    return ServerAnswer(
        checked=True,
        matches=tuple(
            PossibleMatch(
                person_id=m.person_id,
                name=m.name,
                date_of_birth=date.fromisoformat(m.date_of_birth),
                postcode=m.postcode,
                nhs_number=m.nhs_number,
                why=m.why,
            )
            for m in answer.matches
        ),
        other_teams=tuple(HeldByAnotherTeam(h.team, h.why) for h in answer.other_teams),
    )


def _not_answered(refusal: str) -> str:
    # The refusal is already one translated line; only its reason goes in.
    return tr(NOT_ANSWERED, reason=refusal.rstrip("."))
