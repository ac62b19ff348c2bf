"""Error kinds raised by the store.

Each carries a plain one-line message that is safe to show a user: no patient
data, no key material, no file contents. The CLI maps them to exit codes.
"""

from __future__ import annotations

from typing import Any

from storage.i18n import tr


class OneRecordError(Exception):
    """Base for errors a user can act on. `str(err)` is the message to show, in the
    user's language: the message is a template (values by name, never an f-string,
    so a translation catalogue can match it) passed through storage.i18n."""

    exit_code = 1

    def __init__(self, message: str = "", **values: object) -> None:
        super().__init__(tr(message, **values) if message else message)

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt as it is, not by calling __init__ again: many kinds take no message
        # (their words are fixed), and an error handed back from another process
        # (a process pool) failed to unpickle, hiding it behind BrokenProcessPool.
        return (_rebuilt, (type(self), self.args, dict(self.__dict__)))


def _rebuilt(
    kind: type[OneRecordError], args: tuple[Any, ...], state: dict[str, Any]
) -> OneRecordError:
    error = kind.__new__(kind)
    error.args = args
    error.__dict__.update(state)
    return error


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
