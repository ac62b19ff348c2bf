"""A user-facing error crosses a process boundary whole (a process pool hands a
worker's error back pickled): kinds whose words are fixed take no message, and
rebuilding them by calling the class with the message failed, so the pool broke
instead of saying what went wrong."""

from __future__ import annotations

import pickle

import pytest

from app.errors import InvalidInputError, OneRecordError, WrongPassphraseError
from sync.client.session import NotEnrolledError
from sync.transport import ServerRefusedError, ServerUnreachableError


@pytest.mark.parametrize(
    "error",
    [
        ServerUnreachableError(),
        NotEnrolledError(),
        WrongPassphraseError(),
        InvalidInputError("The date of birth is in the future."),
        ServerRefusedError("The server refused: {phrase}", phrase="not enrolled"),
    ],
    ids=type,
)
def test_it_comes_back_from_another_process_as_it_was(error: OneRecordError) -> None:
    back = pickle.loads(pickle.dumps(error))  # noqa: S301 (bytes this test just made)
    assert type(back) is type(error)
    assert str(back) == str(error) and str(back)
    assert back.exit_code == error.exit_code
