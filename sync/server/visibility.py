"""Restricted content on the way out: a laptop is never sent what its user may not see.

The same access policy as the laptop (`app.services.need_to_know.access_policy`) decides, for
the user the device is enrolled for (the server's `staff` table): the restricted
detail of an alert (key safe code, safeguarding detail) and the text of a note
marked sensitive. Everything a laptop is sent is its team's caseload, so the
relationship is legitimate (administrators never see restricted content), except
people it holds only by a break-glass grant (sync/server/beyond_team.py).

A withheld value is replaced by the marker of `storage.withheld`; the change
keeps its id, clock stamp and device, so replicas still agree on which change
won, and the laptop stores a placeholder it can never send back as a value.

A value the server cannot read (a row written by hand or by a bug: not JSON, or not
the object a whole row is) cannot be judged, so it is not sent: it goes as the
marker, and the laptop keeps the change aside (a note's text that plainly says it
is not sensitive is not read at all, `_maybe_sensitive`, so such a note goes as it
is, and is kept aside there too). An alert whose kind cannot be read is judged as
safeguarding (`category_of_alert`). Nor does any of it stop the page, which every
laptop of the team would then fail to pull, sync after sync.

What is decided is fixed when the change is sent: a user who later becomes the
person's lead professional receives sensitive notes already sent to their laptop
only after the laptop is enrolled afresh (see docs/security.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from app.services.need_to_know.access_policy import (
    Restricted,
    Viewer,
    category_of_alert,
    restricted_visible,
)
from storage.withheld import marker
from sync.server import schema as s
from sync.server import servertime, stream
from sync.server.journal_rows import stored_object
from sync.server.pull_wire import WIRE_NAMES


class Visibility:
    """One pull's decisions for one device; lookups cached for the page."""

    def __init__(
        self, conn: Connection, device: dict[str, Any], now: datetime | None = None
    ) -> None:
        self.conn = conn
        staff = conn.execute(
            select(s.staff.c.role).where(s.staff.c.user_id == device["user_id"])
        ).first()
        self.viewer = Viewer(device["user_id"], staff.role if staff else None, device["team_id"])
        self.device_id = device["device_id"]
        # People this device holds only by break-glass: no legitimate relationship,
        # so no key safe code (break-glass opens the record, not its secrets).
        # At the clock the page was cut by: a grant that expired since still counts.
        self._glass: set[str] = set(
            conn.execute(
                stream.glass(self.device_id, now or servertime.now()).except_(
                    stream.team_caseload(device["team_id"])
                )
            ).scalars()
        )
        self._leads: dict[str, str | None] = {}
        self._kinds: dict[str, str | None] = {}

    def _latest(self, entity: str, entity_id: str, field: str) -> Any:
        """The field's value in the newest create or set of it (the merge's winner
        by stamp, then device): enough to decide visibility."""
        c = s.changes.c
        row = self.conn.execute(
            select(c.op, c.value)
            .where(
                c.entity == entity,
                c.entity_id == entity_id,
                or_(c.op == "create", and_(c.op == "set", c.field == field)),
            )
            .order_by(c.hlc.desc(), c.device_id.desc())
            .limit(1)
        ).first()
        if row is None or row.value is None:
            return None
        if row.op == "create":
            whole = stored_object(row.value)
            return whole.get(field) if whole is not None else None
        try:
            return json.loads(row.value)
        except (ValueError, RecursionError):
            return None

    def _lead(self, person_id: str | None) -> str | None:
        if person_id is None:
            return None
        if person_id not in self._leads:
            self._leads[person_id] = self._latest("person", person_id, "lead_professional_id")
        return self._leads[person_id]

    def _kind(self, alert_id: str) -> str | None:
        if alert_id not in self._kinds:
            self._kinds[alert_id] = self._latest("alert", alert_id, "kind")
        return self._kinds[alert_id]

    def _may(self, category: Restricted, person_id: str | None, **note: Any) -> bool:
        return restricted_visible(
            self.viewer,
            category,
            legitimate=person_id not in self._glass,
            lead_professional_id=self._lead(person_id),
            **note,
        )

    def withheld(self, row: Any) -> str | None:
        """The value to send in place of this change's own, or None to send it as it
        is. A device is always sent what it wrote itself (a laptop restored from a
        backup asks for its own changes). `row` has the columns of
        sync.server.pull_wire.PULL_COLUMNS; its person_id is whose record it is."""
        if row.device_id == self.device_id or row.entity not in RESTRICTABLE:
            return None
        if row.entity == "alert":
            return self._alert(row)
        if row.op == "append" and row.value and _maybe_sensitive(row.value):
            note = stored_object(row.value)
            if note is None:
                return _UNJUDGED
            if note.get("sensitive") and not self._may(
                Restricted.SENSITIVE_NOTE,
                row.person_id,
                author_id=note.get("author_id"),
                author_role=note.get("author_role"),
            ):
                note["narrative"] = marker()
                return json.dumps(note)
        return None

    def _alert(self, row: Any) -> str | None:
        if row.op == "create" and row.value:
            alert = stored_object(row.value)
            if alert is None:
                return _UNJUDGED
            category = category_of_alert(alert.get("kind"))
            if alert.get("restricted_detail") and not self._may(category, row.person_id):
                alert["restricted_detail"] = marker()
                return json.dumps(alert)
        elif row.op == "set" and row.field == "restricted_detail" and row.value:
            kind = self._kind(row.entity_id)
            try:
                detail = json.loads(row.value)
            except (ValueError, RecursionError):
                return _UNJUDGED
            # A kind that cannot be read is judged as safeguarding (category_of_alert).
            if detail and not self._may(category_of_alert(kind), row.person_id):
                return json.dumps(marker())
        return None


# What is sent in place of a value that could not be read, so could not be judged.
_UNJUDGED = json.dumps(marker())
# The only records with restricted content: an alert's detail, a sensitive note.
RESTRICTABLE = frozenset({"alert", "contact_note"})
_ENTITY, _DEVICE, _OP, _VALUE = (
    WIRE_NAMES.index(n) for n in ("entity", "device_id", "op", "value")
)
_NOT_SENSITIVE = ('"sensitive": false', '"sensitive":false', '"sensitive": null')


def _maybe_sensitive(text: str) -> bool:
    """False only when the note's JSON text shows it is not marked sensitive, without
    parsing it (most notes are not, and parsing each one cost more than the query).
    With no \\u escape, the key can only be spelled as `"sensitive"`: once in the
    text, followed by false or null, means the note's own `sensitive` is falsy
    (or that it has none, when that one spelling sits in another key). Anything
    else is parsed and decided in full."""
    if "\\u" in text or text.count('"sensitive"') != 1:
        return True
    return not any(plain in text for plain in _NOT_SENSITIVE)


def withhold_restricted(
    store: Any, device: dict[str, Any], rows: Sequence[Any], now: datetime | None = None
) -> dict[str, str]:
    """change id -> the value to send instead, for the rows of a pull page this
    device's user may not see in full (run on the server's thread pool). The
    database is only consulted when a page holds something restricted."""
    own = device["device_id"]
    # By position, not by name: this runs over every row of every page.
    candidates = [
        r
        for r in rows
        if r[_ENTITY] in RESTRICTABLE
        and r[_DEVICE] != own
        and (
            r[_ENTITY] == "alert"
            or (r[_OP] == "append" and r[_VALUE] and _maybe_sensitive(r[_VALUE]))
        )
    ]
    if not candidates:
        return {}
    with store.engine.connect() as conn:
        seen = Visibility(conn, device, now)
        return {r.change_id: value for r in candidates if (value := seen.withheld(r)) is not None}
