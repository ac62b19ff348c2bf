"""The server's logs name an unexpected error's kind, never its detail.

Starlette hands an unhandled exception back to uvicorn after the app's own handler
has answered (sync/server/app.py logs "unexpected <kind> on the server"), and
uvicorn logs it again with its whole traceback. A database error's text can hold
the values it was given: PostgreSQL's "Key (nhs_number)=(...) already exists"
names a person. This filter turns any record that carries an exception into one
line with the exception's kind, before a handler formats it.
"""

from __future__ import annotations

import logging

# The loggers uvicorn writes errors to (the server runs it in-process and embedded).
LOGGERS = ("uvicorn.error", "uvicorn.asgi")


class KindOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            kind = record.exc_info[0].__name__
            record.msg = f"{record.getMessage().rstrip()} ({kind}; its detail is not logged)"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


_FILTER = KindOnly()


def install() -> None:
    """Once per process is enough; installing again changes nothing."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
