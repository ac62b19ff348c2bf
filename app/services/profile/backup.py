"""`onerecord backup` and `onerecord restore`: the passphrase opens the key vault,
storage does the copying and checking, and a restore is an audit event."""

from __future__ import annotations

from pathlib import Path

from app import workspace as workspaces
from storage import keyvault, profile
from storage.audit_log import append as audit
from storage.backup import BackupSummary, default_target, write_backup
from storage.restore import Restored, restore


def _key(path: Path, passphrase: str) -> bytearray:
    profile.require(path)
    return keyvault.unwrap(keyvault.read_vault(path / profile.VAULT_FILE), passphrase)


def backup_profile(path: Path, passphrase: str, out: Path | None = None) -> BackupSummary:
    """An encrypted, verified snapshot (into the profile's backups/ unless `out` is given)."""
    key = _key(path, passphrase)
    try:
        return write_backup(path, bytes(key), out or default_target(path, "manual"))
    finally:
        keyvault.wipe(key)


def restore_profile(path: Path, passphrase: str, source: Path) -> Restored:
    """Put a backup of this profile back; the current database is kept as a backup first."""
    key = _key(path, passphrase)
    try:
        result = restore(path, bytes(key), source.resolve())
    finally:
        keyvault.wipe(key)
    workspace = workspaces.unlock(path, passphrase, for_sync=True)
    try:
        with workspace.store.write(workspace.actor) as session:
            # Counts only: which file it was is the user's business, not the audit's.
            audit(
                session,
                "profile_restored",
                detail={
                    "changes_in_backup": result.backup.changes,
                    "unsent_set_aside": result.unsent_set_aside,
                    "chain_links_kept": result.chain_links_kept,
                    "events_carried_over": result.events_carried_over,
                    "anchor_reset": result.anchor_reset,
                },
            )
    finally:
        workspace.close()
    return result
