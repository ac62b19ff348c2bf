"""Backup commands: onerecord backup, onerecord restore."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cli import passphrase

Common = Callable[[argparse.ArgumentParser], None]


def _backup(args: argparse.Namespace) -> int:
    from app.services.profile.backup import backup_profile

    summary = backup_profile(args.profile, passphrase.read(args.passphrase_file), args.out)
    print(
        f"Backup written and checked: {summary.path} ({summary.people:,} people, "
        f"{summary.changes:,} changes). It opens only with this profile's passphrase."
    )
    return 0


def _restore(args: argparse.Namespace) -> int:
    from app.services.profile.backup import restore_profile

    result = restore_profile(args.profile, passphrase.read(args.passphrase_file), args.source)
    print(
        f"Restored {result.backup.people:,} people ({result.backup.changes:,} changes) "
        f"from the backup. The database it replaced is kept in {result.kept_as}."
    )
    if result.unsent_set_aside:
        print(
            f"{result.unsent_set_aside:,} change(s) made after that backup had never been "
            f"sent to the server: they are in {result.kept_as.name}, not in the restored profile."
        )
    print("Sync now to bring back what the server has received since the backup.")
    return 0


def register(sub: Any, common: Common) -> None:
    p = sub.add_parser("backup", help="write an encrypted, checked backup of the profile")
    common(p)
    p.add_argument(
        "--out", type=Path, default=None, help="backup file (default: the profile's backups/)"
    )
    p.set_defaults(handler=_backup)

    p = sub.add_parser("restore", help="put a backup of this profile back (keeps the current one)")
    common(p)
    p.add_argument("--from", dest="source", type=Path, required=True, help="the backup file")
    p.set_defaults(handler=_restore)
