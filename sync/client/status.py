"""What the desktop asks about sync, by Workspace: enrolled or not, when it last
synced, how many conflicts wait for a person, how many changes the server refused
or this laptop kept aside (sync.client.problems), and one sync run as the app runs
it (a quiet outcome instead of an exception for the expected failures)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.services.profile.sync_status import pending_changes
from app.store_step import StoreStep, direct
from app.workspace import Workspace
from storage.tables import SyncConflict
from sync.client import problems
from sync.client import settings as sync_settings
from sync.client.session import Progress, SyncReport, SyncSession
from sync.transport import RevokedError, ServerUnreachableError


@dataclass(frozen=True)
class SyncState:
    """What the status bar shows about sync."""

    enrolled: bool
    last_sync: datetime | None
    pending: int
    conflicts: int
    refused: int = 0  # changes made here that the server refused (kept here, shown)
    kept_aside: int = 0  # pulled changes this laptop could not apply (kept, shown)


@dataclass(frozen=True)
class SyncOutcome:
    """One sync as the app sees it: a report, or offline, or revoked (with its message)."""

    report: SyncReport | None
    state: SyncState
    offline: bool = False
    revoked: str | None = None


def is_enrolled(workspace: Workspace) -> bool:
    with workspace.store.read() as session:
        return sync_settings.enrolment(session) is not None


def last_sync(workspace: Workspace) -> datetime | None:
    with workspace.store.read() as session:
        return sync_settings.last_success(session)


def open_conflicts(workspace: Workspace) -> int:
    with workspace.store.read() as session:
        return int(session.execute(select(func.count()).select_from(SyncConflict)).scalar_one())


def sync_state(workspace: Workspace) -> SyncState:
    with workspace.store.read() as session:
        enrolled = sync_settings.enrolment(session) is not None
        last = sync_settings.last_success(session)
        # Refused and kept-aside changes come only from a server: none without one.
        held = problems.counts(session.connection()) if enrolled else problems.ProblemCounts(0, 0)
    return SyncState(
        enrolled=enrolled,
        last_sync=last,
        # Shown only when enrolled; a standalone profile's whole journal is "pending",
        # and counting it would hold the database lane for nothing.
        pending=pending_changes(workspace) if enrolled else 0,
        conflicts=open_conflicts(workspace),
        refused=held.refused,
        kept_aside=held.kept_aside,
    )


def run_sync(
    workspace: Workspace, progress: Progress | None = None, *, on_store: StoreStep = direct
) -> SyncOutcome:
    """One sync. An unreachable server is "offline", not an error; a revoked laptop
    is reported so the app can wipe it. Other refusals raise their plain message.
    Every profile access is a store step (`on_store`), none around a request."""
    session = SyncSession(workspace, progress=progress, on_store=on_store)
    try:
        report = session.run()
    except ServerUnreachableError:
        return SyncOutcome(report=None, state=on_store(lambda: sync_state(workspace)), offline=True)
    except RevokedError as exc:
        return SyncOutcome(
            report=None,
            state=SyncState(enrolled=True, last_sync=None, pending=0, conflicts=0),
            revoked=str(exc),
        )
    finally:
        session.close()
    return SyncOutcome(report=report, state=on_store(lambda: sync_state(workspace)))
