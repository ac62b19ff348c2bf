"""Passphrase -> Argon2id -> AES-GCM wrapped key; rewrapping without re-encrypting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.errors import InvalidInputError
from app.workspace import Workspace, change_passphrase, unlock
from storage import keyvault, profile
from storage.errors import ProfileDamagedError, WrongPassphraseError
from tests.conftest import FAST_KDF, PASSPHRASE


def test_wrap_and_unwrap_round_trip() -> None:
    key = keyvault.new_database_key()
    wrapped = keyvault.wrap(bytes(key), "horse battery staple", FAST_KDF)
    assert keyvault.unwrap(wrapped, "horse battery staple") == key
    with pytest.raises(WrongPassphraseError):
        keyvault.unwrap(wrapped, "horse battery stapler")


def test_vault_file_holds_parameters_and_no_key(workspace: Workspace, profile_path: Path) -> None:
    data = json.loads((profile_path / profile.VAULT_FILE).read_text())
    assert data["kdf"] == {"name": "argon2id", "time_cost": 1, "memory_kib": 8192, "parallelism": 1}
    assert data["cipher"] == "AES-256-GCM"
    wrapped = keyvault.WrappedKey.from_json(json.dumps(data))
    assert len(wrapped.salt) == 16
    assert len(wrapped.nonce) == 12
    assert len(wrapped.ciphertext) == 32 + 16  # key + GCM tag


def test_default_kdf_is_memory_hard() -> None:
    default = keyvault.KdfParams()
    assert default.memory_kib >= 64 * 1024
    assert default.time_cost >= 2


def test_salt_differs_per_wrap() -> None:
    key = bytes(keyvault.new_database_key())
    first = keyvault.wrap(key, "same passphrase here", FAST_KDF)
    second = keyvault.wrap(key, "same passphrase here", FAST_KDF)
    assert first.salt != second.salt
    assert first.ciphertext != second.ciphertext


def test_change_passphrase_rewraps_without_touching_the_database(
    populated: Workspace, profile_path: Path
) -> None:
    populated.close()
    db_before = (profile_path / profile.DB_FILE).read_bytes()
    change_passphrase(profile_path, PASSPHRASE, "a brand new passphrase")
    assert (profile_path / profile.DB_FILE).read_bytes() == db_before
    with pytest.raises(WrongPassphraseError):
        unlock(profile_path, PASSPHRASE)
    ws = unlock(profile_path, "a brand new passphrase")
    ws.close()


def test_change_passphrase_refuses_wrong_old_and_weak_new(
    workspace: Workspace, profile_path: Path
) -> None:
    workspace.close()
    vault_before = (profile_path / profile.VAULT_FILE).read_bytes()
    with pytest.raises(WrongPassphraseError):
        change_passphrase(profile_path, "not the passphrase", "a brand new passphrase")
    with pytest.raises(InvalidInputError):
        change_passphrase(profile_path, PASSPHRASE, "short")
    assert (profile_path / profile.VAULT_FILE).read_bytes() == vault_before


def test_damaged_vault_is_a_plain_error(workspace: Workspace, profile_path: Path) -> None:
    workspace.close()
    (profile_path / profile.VAULT_FILE).write_text("{not json")
    with pytest.raises(ProfileDamagedError, match="key file is damaged"):
        unlock(profile_path, PASSPHRASE)


def test_tampered_wrapped_key_is_refused(workspace: Workspace, profile_path: Path) -> None:
    workspace.close()
    data = json.loads((profile_path / profile.VAULT_FILE).read_text())
    raw = bytearray(keyvault.base64.b64decode(data["wrapped_key"]))
    raw[0] ^= 1
    data["wrapped_key"] = keyvault.base64.b64encode(bytes(raw)).decode()
    (profile_path / profile.VAULT_FILE).write_text(json.dumps(data))
    with pytest.raises(WrongPassphraseError):
        unlock(profile_path, PASSPHRASE)
