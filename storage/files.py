"""File hygiene for a profile: owner-only permissions and atomic writes."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from storage.errors import DiskFullError, ProfileNotWritableError

# write_atomic's temp files: a crash between writing and renaming leaves one behind
# (a copy of the key vault, if that was what was being written), so a wipe looks for them.
ATOMIC_TEMP_PREFIX = ".tmp-"


def make_private_dir(path: Path) -> None:
    """Create `path` (and parents) readable by the owner only."""
    old = os.umask(0o077)
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except PermissionError:
        raise ProfileNotWritableError(
            "Cannot create the profile folder there: choose a folder you can write to."
        ) from None
    finally:
        os.umask(old)
    # POSIX: owner-only. Windows ignores all but the read-only bit here; a folder under
    # %LOCALAPPDATA% is already private to the user by its inherited ACL.
    os.chmod(path, 0o700)


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a private temp file in the same folder, fsync, then rename over `path`."""
    fd = -1
    tmp = ""
    try:
        # mkstemp makes the file owner-only (0600) on POSIX; on Windows (no os.fchmod
        # before Python 3.13) it inherits the per-user ACL of the profile folder.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=ATOMIC_TEMP_PREFIX, suffix=path.suffix)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
        os.write(fd, data)
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
        tmp = ""
        _fsync_dir(path.parent)
    except PermissionError:
        raise ProfileNotWritableError(
            "The profile folder is read-only: nothing was changed."
        ) from None
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFullError() from None
        raise
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp:
            Path(tmp).unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def check_writable(path: Path) -> None:
    if not os.access(path, os.W_OK):
        raise ProfileNotWritableError(
            "The profile folder is read-only: open it from a folder you can write to."
        )
