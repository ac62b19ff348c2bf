"""Read a pull page so that one malformed change cannot make the whole page, and so
every later sync, unreadable: the one reader of a page for a laptop pulling from its
server (sync/client/pull_page.py) and for a server pulling from a partner
(sync/server/partners/pull.py).

The page is validated whole first (the usual case, and the fast one). If that
fails, the envelope (cursor, more, total, evict) is validated alone and each
change on its own: the readable ones go on, and each one that is not a well-formed
change (a row edited by hand on the other server, or sent by a server that is not
honest: a stamp of 0, an entity that is not a name, a value over the size limit)
comes back as a stand-in with the names of the fields at fault, never its value. An
envelope that is not readable is an `UnreadablePage`, and the caller changes nothing;
so is a change whose only fault is a field this version does not know (`NewerPage`:
the sender is newer, and the page must be read again after an upgrade).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from sync.protocol import Change, PullResponse

logger = logging.getLogger(__name__)

_CHANGE_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

UNREADABLE = "it is not a well-formed change ({what})"


class UnreadablePage(ValueError):
    """The page's envelope could not be read: nothing on it can be used."""


class NewerPage(UnreadablePage):
    """A change on the page carries a field this version does not know, and nothing
    else wrong: the sender is a newer version, not a spoilt row. Refusing the page
    keeps it to be read again once this side is upgraded; set apart as malformed,
    it would be lost for good (a stand-in never applies)."""


@dataclass(frozen=True)
class Malformed:
    """A change on a page that is not a well-formed change."""

    stand_in: Change  # built without validation; its stamp of 0 can never be applied
    reason: str  # names the fields at fault, never a value


def read_pull_page(content: bytes) -> tuple[PullResponse, list[Malformed]]:
    """The page with its readable changes, and the malformed ones set apart."""
    try:
        return PullResponse.model_validate_json(content), []
    except ValidationError:
        pass
    try:
        raw = json.loads(content)
        changes = raw.pop("changes") if isinstance(raw, dict) else None
        if not isinstance(changes, list):
            raise ValueError("no list of changes")
        envelope = PullResponse.model_validate({**raw, "changes": []})
    except (ValueError, ValidationError, RecursionError):
        raise UnreadablePage() from None
    good: list[Change] = []
    bad: list[Malformed] = []
    for item in changes:
        try:
            good.append(Change.model_validate(item))
        except ValidationError as exc:
            if all(error["type"] == "extra_forbidden" for error in exc.errors()):
                raise NewerPage() from None
            bad.append(Malformed(_stand_in(item), UNREADABLE.format(what=_what(exc))))
    logger.warning("a pull page held %d change(s) that were not well formed", len(bad))
    return envelope.model_copy(update={"changes": good}), bad


def _what(exc: ValidationError) -> str:
    """The names of the fields at fault (pydantic's `loc`), never the input: a field the
    wire does not have is named by what it is, as its name was chosen by the sender
    and can hold anything."""
    names = {
        str(loc[0]) if loc[0] in Change.model_fields else "an unexpected field"
        for loc in (error.get("loc") for error in exc.errors())
        if loc
    }
    return ", ".join(sorted(names)) or "its shape"


def _stand_in(item: Any) -> Change:
    """A Change built without validation from what could be read, so a kept-aside
    table (and a user's or an administrator's list) can say what it was; it never
    validates again, so it is never applied."""
    raw = item if isinstance(item, dict) else {}

    def text(name: str, size: int) -> str:
        value = raw.get(name)
        return value[:size] if isinstance(value, str) and value else "?"

    # Kept only when it is a change id (so the other server's row can be found); any
    # other text was chosen by the sender and can hold anything.
    change_id = raw.get("change_id")
    if not (isinstance(change_id, str) and _CHANGE_ID.fullmatch(change_id)):
        digest = hashlib.sha256(json.dumps(item, sort_keys=True, default=str).encode())
        change_id = f"unreadable-{digest.hexdigest()[:25]}"
    field = raw.get("field")
    return Change.model_construct(
        change_id=change_id,
        # Never a valid stamp: the stand-in can never pass as a change and be applied.
        hlc=0,
        device_id=text("device_id", 36),
        entity=text("entity", 60),
        entity_id=text("entity_id", 36),
        op=text("op", 10),
        field=field[:60] if isinstance(field, str) else None,
        # Not kept: a value too large or malformed to read is no use to anyone.
        value=None,
        bases=[],
        recorded_at=text("recorded_at", 40),
    )
