"""The carer's own contingency plan: what happens if they cannot care ("if I cannot
care, this happens"), kept on their entry among the person's contacts and printed in
the home plan beside the person's own contingency plans.

Its own small operation rather than a field of the contact editor: the contact form
and `onerecord contact` replace every field they hold, and a plan written with the
carer must not be blanked by a later correction of their phone number."""

from __future__ import annotations

import logging

from app.errors import NotFoundError
from app.services.changes import CONTACTS, PLAN, Change
from app.services.need_to_know.access import writable_person
from app.services.ops import operation, text
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import PersonalContact

logger = logging.getLogger(__name__)

PLAN_MOST = 2000


def set_carer_contingency(
    workspace: Workspace,
    *,
    person_id: str,
    carer_id: str,
    plan: str | None,
    draft_key: str | None = None,
) -> Change:
    """Write (or, blank, clear) what happens if this carer cannot care."""
    value = text(plan, "carer's contingency plan", limit=PLAN_MOST) or None
    with operation(workspace, draft_key=draft_key) as session:
        writable_person(session, person_id)
        carer = session.get(PersonalContact, carer_id)
        if carer is None or carer.person_id != person_id:
            raise NotFoundError("That carer is not among this person's family, friends and carers.")
        changed = carer.contingency_plan != value
        if changed:
            carer.contingency_plan = value
            audit(
                session,
                "carer_contingency_set",
                person_id=person_id,
                detail={"contact_id": carer_id, "cleared": value is None},
            )
    return Change(
        "carer_contingency_set",
        person_id=person_id,
        entity_id=carer_id,
        areas=frozenset({CONTACTS, PLAN}),
        fields=("contingency_plan",) if changed else (),
    )
