"""The endpoint partner servers pull from: GET /partner/pull, signed by the
partner server's own key (enrolled with `onerecord-server partner add`) and
replay-protected exactly like a laptop's requests.

No `from __future__ import annotations` here: FastAPI reads the annotations at runtime.
"""

import logging
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from sync import signing
from sync.protocol import PARTNER_PULL_PAGE, PullResponse
from sync.server.partners import feed as partner_feed
from sync.server.partners.agreements import partner_by_server
from sync.server.store import ServerStore

logger = logging.getLogger(__name__)


def install(api: FastAPI, store: ServerStore, error: Callable[[int, str], Exception]) -> None:
    async def signed_partner(request: Request) -> dict[str, Any]:
        """The partner server that signed this request, or a 401/403."""
        headers = {k.lower(): v for k, v in request.headers.items()}
        server_id = headers.get(signing.DEVICE)
        if not server_id:
            raise error(401, "This request is not signed.")
        peer = await run_in_threadpool(partner_by_server, store, server_id)
        if peer is None:
            raise error(401, "This server is not a partner of ours.")
        if peer["removed_at"] is not None:
            raise error(403, "This partnership has been ended.")
        body = await request.body()
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        try:
            _, nonce = signing.verify(peer["public_key"], headers, request.method, path, body)
        except signing.SignatureError as exc:
            raise error(401, str(exc)) from None
        if not await run_in_threadpool(store.remember_nonce, server_id, nonce):
            raise error(401, "This request has already been received once (a replay).")
        return peer

    Partner = Annotated[dict[str, Any], Depends(signed_partner)]

    @api.get("/partner/pull", response_model=PullResponse)
    async def partner_pull(
        peer: Partner,
        cursor: Annotated[str, Query(max_length=40, pattern=r"^[0-9]*(\.[0-9]+)?$")] = "",
        limit: Annotated[int, Query(ge=1, le=PARTNER_PULL_PAGE)] = 1000,
    ) -> Response:
        try:
            page = await run_in_threadpool(partner_feed.page, store, peer, cursor, limit)
        except partner_feed.NoAgreementError:
            raise error(
                403, "There is no sharing agreement in force with your organisation."
            ) from None
        except ValueError as exc:
            raise error(400, str(exc)) from None
        return Response(page.model_dump_json(), media_type="application/json")
