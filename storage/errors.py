"""Error kinds raised by the store.

Each carries a plain one-line message that is safe to show a user: no patient
data, no key material, no file contents. The CLI maps them to exit codes.
"""

from __future__ import annotations

from storage.i18n import tr


class OneRecordError(Exception):
    """Base for errors a user can act on. `str(err)` is the message to show, in the
    user's language: the message is a template (values by name, never an f-string,
    so a translation catalogue can match it) passed through storage.i18n."""

    exit_code = 1

    def __init__(self, message: str = "", **values: object) -> None:
        super().__init__(tr(message, **values) if message else message)


class WrongPassphraseError(OneRecordError):
    exit_code = 3

    def __init__(self, message: str = "That passphrase does not unlock this profile.") -> None:
        super().__init__(message)


class ProfileMissingError(OneRecordError):
    exit_code = 4


class ProfileDamagedError(OneRecordError):
    exit_code = 4


class ProfileExistsError(OneRecordError):
    exit_code = 1


class ProfileNotWritableError(OneRecordError):
    exit_code = 1


class DiskFullError(OneRecordError):
    exit_code = 1

    def __init__(
        self, message: str = "The disk is full: free some space and try again. Nothing was saved."
    ) -> None:
        super().__init__(message)


class JournalError(OneRecordError):
    """A write could not be journalled; the whole transaction is rolled back."""
