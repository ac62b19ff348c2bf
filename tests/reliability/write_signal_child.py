"""The `onerecord` command run as a test child that says when it is inside a write.

    python -m tests.reliability.write_signal_child <onerecord arguments>

with ONERECORD_TEST_WRITE_SIGNAL_FD set to the write end of a pipe the parent passed
down. Every SQLCipher connection the command opens writes one byte to that pipe:

- `B` when a transaction runs its first statement that changes the database (from
  then on the file, its WAL or the page cache hold changes not yet committed);
- `C` when that transaction's COMMIT has returned (or it rolled back).

So after a SIGKILL the parent reads the pipe to the end and knows, exactly, whether
the kill landed inside a write transaction (more `B`s than `C`s) or between writes.

This lives in tests/, not in the product: the product has no hook of its own. It
wraps `sqlcipher3.dbapi2.connect` (which storage/engine.py calls) so that every
connection is a subclass that traces its statements and its commits, then hands
over to the real `onerecord` entry point in this same process.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

FD_VARIABLE = "ONERECORD_TEST_WRITE_SIGNAL_FD"
BEGIN, END = b"B", b"C"

# The first word of a statement that changes the database. Statements run by triggers
# come to the trace callback as "-- TRIGGER ..." and belong to one already counted.
_WRITES = frozenset(
    {"INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "VACUUM", "REINDEX"}
)


def _first_word(statement: str) -> str:
    stripped = statement.lstrip()
    return stripped.split(None, 1)[0].upper() if stripped else ""


def _signalling_connection(fd: int) -> type[Any]:
    class SignallingConnection(sqlcipher.Connection):  # type: ignore[misc,name-defined]
        """Traces its own statements (first word only: the text can hold patient data,
        and none of it leaves this function)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._writing = False
            self.set_trace_callback(self._trace)

        def _trace(self, statement: str) -> None:
            # Called as each statement starts. A write that committed by itself (no
            # BEGIN) or a COMMIT sent as SQL has finished once the connection is back
            # in autocommit when the next statement starts.
            if self._writing and not self.in_transaction:
                self._ended()
            if not self._writing and _first_word(statement) in _WRITES:
                self._writing = True
                os.write(fd, BEGIN)

        def _ended(self) -> None:
            if self._writing:
                self._writing = False
                os.write(fd, END)

        def commit(self) -> None:
            super().commit()
            self._ended()

        def rollback(self) -> None:
            super().rollback()
            self._ended()

        def close(self) -> None:
            super().close()
            self._ended()

    return SignallingConnection


def install(fd: int) -> None:
    """Make every connection opened from now on a signalling one."""
    # Only this process signals: anything it starts must not keep the pipe open.
    os.set_inheritable(fd, False)
    factory = _signalling_connection(fd)
    real_connect = sqlcipher.connect

    def connect(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("factory", factory)
        return real_connect(*args, **kwargs)

    sqlcipher.connect = connect


def main() -> int:
    install(int(os.environ[FD_VARIABLE]))
    from ui.launcher import main as onerecord

    return onerecord(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
