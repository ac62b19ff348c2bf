"""Bounds on what a request may make the server hold, checked before anything is parsed.

Every request body is counted as it streams in (a declared Content-Length over the
limit is refused before a byte of the body is read; a chunked body is refused as soon
as the running count passes it), so an unauthenticated 400 MB body costs the server
at most the limit in memory, never the whole body. Only the two push routes take
large bodies (MAX_PUSH_BODY_BYTES); every other route takes MAX_BODY_BYTES.

JSON nesting is bounded before Python's json module sees a body (it recurses once per
level and fails with a RecursionError, a 500, near 1,000 levels): the small bodies
are scanned here without decoding; the push bodies are parsed by pydantic's parser,
which stops cleanly at its own limit of 200 levels (app.py answers that with the same
400), and the JSON text of each pushed value is checked by validation.refusal.

MAX_PUSH_BODY_BYTES is set against the largest real push (docs/security.md, "Request
limits"): the laptop sends at most MAX_PUSH_BATCH changes and ends a batch at
MAX_PUSH_BYTES (sync/client/outbox.py), so a real batch stays well inside it, and
one more change, even the largest the wire allows, fits too.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

logger = logging.getLogger(__name__)

# The largest real batch measured with demo-like rows is 2.8 MB for 2,000 changes
# (1.6 MB for the laptop's usual 1,000; bench/push_body.py, 1,000 demo people):
# about 6x headroom. A
# laptop ends a batch at MAX_PUSH_BYTES (4 MiB), and the largest single change the
# wire allows (a 1,000,000-character value) is under 7 MB however it is escaped.
MAX_PUSH_BODY_BYTES = 16 * 1024 * 1024
# Enrolment, break-glass and the rest: a few hundred bytes, a 2,000-character reason.
MAX_BODY_BYTES = 64 * 1024
PUSH_ROUTES = frozenset({"/sync/push", "/sync/push-audit"})
# Below what Python's json module survives (~1,000) and pydantic's parser (200), and
# far above what any real request or record holds (a push is 4 levels, a row 2).
MAX_JSON_DEPTH = 32

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOO_LARGE = "The request is larger than this server accepts."
TOO_DEEP = f"The request nests deeper than this server accepts ({MAX_JSON_DEPTH} levels)."
MALFORMED = "The request was not in the expected form (its brackets do not match)."

_BRACKETS = b"[]{}"
_NOT_BRACKETS = bytes(b for b in range(256) if b not in _BRACKETS)
# Opening brackets to "(", closing to ")": a mismatched pair ("[}") is invalid JSON
# that the parser refuses, so counting it as a pair never hides any depth.
_AS_PARENS = bytes.maketrans(b"[{]}", b"(())")


def nesting(data: bytes | str, limit: int = MAX_JSON_DEPTH) -> str | None:
    """Why this JSON text nests too deep or cannot be JSON at all, or None.

    Exact for valid JSON and cheap for any input (C-speed passes only, no decoding):
    escapes are dropped first, then the text of strings, then everything but
    brackets; each pass then removes every innermost "()" pair, so a balanced text
    empties in exactly as many passes as it nests deep. An invalid text is judged
    only as far as a parser could read it (it stops at the first invalid byte), so
    no input can make a parser recurse further than this says.
    """
    # Too few brackets to nest that deep (every real row): two C-speed counts, no scan,
    # on the text as given (encoding it first would cost more than the counts).
    if isinstance(data, str):
        if data.count("[") + data.count("{") <= limit:
            return None
        raw = data.encode("utf-8", "surrogatepass")
    else:
        if data.count(b"[") + data.count(b"{") <= limit:
            return None
        raw = data
    # A backslash only ever appears in a string, where it starts an escape: drop
    # escaped backslashes, then escaped quotes, and every quote left delimits a string.
    raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = b"".join(raw.split(b'"')[::2])
    parens = outside.translate(_AS_PARENS, _NOT_BRACKETS)
    for _ in range(limit):
        if not parens:
            return None
        fewer = parens.replace(b"()", b"")
        if len(fewer) == len(parens):
            return MALFORMED
        parens = fewer
    return None if not parens else TOO_DEEP


def _problem(status: int, detail: str) -> tuple[dict[str, Any], bytes]:
    body = json.dumps({"detail": detail, "revoked": False}).encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            # The rest of a refused body is not read: the connection cannot be reused.
            (b"connection", b"close"),
        ],
    }
    return start, body


async def _refuse(send: Send, status: int, detail: str) -> None:
    start, body = _problem(status, detail)
    await send(start)
    await send({"type": "http.response.body", "body": body})


class RequestLimits:
    """ASGI middleware: 413 for a body over its route's limit, 400 for a small body
    nested deeper than MAX_JSON_DEPTH, each a plain Problem, before any route runs."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int = MAX_BODY_BYTES,
        max_push_bytes: int = MAX_PUSH_BODY_BYTES,
        max_depth: int = MAX_JSON_DEPTH,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_push_bytes = max_push_bytes
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        push = scope.get("path") in PUSH_ROUTES
        limit = route_limit(scope.get("path", ""), small=self.max_bytes, push=self.max_push_bytes)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            logger.warning("refused a request body of %d bytes (declared)", declared)
            await _refuse(send, 413, TOO_LARGE)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                logger.warning("refused a request body past %d bytes (streamed)", limit)
                chunks.clear()
                await _refuse(send, 413, TOO_LARGE)
                return
            if chunk:
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        chunks.clear()
        # A push body is left to pydantic's depth-limited parser (scanning a megabyte
        # here would cost more than parsing it); a small body is scanned in microseconds.
        if not push and (problem := nesting(body, self.max_depth)) is not None:
            logger.warning("refused a request body whose brackets nest too deep or do not match")
            await _refuse(send, 400, problem)
            return
        await self.app(scope, _replay(body, receive), send)


def route_limit(path: str, *, small: int = MAX_BODY_BYTES, push: int = MAX_PUSH_BODY_BYTES) -> int:
    """The most bytes a request body to `path` may hold: only the push routes take large ones."""
    return push if path in PUSH_ROUTES else small


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the HTTP server itself refuses a malformed length
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, handed to the app as one message; then the real channel
    (a disconnect while the app works)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
