"""HTTP to the partner server: signed requests, the enrolled CA, plain errors."""

from __future__ import annotations

import ssl
from collections.abc import Generator
from functools import cache
from typing import Any

import httpx

from app.errors import OneRecordError
from sync import signing
from sync.retry import RetryPolicy, TransientError, retryable


class ServerUnreachableError(OneRecordError):
    def __init__(self) -> None:
        super().__init__(
            "The server could not be reached: your changes are kept on this laptop "
            "and will sync next time."
        )


class ServerRefusedError(OneRecordError):
    """The server answered with a plain refusal (4xx)."""


class RevokedError(OneRecordError):
    """The server says this laptop's access was revoked."""


class _Signed(httpx.Auth):
    requires_request_body = True

    def __init__(self, device_id: str, private_key: bytes) -> None:
        self.device_id = device_id
        self.private_key = private_key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        path = request.url.raw_path.decode("ascii")
        request.headers.update(
            signing.sign(self.private_key, self.device_id, request.method, path, request.content)
        )
        yield request


@cache
def _verify(ca_pem: str | None) -> ssl.SSLContext:
    """Trust only the CA the laptop was enrolled with, when it was given one, else
    the system's. Made once per CA and process (a context is shared safely), not at
    every sync: loading the system's CA bundle alone costs ~25 ms."""
    if ca_pem is None:
        return ssl.create_default_context()
    return ssl.create_default_context(cadata=ca_pem)


class SyncClient(httpx.Client):
    """An httpx client that knows how to retry sync requests and whether the server
    has answered it yet (a first request that cannot connect means offline)."""

    retry: RetryPolicy | None = None
    reached: bool = False


def client(
    base_url: str,
    *,
    ca_pem: str | None = None,
    device_id: str | None = None,
    private_key: bytes | None = None,
    timeout: float = 30.0,
    transport: httpx.BaseTransport | None = None,
    retry: RetryPolicy | None = None,
) -> SyncClient:
    auth = _Signed(device_id, private_key) if device_id and private_key else None
    http = SyncClient(
        base_url=base_url.rstrip("/"),
        verify=_verify(ca_pem),
        auth=auth,
        timeout=timeout,
        transport=transport,
        headers={"user-agent": "OneRecord"},
    )
    http.retry = retry
    return http


def call(http: httpx.Client, method: str, path: str, **kwargs: Any) -> Any:
    """One request; the decoded JSON answer, or a plain error."""
    return _decode(request(http, method, path, **kwargs))


def request(http: httpx.Client, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """One request (retried through a bad network when it is safe to repeat); the
    successful response (its body still raw), or a plain error."""
    policy = http.retry if isinstance(http, SyncClient) else None
    try:
        response: httpx.Response
        if policy is not None and retryable(method, path):
            first = not getattr(http, "reached", False)
            response = policy.run(lambda: _attempt(http, method, path, kwargs), first_contact=first)
        else:
            response = _attempt(http, method, path, kwargs)
    except TransientError:
        raise ServerUnreachableError() from None
    if response.status_code >= 400:
        body = _decode(response)
        detail = body.get("detail") if isinstance(body, dict) else None
        if isinstance(body, dict) and body.get("revoked"):
            raise RevokedError(str(detail or "This laptop's access has been revoked."))
        raise ServerRefusedError(
            "The server refused: {phrase}", phrase=detail or response.reason_phrase
        )
    return response


def _attempt(http: httpx.Client, method: str, path: str, kwargs: dict[str, Any]) -> httpx.Response:
    """Send once. Cuts, resets, timeouts and 5xx answers are transient; the rest is not."""
    try:
        response = http.request(method, path, **kwargs)
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise TransientError(type(exc).__name__, connected=False) from None
    except (httpx.NetworkError, httpx.TimeoutException, httpx.RemoteProtocolError) as exc:
        raise TransientError(type(exc).__name__, connected=True) from None
    if isinstance(http, SyncClient):
        http.reached = True
    if response.status_code >= 500:
        raise TransientError(f"HTTP {response.status_code}", connected=True)
    return response


def _decode(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise ServerRefusedError(
            "The server's answer was not readable: nothing was changed."
        ) from None
