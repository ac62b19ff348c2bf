"""Showing restricted alert detail (a key safe code, safeguarding detail) on screen.

The record carries the detail only to users whose role and relationship allow it
(`access`), and the desktop keeps it hidden until the user presses Show. Pressing
Show is itself an access to restricted content, so it is an audit event,
`restricted_viewed`, written before anything is shown: it names the alert and
the category, never the content.
"""

from __future__ import annotations

from app.errors import AccessDeniedError, NotFoundError
from app.services.need_to_know.access import require_access
from app.services.need_to_know.access_policy import category_of_alert
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import Alert


def show_alert_detail(workspace: Workspace, *, person_id: str, alert_id: str) -> str:
    """Audit the showing, then return the detail (refused if this user may not see it)."""
    with workspace.store.write(workspace.actor) as session:
        access = require_access(session, workspace.actor, person_id)
        alert = session.get(Alert, alert_id)
        if alert is None or alert.person_id != person_id:
            raise NotFoundError("That alert is no longer in the record.")
        detail, _ = access.alert_detail(alert.kind, alert.restricted_detail)
        if detail is None:
            raise AccessDeniedError("Your role does not show this restricted detail.")
        audit(
            session,
            "restricted_viewed",
            person_id=person_id,
            detail={"alert_id": alert.id, "category": category_of_alert(alert.kind).value},
        )
        return detail
