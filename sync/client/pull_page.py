"""Read a pull page from the team's server: its readable changes go on to be
applied, and each change that is not well formed is kept aside with the names of
the fields at fault, never its value (the reader is sync/pull_pages.py, shared
with a server pulling from a partner). An envelope that is not readable is a
plain error, and nothing is changed."""

from __future__ import annotations

from sync.client.apply import KeptChange
from sync.protocol import PullResponse
from sync.pull_pages import NewerPage, UnreadablePage, read_pull_page
from sync.transport import ServerRefusedError


def read_page(content: bytes) -> tuple[PullResponse, list[KeptChange]]:
    """The page's readable changes, and the unreadable ones to keep aside."""
    try:
        page, malformed = read_pull_page(content)
    except NewerPage:
        raise ServerRefusedError(
            "The server sends changes in a newer form than this version of OneRecord "
            "reads: update OneRecord, then sync again. Nothing was changed."
        ) from None
    except UnreadablePage:
        raise ServerRefusedError(
            "The server's answer was not readable: nothing was changed."
        ) from None
    return page, [KeptChange(m.stand_in, m.reason) for m in malformed]
