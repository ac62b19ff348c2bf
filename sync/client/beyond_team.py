"""Someone beyond the team, from an enrolled laptop that is online.

The server answers a search with name, year of birth and locality only, and a
break-glass request (a reason; the person's id from the search, or their NHS
number) with a grant: the server records it and puts the person in this laptop's
scope until it expires; a sync then brings the record (restricted values
withheld) and the grant itself, which `app.services.need_to_know.access` checks as any
other. Both are audited on the laptop too (`beyond_team_search` with the count,
`break_glass` with the reason). See sync/server/beyond_team.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.errors import AccessDeniedError, InvalidInputError
from app.services.need_to_know import break_glass as bg
from app.services.need_to_know.access import viewer_of
from app.services.need_to_know.access_policy import check_reason, may_break_glass
from app.store_step import StoreStep, direct
from app.values.nhs_number import NhsNumber
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import BreakGlassGrant
from sync.client import settings as sync_settings
from sync.client.session import NotEnrolledError, SyncReport, SyncSession
from sync.protocol import BeyondTeamResponse, BreakGlassResponse
from sync.transport import SyncClient, call, client

SEARCH_MIN = 3


@dataclass(frozen=True)
class Beyond:
    person_id: str
    name: str
    year_of_birth: int | None
    locality: str | None


@dataclass(frozen=True)
class Granted:
    expires_at: datetime
    report: SyncReport


def _http(workspace: Workspace, enrolment: sync_settings.Enrolment | None = None) -> SyncClient:
    """A client for this laptop's server; `enrolment` already read (in a store step),
    else read here."""
    if enrolment is None:
        with workspace.store.read() as session:
            enrolment = sync_settings.enrolment(session)
        if enrolment is None:
            raise NotEnrolledError()
    return client(
        enrolment.server_url,
        ca_pem=enrolment.ca_pem,
        device_id=workspace.store.device_id,
        private_key=enrolment.private_key,
    )


def _may_ask(workspace: Workspace) -> sync_settings.Enrolment:
    """This user may break glass and this laptop is enrolled: its enrolment (one read)."""
    with workspace.store.read() as session:
        viewer = viewer_of(session, workspace.actor)
        enrolment = sync_settings.enrolment(session)
    if not may_break_glass(viewer):
        raise AccessDeniedError("Administrators do not open clinical records.")
    if enrolment is None:
        raise NotEnrolledError()
    return enrolment


def _audit(workspace: Workspace, action: str, **fields: Any) -> None:
    with workspace.store.write(workspace.actor) as session:
        audit(session, action, **fields)


def find_beyond_team(
    workspace: Workspace, query: str, *, on_store: StoreStep = direct
) -> list[Beyond]:
    """People beyond this laptop's team whose name matches (minimum fields only). The
    store is reached only in steps (`on_store`), never around the request."""
    words = " ".join((query or "").split())
    if len(words) < SEARCH_MIN:
        raise InvalidInputError(
            "Type at least {SEARCH_MIN} letters of the name.", SEARCH_MIN=SEARCH_MIN
        )
    enrolment = on_store(lambda: _may_ask(workspace))
    http = _http(workspace, enrolment)
    try:
        # In the signed body, not the URL: URLs get logged (httpx logs each one).
        body = call(http, "POST", "/sync/beyond-team", json={"q": words})
    finally:
        http.close()
    found = BeyondTeamResponse.model_validate(body).people
    # As caseload_listed: the count, never the words typed (they may be a name).
    on_store(lambda: _audit(workspace, "beyond_team_search", detail={"results": len(found)}))
    return [Beyond(p.person_id, p.name, p.year_of_birth, p.locality) for p in found]


def break_glass_beyond_team(
    workspace: Workspace,
    reason: str,
    *,
    person_id: str | None = None,
    nhs_number: str | None = None,
    on_store: StoreStep = direct,
) -> Granted:
    """Ask the server for the person, then sync so the record and the grant arrive
    (the store only in steps, `on_store`, never around a request)."""
    why = check_reason(reason)
    enrolment = on_store(lambda: _may_ask(workspace))
    request: dict[str, object] = {"reason": why}
    if person_id:
        request["person_id"] = person_id
    elif nhs_number:
        request["nhs_number"] = NhsNumber.parse(nhs_number).digits
    else:
        raise InvalidInputError("Say whose record: choose a person or enter an NHS number.")
    length = on_store(lambda: bg.grant_length(workspace))
    request["minutes"] = int(length.total_seconds() // 60)
    http = _http(workspace, enrolment)
    try:
        answer = BreakGlassResponse.model_validate(
            call(http, "POST", "/sync/break-glass", json=request)
        )
    finally:
        http.close()
    session = SyncSession(workspace, on_store=on_store)
    try:
        report = session.run()
    finally:
        session.close()
    expires = datetime.fromisoformat(answer.expires_at)
    on_store(lambda: _audit_grant(workspace, answer, why, person_id))
    return Granted(expires, report)


def _audit_grant(
    workspace: Workspace, answer: BreakGlassResponse, why: str, person_id: str | None
) -> None:
    with workspace.store.write(workspace.actor) as db:
        audit(
            db,
            "break_glass",
            person_id=person_id or _person_of_grant(db, answer.grant_id),
            detail={"expires_at": answer.expires_at, "via_server": True},
            reason=why,
        )


def _person_of_grant(db: Session, grant_id: str) -> str | None:
    """The person the server granted (it arrived with the sync)."""
    grant = db.get(BreakGlassGrant, grant_id)
    return grant.person_id if grant is not None else None
