"""How the audit tests edit a stored value behind the app's back: a different value of
the same kind, as someone editing the database by hand would write it (a later year
in the same date format, another JSON object, a hash or id with one character
changed), so what is tested is the hash, not a parser choking on junk."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from storage.tables import AuditEvent

# Every stored column of an audit event, read from the table itself: a column added
# later is tampered with too, and fails the tests until the hash covers it.
AUDIT_COLUMNS = tuple(column.name for column in AuditEvent.__table__.columns)


def tampered(value: Any) -> Any:
    if value is None:
        return "filled in afterwards"
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1000
    if isinstance(value, datetime):
        return value.replace(year=value.year - 1)
    text = str(value)
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        return json.dumps({**parsed, "tampered": True}, sort_keys=True)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return text[:-1] + ("1" if text[-1] != "1" else "2")
    return text.replace(str(when.year), str(when.year - 1), 1)
