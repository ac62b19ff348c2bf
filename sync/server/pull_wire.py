"""A pull page on the wire: the rows a pull selected, written out as the
PullResponse JSON (sync/protocol.py) in one step.

Building a pydantic Change per row and then serialising the page cost more than
the query itself. The rows were each checked against the Change schema when
they were pushed (or published by the server), so here they are only written
out: with the same keys, order and compact separators as
`PullResponse.model_dump_json()`, byte for byte (tests/sync/test_server_fast_paths.py,
test_a_pull_page_is_byte_for_byte_what_pydantic_writes).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic_core import to_json
from sqlalchemy import Result

from sync.protocol import Change
from sync.server import schema as s

# A Change's fields in the wire schema's order (plain str: SQLAlchemy's own column
# names are a str subclass that pydantic's serialiser inspects slowly).
WIRE_NAMES = tuple(Change.model_fields)
# The columns a pull selects: the wire's, then whose record it is and the cursor.
PULL_COLUMNS = (*(s.changes.c[name] for name in WIRE_NAMES), s.changes.c.person_id, s.changes.c.seq)
_BASES = WIRE_NAMES.index("bases")
_CHANGE_ID = WIRE_NAMES.index("change_id")
_VALUE = WIRE_NAMES.index("value")
# Rows read at a time while a page is cut: at most this many values past the bound
# are held (each up to 1,000,000 characters).
_FETCH = 100


@dataclass
class Page:
    """One pull's answer before it is written out: rows of PULL_COLUMNS."""

    rows: Sequence[Any]
    cursor: str
    more: bool
    total: int | None
    evict: list[str] = field(default_factory=list)
    # The server's clock the page was cut by (grants in force): withholding uses it too.
    now: datetime | None = None


def within(result: Result[Any], chars: int) -> tuple[list[Any], bool]:
    """The rows of a page's query, in order, until their values reach `chars` (at least
    one row), and whether it stopped there (rows are left: the page has more)."""
    rows: list[Any] = []
    size = 0
    while chunk := result.fetchmany(_FETCH):
        for row in chunk:
            rows.append(row)
            size += len(row[_VALUE] or "")
            if size >= chars:
                result.close()
                return rows, True
    return rows, False


def _bases(text: str | None) -> Any:
    """The stored JSON list of bases as the wire's list. Text that is not JSON (a row
    written by hand) is sent as it is: that one change then fails the laptop's check of
    the wire's form and is kept aside there, instead of failing the page for everyone."""
    if not text:
        return []
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


def encode(page: Page, withheld: Mapping[str, str] | None = None) -> bytes:
    """The page as PullResponse JSON. `withheld`: change id -> the value to send
    instead of the stored one (restricted content, sync/server/visibility.py)."""
    changes = []
    for row in page.rows:
        change = dict(zip(WIRE_NAMES, row, strict=False))
        change["bases"] = _bases(row[_BASES])
        if withheld and row[_CHANGE_ID] in withheld:
            change["value"] = withheld[row[_CHANGE_ID]]
        changes.append(change)
    # pydantic's own serialiser: the same bytes as model_dump_json, twice as fast
    # as the json module on a page of long values.
    return to_json(
        {
            "changes": changes,
            "cursor": page.cursor,
            "more": page.more,
            "total": page.total,
            "evict": page.evict,
        }
    )
