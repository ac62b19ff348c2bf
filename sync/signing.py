"""Signed requests: every sync call carries the device id, a time, a one-use nonce
and an Ed25519 signature over all of them and the body's hash. The server
refuses unsigned, tampered, stale and replayed requests."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

DEVICE = "x-onerecord-device"
TIMESTAMP = "x-onerecord-time"
NONCE = "x-onerecord-nonce"
SIGNATURE = "x-onerecord-signature"
MAX_SKEW_SECONDS = 300


class SignatureError(Exception):
    """The request's signature headers are missing, stale, replayed or wrong."""


def new_private_key() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def public_key_of(private_key: bytes) -> str:
    public = Ed25519PrivateKey.from_private_bytes(private_key).public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def _message(method: str, path: str, timestamp: str, nonce: str, device: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join((method.upper(), path, timestamp, nonce, device, digest)).encode()


def sign(private_key: bytes, device_id: str, method: str, path: str, body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    nonce = secrets.token_urlsafe(16)
    signature = Ed25519PrivateKey.from_private_bytes(private_key).sign(
        _message(method, path, timestamp, nonce, device_id, body)
    )
    return {
        DEVICE: device_id,
        TIMESTAMP: timestamp,
        NONCE: nonce,
        SIGNATURE: base64.b64encode(signature).decode("ascii"),
    }


def verify(
    public_key: str,
    headers: dict[str, str],
    method: str,
    path: str,
    body: bytes,
    now: float | None = None,
) -> tuple[str, str]:
    """Check a request's signature; returns (timestamp, nonce) for the replay check."""
    try:
        device, timestamp, nonce, signature = (
            headers[h] for h in (DEVICE, TIMESTAMP, NONCE, SIGNATURE)
        )
    except KeyError:
        raise SignatureError("This request is not signed.") from None
    try:
        age = abs((now if now is not None else time.time()) - int(timestamp))
    except ValueError:
        raise SignatureError("This request's time is not a number.") from None
    if age > MAX_SKEW_SECONDS:
        raise SignatureError(
            "This request's time is over 5 minutes from the server's: check the laptop's clock."
        )
    if not 8 <= len(nonce) <= 64:
        raise SignatureError("This request's nonce is malformed.")
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
        key.verify(
            base64.b64decode(signature), _message(method, path, timestamp, nonce, device, body)
        )
    except (InvalidSignature, ValueError):
        raise SignatureError(
            "This request's signature does not match: it was altered or forged."
        ) from None
    return timestamp, nonce
