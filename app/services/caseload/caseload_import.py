"""Importing a caseload from a spreadsheet (a team moving to OneRecord): all or nothing.

`caseload_import_check` judges every row and finds duplicates; one bad row and
nothing is written. Otherwise new people go in through `storage.bulk` (batched,
each row journalled, so they sync) and duplicates are skipped or merged, all in
one transaction with one `caseload_imported` audit event (and a `record_edited`
event for each person merged).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date

from sqlalchemy.orm import Session

from app.errors import InvalidInputError
from app.services import changes
from app.services.caseload.caseload_import_check import (
    Duplicate,
    ImportRefusedError,
    ImportReport,
    OnDuplicate,
    check,
)
from app.services.changes import Change
from app.services.team.team_scope import team_scope
from app.workspace import Workspace
from storage import settings
from storage.audit_log import append as audit
from storage.bulk import insert_rows
from storage.ids import new_id
from storage.tables import Person, Team

logger = logging.getLogger(__name__)

__all__ = [
    "Duplicate",
    "ImportRefusedError",
    "ImportReport",
    "OnDuplicate",
    "check",
    "import_caseload",
    "imported_change",
    "preview",
]

Progress = Callable[[int, int], None]
BATCH = 500


def preview(
    workspace: Workspace,
    text: str,
    *,
    mapping: Mapping[str, str] | None = None,
    on_duplicate: OnDuplicate = "skip",
) -> ImportReport:
    """What an import would do, bad rows and all, without writing (the desktop's check)."""
    with workspace.store.read() as session:
        team_scope(session, workspace.actor, write=True)
        return check(session, text, mapping=mapping, on_duplicate=on_duplicate)


def import_caseload(
    workspace: Workspace,
    text: str,
    *,
    mapping: Mapping[str, str] | None = None,
    on_duplicate: OnDuplicate = "skip",
    dry_run: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportReport:
    """Check every row, then write all of them in one transaction or none at all.

    Raises ImportRefusedError (carrying the report with every bad row) if any row is bad.
    """
    if on_duplicate not in ("skip", "merge"):
        raise InvalidInputError("Choose 'skip' or 'merge' for people already in the profile.")
    if dry_run:
        with workspace.store.read() as session:
            team_scope(session, workspace.actor, write=True)
            report = check(session, text, mapping=mapping, on_duplicate=on_duplicate, today=today)
        if report.bad:
            raise ImportRefusedError(report)
        return report
    with workspace.store.write(workspace.actor) as session:
        team_scope(session, workspace.actor, write=True)
        report = check(session, text, mapping=mapping, on_duplicate=on_duplicate, today=today)
        if report.bad:
            raise ImportRefusedError(report)
        _write(session, report, progress)
    logger.info("imported a caseload: %d new, %d merged", report.created, report.merged)
    return ImportReport(**{**vars(report), "written": True})


def _write(session: Session, report: ImportReport, progress: Progress | None) -> None:
    total = len(report.new_rows) + len(report.merge_rows)
    done = 0
    if progress:
        progress(0, total)
    team_id = settings.get(session, settings.HOME_TEAM)
    if team_id and session.get(Team, team_id) is None:
        team_id = None
    for start in range(0, len(report.new_rows), BATCH):
        batch = report.new_rows[start : start + BATCH]
        insert_rows(
            session, Person, [{"id": new_id(), "team_id": team_id, **r.person} for r in batch]
        )
        done += len(batch)
        if progress:
            progress(done, total)
    for row, dup in report.merge_rows:
        person = session.get(Person, dup.person_id)
        assert person is not None
        changed = sorted(k for k, v in row.person.items() if getattr(person, k) != v)
        for key in changed:
            setattr(person, key, row.person[key])
        if changed:
            audit(session, "record_edited", person_id=person.id, detail={"fields": changed})
        done += 1
        if progress and (done % BATCH == 0 or done == total):
            progress(done, total)
    audit(
        session,
        "caseload_imported",
        detail={
            "rows": report.rows,
            "created": report.created,
            "merged": report.merged,
            "skipped": report.skipped,
        },
    )


def imported_change(report: ImportReport) -> Change:
    return Change(
        action="caseload_imported",
        areas=frozenset({changes.CASELOAD}),
        fields=("person",) if report.created or report.merged else (),
    )
