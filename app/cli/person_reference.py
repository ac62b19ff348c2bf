"""The person a command names (`--nhs`: an NHS number, or an id the CLI printed), as
their record id: one reading for every command, refused in one plain line when the
profile holds no such person."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.workspace import Workspace


def person_id(workspace: Workspace, reference: str) -> str:
    from app.services.record import people

    with workspace.store.read() as session:
        return str(people.find(session, reference).id)
