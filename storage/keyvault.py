"""Passphrase -> key-encryption key -> the database key.

The database is encrypted with a random 256-bit key that never changes. That
key is stored only wrapped (AES-256-GCM) by a key derived from the passphrase
with Argon2id and a per-profile salt. Changing the passphrase rewraps the key;
the database is never re-encrypted. The KDF parameters live beside the wrapped
key so a profile keeps opening after the defaults are raised.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage.errors import ProfileDamagedError, WrongPassphraseError
from storage.files import write_atomic

VAULT_FORMAT = 1
KEY_BYTES = 32
# Binds the ciphertext to its purpose so a wrapped key cannot be swapped for
# another blob that happens to be encrypted under the same derived key.
_AAD = b"onerecord/keyvault/v1"


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The defaults take about 0.5 s and 256 MiB on the reference laptop."""

    time_cost: int = 2
    memory_kib: int = 262_144
    parallelism: int = 2

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        return hash_secret_raw(
            passphrase.encode("utf-8"),
            salt,
            time_cost=self.time_cost,
            memory_cost=self.memory_kib,
            parallelism=self.parallelism,
            hash_len=KEY_BYTES,
            type=Type.ID,
        )


@dataclass(frozen=True)
class WrappedKey:
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    ciphertext: bytes

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": VAULT_FORMAT,
                "kdf": {"name": "argon2id", **asdict(self.kdf)},
                "salt": _b64(self.salt),
                "nonce": _b64(self.nonce),
                "wrapped_key": _b64(self.ciphertext),
                "cipher": "AES-256-GCM",
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> WrappedKey:
        try:
            data = json.loads(text)
            if data.get("format") != VAULT_FORMAT or data["kdf"].get("name") != "argon2id":
                raise ValueError("unknown key vault format")
            kdf = KdfParams(
                time_cost=int(data["kdf"]["time_cost"]),
                memory_kib=int(data["kdf"]["memory_kib"]),
                parallelism=int(data["kdf"]["parallelism"]),
            )
            return cls(
                kdf=kdf,
                salt=base64.b64decode(data["salt"], validate=True),
                nonce=base64.b64decode(data["nonce"], validate=True),
                ciphertext=base64.b64decode(data["wrapped_key"], validate=True),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ProfileDamagedError(
                "The profile's key file is damaged: restore the profile from a backup."
            ) from exc


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def wrap(database_key: bytes, passphrase: str, kdf: KdfParams | None = None) -> WrappedKey:
    if len(database_key) != KEY_BYTES:
        raise ValueError("database key must be 32 bytes")
    kdf = kdf or KdfParams()
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    kek = kdf.derive(passphrase, salt)
    ciphertext = AESGCM(kek).encrypt(nonce, database_key, _AAD)
    return WrappedKey(kdf=kdf, salt=salt, nonce=nonce, ciphertext=ciphertext)


def unwrap(wrapped: WrappedKey, passphrase: str) -> bytearray:
    """The database key, as a bytearray the caller can wipe when it locks."""
    kek = wrapped.kdf.derive(passphrase, wrapped.salt)
    try:
        key = AESGCM(kek).decrypt(wrapped.nonce, wrapped.ciphertext, _AAD)
    except InvalidTag:
        raise WrongPassphraseError() from None
    return bytearray(key)


def new_database_key() -> bytearray:
    return bytearray(secrets.token_bytes(KEY_BYTES))


def read_vault(path: Path) -> WrappedKey:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileDamagedError(
            "The profile has no key file: restore the profile from a backup."
        ) from None
    return WrappedKey.from_json(text)


def write_vault(path: Path, wrapped: WrappedKey) -> None:
    write_atomic(path, wrapped.to_json().encode("utf-8"))


def wipe(secret: bytearray) -> None:
    """Overwrite key bytes in place; Python may still hold copies, so this is hygiene, not proof."""
    for i in range(len(secret)):
        secret[i] = 0
