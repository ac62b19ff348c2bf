"""Who came to a team meeting, as stored: a JSON list of lines ("Asha Patel, district
nurse, Shire Community Trust"), one per person in the room or on the call. The one
check the meeting service and the row rules (laptop and server) both use."""

from __future__ import annotations

import json

from app.errors import InvalidInputError

MOST = 60  # a locality meeting is a room, not a conference
LINE_MOST = 200
TEXT_MOST = MOST * (LINE_MOST + 4) + 2


def checked(lines: list[str]) -> list[str]:
    """The attendees to keep: stripped, blank lines dropped, each line once."""
    kept: list[str] = []
    for line in lines:
        if not isinstance(line, str):
            raise InvalidInputError("Each attendee is a line of text.")
        line = " ".join(line.split())
        if len(line) > LINE_MOST:
            raise InvalidInputError("An attendee's line is over {most} characters.", most=LINE_MOST)
        if line and line not in kept:
            kept.append(line)
    if len(kept) > MOST:
        raise InvalidInputError("A meeting lists at most {most} attendees.", most=MOST)
    return kept


def stored(lines: list[str]) -> str:
    return json.dumps(checked(lines), ensure_ascii=False)


def read(text: str | None) -> list[str]:
    """The stored list (an unreadable one reads as nobody: the row rules refuse it)."""
    try:
        parsed = json.loads(text or "[]")
        return checked(parsed) if isinstance(parsed, list) else []
    except (ValueError, RecursionError, InvalidInputError):
        return []


def rule(value: object) -> str | None:
    """The row rule: None when the stored text is such a list (or nothing yet), else why not."""
    if value is None:
        return None
    wrong = f"not a list of attendees: at most {MOST} lines of {LINE_MOST} characters"
    if not isinstance(value, str) or len(value) > TEXT_MOST:
        return wrong
    try:
        parsed = json.loads(value)
        if not isinstance(parsed, list) or checked(parsed) != parsed:
            return wrong
    except (ValueError, RecursionError, InvalidInputError):
        return wrong
    return None
