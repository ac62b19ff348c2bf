"""A file the user chose to save outside the encrypted profile (a printed plan, a
caseload export, a weekly summary, a chart): checked before any work, written
atomically and private (0600), or refused with one plain line and nothing written.

Kept in services (below the reports that print) so that exports need not reach up
into the printing code to write their files.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.errors import OneRecordError
from storage.errors import DiskFullError, ProfileNotWritableError
from storage.files import write_atomic


class OutputNotWritableError(OneRecordError):
    """The folder chosen for a printed plan or an export cannot be written: nothing was."""

    exit_code = 1


def check_output_path(path: Path) -> Path:
    """Refuse, before any work, a target whose folder is missing or cannot be written."""
    path = path.expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputNotWritableError(
            "{path} is a folder: give a file name. Nothing was written.", path=path
        )
    if not folder.is_dir():
        raise OutputNotWritableError(
            "The folder {folder} does not exist: choose another. Nothing was written.",
            folder=folder,
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputNotWritableError(
            "Cannot write to the folder {folder}: choose one you can write to. "
            "Nothing was written.",
            folder=folder,
        )
    return path


def write_output(path: Path, data: bytes) -> None:
    """Atomic (private temp file in the same folder, fsync, rename), 0600, or a plain error."""
    try:
        write_atomic(path, data)
    except ProfileNotWritableError:
        raise OutputNotWritableError(
            "Cannot write to the folder {parent}: choose one you can write to. "
            "Nothing was written.",
            parent=path.parent,
        ) from None
    except DiskFullError:
        raise DiskFullError(
            "The disk is full: free some space and try again. Nothing was written."
        ) from None
    except OSError as exc:
        raise OutputNotWritableError(
            "Cannot write {name} there ({error}). Nothing was written.",
            name=path.name,
            error=exc.strerror or "error",
        ) from None
