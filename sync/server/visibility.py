"""Restricted content on the way out: a laptop is never sent what its user may not see.

The same access policy as the laptop (`app.services.access_policy`) decides, for
the user the device is enrolled for (the server's `staff` table): the restricted
detail of an alert (key safe code, safeguarding detail) and the text of a note
marked sensitive. Everything a laptop is sent is its team's caseload, so the
relationship is legitimate (administrators never see restricted content), except
people it holds only by a break-glass grant (sync/server/beyond_team.py).

A withheld value is replaced by the marker of `storage.withheld`; the change
keeps its id, clock stamp and device, so replicas still agree on which change
won, and the laptop stores a placeholder it can never send back as a value.

What is decided is fixed when the change is sent: a user who later becomes the
person's lead professional receives sensitive notes already sent to their laptop
only after the laptop is enrolled afresh (see docs/security.md).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from app.services.access_policy import (
    Restricted,
    Viewer,
    category_of_alert,
    restricted_visible,
)
from storage.withheld import marker
from sync.protocol import Change, PullResponse
from sync.server import schema as s
from sync.server.store import glass_scope


class Visibility:
    """One pull's decisions for one device; lookups cached for the page."""

    def __init__(self, conn: Connection, device: dict[str, Any]) -> None:
        self.conn = conn
        staff = conn.execute(
            select(s.staff.c.role).where(s.staff.c.user_id == device["user_id"])
        ).first()
        self.viewer = Viewer(device["user_id"], staff.role if staff else None, device["team_id"])
        self.device_id = device["device_id"]
        # People this device holds only by break-glass: no legitimate relationship,
        # so no key safe code (break-glass opens the record, not its secrets).
        pt = s.person_team
        self._glass: set[str] = set(
            conn.execute(
                glass_scope(self.device_id).except_(
                    select(pt.c.person_id).where(pt.c.team_id == device["team_id"])
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
        value = json.loads(row.value)
        return value.get(field) if row.op == "create" else value

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

    def _person(self, change: Change) -> str | None:
        if change.op in ("create", "append") and change.value:
            person = json.loads(change.value).get("person_id")
            return str(person) if person else None
        c = s.changes.c
        return self.conn.execute(
            select(c.person_id)
            .where(c.entity == change.entity, c.entity_id == change.entity_id)
            .limit(1)
        ).scalar()

    def admit(self, change: Change) -> Change:
        """The change as this device may receive it. A device is always sent what it
        wrote itself (a laptop restored from a backup asks for its own changes)."""
        if change.device_id == self.device_id or change.entity not in ("alert", "contact_note"):
            return change
        person_id = self._person(change)
        if change.entity == "alert":
            return self._alert(change, person_id)
        if change.entity == "contact_note" and change.op == "append" and change.value:
            row = json.loads(change.value)
            if row.get("sensitive") and not self._may(
                Restricted.SENSITIVE_NOTE,
                person_id,
                author_id=row.get("author_id"),
                author_role=row.get("author_role"),
            ):
                row["narrative"] = marker()
                return change.model_copy(update={"value": json.dumps(row)})
        return change

    def _alert(self, change: Change, person_id: str | None) -> Change:
        if change.op == "create" and change.value:
            row = json.loads(change.value)
            category = category_of_alert(row.get("kind") or "")
            if row.get("restricted_detail") and not self._may(category, person_id):
                row["restricted_detail"] = marker()
                return change.model_copy(update={"value": json.dumps(row)})
        elif change.op == "set" and change.field == "restricted_detail" and change.value:
            category = category_of_alert(self._kind(change.entity_id) or "")
            if json.loads(change.value) and not self._may(category, person_id):
                return change.model_copy(update={"value": json.dumps(marker())})
        return change


def withhold_restricted(store: Any, device: dict[str, Any], page: PullResponse) -> PullResponse:
    """A pull page as the device may receive it (run on the server's thread pool)."""
    if not any(c.entity in ("alert", "contact_note") for c in page.changes):
        return page
    with store.engine.connect() as conn:
        seen = Visibility(conn, device)
        changes = [seen.admit(c) for c in page.changes]
    return page.model_copy(update={"changes": changes})
