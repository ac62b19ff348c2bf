"""The partner server's HTTP API (FastAPI: the OpenAPI schema is published at /openapi.json).

No `from __future__ import annotations` here: FastAPI reads the annotations at runtime.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from sync import signing
from sync.protocol import (
    MAX_PULL_PAGE,
    PROTOCOL_VERSION,
    BeyondTeamPerson,
    BeyondTeamResponse,
    BeyondTeamSearch,
    BreakGlassRequest,
    BreakGlassResponse,
    EnrolRequest,
    EnrolResponse,
    Problem,
    PullResponse,
    PushRequest,
    PushResponse,
    SamePersonCheck,
    SamePersonResponse,
)
from sync.server import beyond_team, directory, error_log, handlers, same_person
from sync.server.limits import PUSH_ROUTES, TOO_DEEP, RequestLimits
from sync.server.partners import api as partner_api
from sync.server.store import ServerStore

logger = logging.getLogger(__name__)

AUDIT_EVENT = "audit_event"


T = TypeVar("T")


@dataclass(frozen=True)
class Signed:
    """A request as its signer sent it: nothing in it is believed until checked."""

    device_id: str
    headers: dict[str, str]
    method: str
    path: str
    body: bytes


class ApiError(Exception):
    def __init__(self, status: int, detail: str, *, revoked: bool = False) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.revoked = revoked


def _plain_validation_error(errors: Sequence[Any]) -> ApiError:
    first = errors[0] if errors else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    reason = first.get("msg", "invalid")
    if "recursion limit" in str(reason):  # pydantic's parser stops at 200 levels
        return ApiError(400, TOO_DEEP)
    return ApiError(400, f"The request was not in the expected form ({where or 'body'}: {reason}).")


def create_app(
    store: ServerStore, *, searches_per_minute: int = beyond_team.SEARCHES_PER_MINUTE
) -> FastAPI:
    """The API over one store. `searches_per_minute`: the limit per laptop of each of
    the beyond-the-team search, the same-person check and break-glass (a test server,
    such as the fuzzer's, passes its own)."""
    error_log.install()  # uvicorn's own error lines: the exception's kind, no detail
    search_limit = beyond_team.SearchLimit(searches_per_minute)
    # Counted apart from the search: registering someone never waits on searches made.
    check_limit = beyond_team.SearchLimit(searches_per_minute)
    glass_limit = beyond_team.SearchLimit(searches_per_minute, beyond_team.TOO_MANY_GLASS)
    api = FastAPI(
        title="OneRecord partner server",
        version=str(PROTOCOL_VERSION),
        description="Offline-first sync for OneRecord laptops. Every /sync call is signed.",
        responses={
            400: {"model": Problem},
            401: {"model": Problem},
            403: {"model": Problem},
            413: {"model": Problem},
        },
    )
    # Outermost: a body is bounded in size and nesting before any route reads it.
    api.add_middleware(RequestLimits)

    @api.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            Problem(detail=exc.detail, revoked=exc.revoked).model_dump(), status_code=exc.status
        )

    @api.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        error = _plain_validation_error(list(exc.errors()))
        return JSONResponse(Problem(detail=error.detail).model_dump(), status_code=400)

    @api.exception_handler(Exception)
    async def _bug(_request: Request, exc: Exception) -> JSONResponse:
        logger.error("unexpected %s on the server", type(exc).__name__)
        return JSONResponse(
            Problem(detail="The server could not handle that request.").model_dump(),
            status_code=500,
        )

    async def signed_request(request: Request) -> Signed:
        """The request as signed, read but not yet believed (see `as_signer`)."""
        headers = {k.lower(): v for k, v in request.headers.items()}
        device_id = headers.get(signing.DEVICE)
        if not device_id:
            raise ApiError(401, "This request is not signed.")
        if (
            request.url.path in PUSH_ROUTES
            and await run_in_threadpool(store.device, device_id) is None
        ):
            # A body of up to 16 MiB is read only for an enrolled device's push (the
            # small routes' bodies are read first, then checked with the work).
            raise ApiError(401, "This laptop is not enrolled with this server.")
        return Signed(
            device_id=device_id,
            headers=headers,
            method=request.method,
            path=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            body=await request.body(),  # bounded by RequestLimits before it is read
        )

    async def as_signer(
        signed: Signed, work: Callable[[dict[str, Any]], T], *, allow_revoked: bool = False
    ) -> T:
        """`work` for the enrolled device that signed the request (unrevoked unless
        `allow_revoked`), or a 401/403. The check and the work share one trip to a
        worker thread: a trip costs about 0.2 ms, and a quiet sync's whole
        budget is 3."""
        return await run_in_threadpool(lambda: work(_signer(signed, allow_revoked)))

    def _signer(signed: Signed, allow_revoked: bool) -> dict[str, Any]:
        device = store.device(signed.device_id)
        if device is None:
            raise ApiError(401, "This laptop is not enrolled with this server.")
        if device["revoked_at"] is not None and not allow_revoked:
            raise ApiError(403, "This laptop's access has been revoked.", revoked=True)
        try:
            _, nonce = signing.verify(
                device["public_key"], signed.headers, signed.method, signed.path, signed.body
            )
        except signing.SignatureError as exc:
            raise ApiError(401, str(exc)) from None
        if not store.remember_nonce(signed.device_id, nonce):
            raise ApiError(401, "This request has already been received once (a replay).")
        return device

    SignedRequest = Annotated[Signed, Depends(signed_request)]

    def openapi() -> dict[str, Any]:
        # /sync/push reads its body itself (for speed), so add its schema by hand.
        if api.openapi_schema is None:
            schema = get_openapi(
                title=api.title, version=api.version, description=api.description, routes=api.routes
            )
            request_schema = PushRequest.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(request_schema.pop("$defs", {}))
            components["PushRequest"] = request_schema
            api.openapi_schema = schema
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]

    @api.get("/health")
    async def health() -> dict[str, Any]:
        return {"ok": True, "server_id": store.server_id, "protocol": PROTOCOL_VERSION}

    @api.post("/enrol", response_model=EnrolResponse)
    async def enrol(body: EnrolRequest) -> EnrolResponse:
        try:
            return await run_in_threadpool(
                directory.enrol, store, body.code, body.public_key, body.device_name
            )
        except directory.EnrolmentError as exc:
            raise ApiError(400, str(exc)) from None

    @api.post(
        "/sync/push",
        response_model=PushResponse,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}
                },
            }
        },
    )
    async def push(signed: SignedRequest) -> Response:
        # Parsed from the raw bytes (already read to check the signature) by
        # pydantic's JSON parser: several times faster than a decoded dict.
        try:
            answer = await as_signer(
                signed, lambda device: handlers.push(store, device, signed.body)
            )
        except ValidationError as exc:
            raise _plain_validation_error(exc.errors()) from None
        return Response(answer, media_type="application/json")

    @api.post(
        "/sync/push-audit",
        response_model=PushResponse,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}
                },
            }
        },
    )
    async def push_audit(signed: SignedRequest) -> Response:
        """Audit events only, accepted even from a revoked laptop: its last words before
        it wipes itself (what was looked at on a lost laptop is evidence). Nothing is
        sent back, and every event is checked as any push is."""

        def last_words(device: dict[str, Any]) -> PushResponse:
            body = PushRequest.model_validate_json(signed.body)
            if any(c.entity != AUDIT_EVENT for c in body.changes):
                raise ApiError(400, "Only audit events can be sent here.")
            return store.ingest(device, body.changes)

        try:
            answer = await as_signer(signed, last_words, allow_revoked=True)
        except ValidationError as exc:
            raise _plain_validation_error(exc.errors()) from None
        return Response(answer.model_dump_json(), media_type="application/json")

    @api.get("/sync/pull", response_model=PullResponse)
    async def pull(
        signed: SignedRequest,
        cursor: Annotated[str, Query(max_length=40, pattern=r"^[0-9]*(\.[0-9]+)?(~own)?$")] = "",
        limit: Annotated[int, Query(ge=1, le=MAX_PULL_PAGE)] = 1000,
    ) -> Response:
        # Restricted content the device's user may not see is withheld (visibility.py),
        # and the page is written out straight from its rows (pull_wire.py).
        try:
            page = await as_signer(
                signed, lambda device: handlers.pull(store, device, cursor, limit)
            )
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None
        return Response(page, media_type="application/json")

    @api.post("/sync/beyond-team", response_model=BeyondTeamResponse)
    async def beyond(body: BeyondTeamSearch, signed: SignedRequest) -> BeyondTeamResponse:
        """The organisation's people beyond this laptop's team: name, year of birth
        and locality only, for choosing whom to break glass for (audited). The words
        come in the signed body (a POST), never the URL: a name typed must not reach
        any log, here or in a proxy in front of this server."""
        try:
            found = await as_signer(
                signed, lambda device: beyond_team.search(store, device, body.q, search_limit)
            )
        except beyond_team.Refused as exc:
            raise ApiError(exc.status, exc.detail) from None
        return BeyondTeamResponse(
            people=[
                BeyondTeamPerson(
                    person_id=f.person_id,
                    name=f.name,
                    year_of_birth=f.year_of_birth,
                    locality=f.locality,
                )
                for f in found
            ]
        )

    @api.post("/sync/break-glass", response_model=BreakGlassResponse)
    async def glass(body: BreakGlassRequest, signed: SignedRequest) -> BreakGlassResponse:
        """Break glass for someone beyond the team: in this laptop's scope until expiry."""
        try:
            grant_id, expires = await as_signer(
                signed,
                lambda device: beyond_team.break_glass(
                    store,
                    device,
                    body.person_id or body.nhs_number or "",
                    body.reason,
                    body.minutes,
                    glass_limit,
                ),
            )
        except beyond_team.Refused as exc:
            raise ApiError(exc.status, exc.detail) from None
        return BreakGlassResponse(grant_id=grant_id, expires_at=expires.isoformat())

    @api.post("/sync/same-person", response_model=SamePersonResponse)
    async def same_person_check(body: SamePersonCheck, signed: SignedRequest) -> SamePersonResponse:
        """Before a laptop registers someone: who on this server may be them (see
        sync/server/same_person.py for what is named to whom). In the signed body,
        never the URL: the details typed must not reach any log."""
        try:
            return await as_signer(
                signed, lambda device: same_person.check(store, device, body, check_limit)
            )
        except beyond_team.Refused as exc:
            raise ApiError(exc.status, exc.detail) from None

    partner_api.install(api, store, ApiError)
    return api
