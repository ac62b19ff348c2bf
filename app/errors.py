"""The errors a user can act on, re-exported from storage plus the app's own.

Three kinds, as in Electrum: cancelled (silent), user-facing (`OneRecordError`:
one plain line, no patient data), and bugs (anything else: logged without
patient data, shown once as "something went wrong").
"""

from __future__ import annotations

from storage.errors import (
    DiskFullError,
    JournalError,
    OneRecordError,
    ProfileDamagedError,
    ProfileExistsError,
    ProfileMissingError,
    ProfileNotWritableError,
    WrongPassphraseError,
)

__all__ = [
    "AccessDeniedError",
    "DiskFullError",
    "InvalidInputError",
    "JournalError",
    "NotFoundError",
    "OneRecordError",
    "ProfileDamagedError",
    "ProfileExistsError",
    "ProfileMissingError",
    "ProfileNotWritableError",
    "UsageError",
    "WrongPassphraseError",
]


class InvalidInputError(OneRecordError):
    """Something typed or imported fails the record's rules; nothing was saved."""

    exit_code = 1


class NotFoundError(OneRecordError):
    exit_code = 1


class UsageError(OneRecordError):
    exit_code = 2


class AccessDeniedError(OneRecordError):
    """Outside a legitimate relationship and no break-glass grant in force; nothing shown."""

    exit_code = 5
