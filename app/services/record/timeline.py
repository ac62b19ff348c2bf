"""A person's contacts from every agency, newest first, filtered and paged in SQL.

Served from the (person_id, occurred_at) index: a page of a person with
thousands of notes costs the same as a page of one with ten. Each page checks
access again (a break-glass grant may have expired) and withholds the text of
sensitive notes from viewers the access policy does not allow.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import aliased

from app.services.need_to_know.access import require_access
from app.workspace import Workspace
from storage.tables import ContactNote, Organisation, StaffMember


@dataclass(frozen=True)
class TimelineQuery:
    person_id: str
    organisation_id: str | None = None
    contact_type: str | None = None
    offset: int = 0
    limit: int = 100


@dataclass(frozen=True)
class TimelineEntry:
    id: str
    occurred_at: datetime
    recorded_at: datetime
    contact_type: str
    narrative: str
    outcome: str | None
    author: str | None
    author_role: str | None
    organisation_id: str | None
    organisation: str | None
    goal_ids: tuple[str, ...]
    amends_id: str | None
    sensitive: bool
    # Set when the note is sensitive and this viewer may not read it (the
    # narrative is then empty): whom to ask.
    ask: str | None = None
    # A correction says why; a note that was corrected says it was (the words
    # to read are in its correction, shown beside it).
    amendment_reason: str | None = None
    corrected: bool = False


@dataclass(frozen=True)
class TimelineFilters:
    """What this person's notes can be filtered by: (id, name) and type codes."""

    organisations: tuple[tuple[str, str], ...]
    contact_types: tuple[str, ...]


def _where(stmt: Select[*tuple[Any, ...]], query: TimelineQuery) -> Select[*tuple[Any, ...]]:
    stmt = stmt.where(ContactNote.person_id == query.person_id)
    if query.organisation_id:
        stmt = stmt.where(ContactNote.organisation_id == query.organisation_id)
    if query.contact_type:
        stmt = stmt.where(ContactNote.contact_type == query.contact_type)
    return stmt


_CORRECTION = aliased(ContactNote)


def fetch_timeline(workspace: Workspace, query: TimelineQuery) -> tuple[int, list[TimelineEntry]]:
    """(notes matching, the requested page) in one short read."""
    # A correction is a note about the same person: looked for among that person's notes
    # (the timeline index), not across every note on the laptop (no index on amends_id,
    # and a full scan per row made a record on the 5,000-person caseload take seconds).
    corrected = exists().where(
        _CORRECTION.person_id == ContactNote.person_id,
        _CORRECTION.amends_id == ContactNote.id,
    )
    page = _where(
        select(
            ContactNote.id,
            ContactNote.occurred_at,
            ContactNote.recorded_at,
            ContactNote.contact_type,
            ContactNote.narrative,
            ContactNote.outcome,
            StaffMember.display_name,
            ContactNote.author_role,
            ContactNote.organisation_id,
            Organisation.name,
            ContactNote.linked_goal_ids,
            ContactNote.amends_id,
            ContactNote.sensitive,
            ContactNote.author_id,
            ContactNote.amendment_reason,
            corrected,
        )
        .outerjoin(StaffMember, StaffMember.id == ContactNote.author_id)
        .outerjoin(Organisation, Organisation.id == ContactNote.organisation_id),
        query,
    )
    page = page.order_by(ContactNote.occurred_at.desc(), ContactNote.id.desc())
    page = page.offset(query.offset).limit(query.limit)
    with workspace.store.read() as session:
        access = require_access(session, workspace.actor, query.person_id)
        total = int(session.execute(_where(select(func.count(ContactNote.id)), query)).scalar_one())
        rows: Sequence[Any] = session.execute(page).all()
    shown = [
        access.note_text(
            r[4], sensitive=bool(r[12]), author_id=r[13], author_role=r[7], author_name=r[6]
        )
        for r in rows
    ]
    return total, [
        TimelineEntry(
            id=r[0],
            occurred_at=r[1],
            recorded_at=r[2],
            contact_type=r[3],
            narrative=text,
            outcome=r[5],
            author=r[6],
            author_role=r[7],
            organisation_id=r[8],
            organisation=r[9],
            goal_ids=tuple(json.loads(r[10] or "[]")),
            amends_id=r[11],
            sensitive=bool(r[12]),
            ask=ask,
            amendment_reason=r[14],
            corrected=bool(r[15]),
        )
        for r, (text, ask) in zip(rows, shown, strict=True)
    ]


def timeline_filters(workspace: Workspace, person_id: str) -> TimelineFilters:
    with workspace.store.read() as session:
        require_access(session, workspace.actor, person_id)
        orgs = session.execute(
            select(Organisation.id, Organisation.name)
            .where(
                Organisation.id.in_(
                    select(ContactNote.organisation_id)
                    .where(ContactNote.person_id == person_id)
                    .distinct()
                )
            )
            .order_by(Organisation.name)
        ).all()
        kinds = session.execute(
            select(ContactNote.contact_type)
            .where(ContactNote.person_id == person_id)
            .distinct()
            .order_by(ContactNote.contact_type)
        ).scalars()
        return TimelineFilters(tuple((o[0], o[1]) for o in orgs), tuple(kinds))
