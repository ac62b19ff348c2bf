"""Is this an Ed25519 public key a laptop could sign with? Checked at enrolment.

cryptography's Ed25519PublicKey.from_public_bytes checks only the length: any 32
bytes load, and a key that is not a point of the curve (or is one of its eight
points of small order, for which signatures can be made without any private key)
fails only later, or not at all. So the encoding is decoded here as RFC 8032
section 5.1.3 says, and a point of small order is refused too (as libsodium does).
Pure integer arithmetic on 255-bit numbers: a fraction of a millisecond, once per
enrolment.
"""

from __future__ import annotations

import base64
import binascii
import logging

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

logger = logging.getLogger(__name__)

_P = 2**255 - 19
_D = -121665 * pow(121666, -1, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


class BadPublicKeyError(ValueError):
    """Why a public key cannot be enrolled; a plain sentence."""


def _point(raw: bytes) -> tuple[int, int] | None:
    """The affine point (x, y) a 32-byte encoding stands for, or None (RFC 8032 5.1.3)."""
    y = int.from_bytes(raw, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= _P:  # not canonical
        return None
    u = (y * y - 1) % _P
    v = (_D * y * y + 1) % _P
    x = u * pow(v, 3, _P) * pow(u * pow(v, 7, _P), (_P - 5) // 8, _P) % _P
    if v * x * x % _P == (-u) % _P:
        x = x * _SQRT_M1 % _P
    elif v * x * x % _P != u:
        return None  # x^2 = u/v has no root: no point has this y
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = _P - x
    return x, y


def _small_order(x: int, y: int) -> bool:
    """Whether 8 * (x, y) is the neutral point: doubling three times in extended
    coordinates (a = -1; "dbl-2008-hwcd")."""
    big_x, big_y, big_z = x, y, 1
    for _ in range(3):
        a, b, c = big_x * big_x, big_y * big_y, 2 * big_z * big_z
        e = (big_x + big_y) ** 2 - a - b
        g = b - a
        f, h = g - c, -a - b
        big_x, big_y, big_z = e * f % _P, g * h % _P, f * g % _P
    return big_x == 0 and big_y == big_z


def check_public_key(text: str) -> bytes:
    """The 32 raw bytes of a base64 Ed25519 public key, or BadPublicKeyError."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise BadPublicKeyError("The laptop's public key is not base64 text.") from None
    if len(raw) != 32:
        raise BadPublicKeyError("The laptop's public key is not an Ed25519 key (32 bytes).")
    Ed25519PublicKey.from_public_bytes(raw)  # what signing.verify will load
    point = _point(raw)
    if point is None:
        raise BadPublicKeyError("The laptop's public key is not a point of the Ed25519 curve.")
    if _small_order(*point):
        raise BadPublicKeyError("The laptop's public key is a weak Ed25519 key (small order).")
    return raw
