"""Creating and opening profiles, and the plain errors when that cannot be done."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.errors import InvalidInputError
from app.workspace import Workspace, create, unlock
from storage import profile
from storage.errors import (
    ProfileExistsError,
    ProfileMissingError,
    ProfileNotWritableError,
)
from tests.conftest import FAST_KDF, PASSPHRASE

needs_non_root = pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")


def test_missing_profile(tmp_path: Path) -> None:
    with pytest.raises(ProfileMissingError, match="no OneRecord profile"):
        unlock(tmp_path / "nowhere", PASSPHRASE)


def test_create_refuses_to_overwrite(workspace: Workspace, profile_path: Path) -> None:
    with pytest.raises(ProfileExistsError):
        create(profile_path, "another long passphrase", kdf=FAST_KDF)


def test_weak_passphrase_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError):
        create(tmp_path / "p", "short", kdf=FAST_KDF)
    assert not (tmp_path / "p").exists()


def test_failed_create_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_args: object, **_kwargs: object) -> None:
        raise OSError("simulated failure writing the key file")

    monkeypatch.setattr(profile.keyvault, "write_vault", explode)
    with pytest.raises(OSError, match="simulated"):
        profile.create(tmp_path / "p", PASSPHRASE, kdf=FAST_KDF)
    assert not (tmp_path / "p").exists()


def test_demo_flag_is_readable_before_unlock(tmp_path: Path) -> None:
    store = profile.create(tmp_path / "d", PASSPHRASE, demo=True, kdf=FAST_KDF)
    store.close()
    assert profile.info(tmp_path / "d").demo is True
    assert profile.info(tmp_path / "d").created_at


@needs_non_root
def test_unwritable_parent_is_a_plain_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        with pytest.raises(ProfileNotWritableError):
            create(locked / "p", PASSPHRASE, kdf=FAST_KDF)
    finally:
        locked.chmod(0o700)


def test_unwritable_folder_is_a_plain_error_and_left_as_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root ignores permission bits, so report "not writable" the way the OS would.
    monkeypatch.setattr(os, "access", lambda *_a, **_k: False)
    with pytest.raises(ProfileNotWritableError, match="read-only"):
        create(tmp_path / "p", PASSPHRASE, kdf=FAST_KDF)
    assert not (tmp_path / "p").exists()


def test_read_only_profile_folder_refuses_writes_plainly(
    workspace: Workspace, profile_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As root, permissions are not enforced; simulate what the OS reports instead.
    workspace.close()
    monkeypatch.setattr(os, "access", lambda *_a, **_k: False)
    from app.workspace import change_passphrase

    with pytest.raises(ProfileNotWritableError, match="read-only"):
        change_passphrase(profile_path, PASSPHRASE, "a brand new passphrase")


def test_a_wipe_keeps_files_it_did_not_write_and_says_so(
    workspace: Workspace, profile_path: Path
) -> None:
    """The folder may be one the user chose (`--profile DIR`) with their own files in
    it: a wipe removes everything this app writes there, and only that."""
    theirs = profile_path / "shopping list.txt"
    theirs.write_text("milk", encoding="utf-8")
    (profile_path / ".tmp-k3j2.json").write_text("{}", encoding="utf-8")  # a crash's leftover
    workspace.close()
    left = profile.destroy(profile_path)
    assert left == [theirs]
    assert sorted(p.name for p in profile_path.iterdir()) == ["shopping list.txt"]
    assert theirs.read_text(encoding="utf-8") == "milk"
    assert profile.destroy(profile_path / "nowhere") == []
