"""About me (PRSB): the person's own words on what matters to them, written with
them and kept up by anyone on the team. One row per person, created the first time
it is saved; each save says which prompts changed and dates the page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.services import clock
from app.services.changes import ABOUT_ME, Change
from app.services.need_to_know.access import writable_person
from app.services.ops import operation, text
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import AboutMe

# The PRSB About me prompts, in the order the person is asked them.
PROMPTS: tuple[tuple[str, str], ...] = (
    ("most_important", "What matters most to me"),
    ("important_people", "People who are important to me"),
    ("how_i_communicate", "How I communicate and how to communicate with me"),
    ("my_wellness", "My wellness"),
    ("please_do_and_dont", "Please do and please don't"),
    ("how_and_when_to_support_me", "How and when to support me"),
    ("also_worth_knowing", "Also worth knowing about me"),
)
SUPPORTED_BY = ("supported_to_write_by", "I was supported to write this by")


def save_about_me(
    workspace: Workspace,
    *,
    person_id: str,
    values: dict[str, Any],
    draft_key: str | None = None,
) -> Change:
    """Save the prompts as written (blank is allowed: not every prompt has an answer)."""
    words = {name: text(values.get(name), label, limit=4000) for name, label in PROMPTS}
    helper = text(values.get(SUPPORTED_BY[0]), "name of who helped", limit=200) or None
    with operation(workspace, draft_key=draft_key) as session:
        writable_person(session, person_id)
        existing = session.execute(
            select(AboutMe).where(AboutMe.person_id == person_id)
        ).scalar_one_or_none()
        row = existing or AboutMe(person_id=person_id)
        wanted: dict[str, Any] = {**words, SUPPORTED_BY[0]: helper}
        changed = tuple(
            name
            for name, value in wanted.items()
            if (getattr(row, name) or None) != (value or None)
        )
        for name in changed:
            setattr(row, name, wanted[name])
        if changed:
            row.last_updated = clock.today()
            if existing is None:
                session.add(row)  # the first save makes the page
            session.flush()
            audit(session, "about_me_saved", person_id=person_id, detail={"fields": list(changed)})
    return Change(
        "about_me_saved",
        person_id=person_id,
        entity_id=row.id if (existing is not None or changed) else None,
        areas=frozenset({ABOUT_ME}),
        fields=changed,
    )
