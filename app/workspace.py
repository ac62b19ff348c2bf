"""An unlocked profile and who is using it: what every app service is given.

Unlocking, a failed unlock and locking are audit events: a wrong passphrase is
counted beside the key vault (storage.unlock_attempts) and becomes an
"unlock_failed" event at the next successful unlock; closing the workspace is
the lock, recorded before the key is dropped, and moves the audit anchor.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from app.errors import InvalidInputError, OneRecordError, WrongPassphraseError
from app.services import clock
from app.services.profile.passphrase_strength import require_strong
from app.services.write_rules.write_check import check_writes
from app.values.vocab import OrganisationKind, Role
from storage import audit_anchor, profile, settings, unlock_attempts
from storage.actor import Actor
from storage.audit_log import append as audit
from storage.keyvault import KdfParams
from storage.store import Store
from storage.tables import Organisation, StaffMember


@dataclass
class Workspace:
    store: Store
    actor: Actor
    # The signed-in staff member's name as colleagues see it, read at unlock.
    user_name: str | None = None
    _closed: bool = field(default=False, repr=False)

    @property
    def demo(self) -> bool:
        return self.store.demo

    def close(self, how: str = "closed") -> None:
        """Lock: record it, move the audit anchor, then drop the key. `how` says what
        locked it ("closed", "user", "idle", "quit"). Recording never stops a lock."""
        if self._closed:
            return
        self._closed = True
        if self.store.is_open:
            try:
                with self.store.write(self.actor) as session:
                    audit(session, "lock", detail={"how": how})
                audit_anchor.advance(self.store)
            except Exception as exc:  # a full disk, a read-only folder: still lock
                logger.warning("the lock could not be audited (%s)", type(exc).__name__)
        self.store.close()


def _signed_in(store: Store) -> tuple[Actor, str | None]:
    with store.read() as session:
        user_id = settings.get(session, settings.SIGNED_IN_USER)
        user = session.get(StaffMember, user_id) if user_id else None
        if user is not None:
            actor = Actor(user.id, user.organisation_id, user.role, store.device_id)
            return actor, user.display_name
        # Enrolled, but the directory has not arrived yet: the server's word for who this is.
        identity = settings.get(session, settings.SIGNED_IN_IDENTITY) or {}
        actor = Actor(
            identity.get("user_id", user_id),
            identity.get("organisation_id"),
            identity.get("role"),
            store.device_id,
        )
        return actor, identity.get("display_name")


logger = logging.getLogger(__name__)


class OfflineTooLongError(OneRecordError):
    exit_code = 3


DEFAULT_MAX_DAYS_OFFLINE = 14


def _check_recent_contact(store: Store) -> None:
    """An enrolled laptop that has not reached its server for too long stays locked
    (its records may be stale, and it may have been revoked) until it syncs."""
    with store.read() as session:
        if not settings.get(session, settings.SYNC_SERVER):
            return
        last = settings.get(session, settings.SYNC_LAST_SUCCESS)
        limit = int(settings.get(session, settings.MAX_DAYS_OFFLINE, DEFAULT_MAX_DAYS_OFFLINE))
    if last is None or clock.now() - datetime.fromisoformat(last) > timedelta(days=limit):
        raise OfflineTooLongError(
            "This laptop has not reached its server for over {limit} days: connect "
            "and run 'onerecord sync' (or Sync now) to unlock it, or ask your "
            "administrator to re-enrol it.",
            limit=limit,
        )


def open_workspace(store: Store) -> Workspace:
    """The signed-in user's workspace. From here on every journalled change the
    store writes is decided by the write policy (app.services.write_rules.write_check), the
    same rules the server applies to what this laptop pushes."""
    actor, name = _signed_in(store)
    store.checker = check_writes
    return Workspace(store=store, actor=actor, user_name=name)


def unlock(path: Path, passphrase: str, *, for_sync: bool = False) -> Workspace:
    """Unlock a profile. `for_sync` opens even a laptop that has been offline too
    long, so that syncing (and nothing else) can bring it back."""
    try:
        store = profile.unlock(path, passphrase)
    except WrongPassphraseError:
        unlock_attempts.record_failure(path)
        raise
    if not for_sync:
        try:
            _check_recent_contact(store)
        except OfflineTooLongError:
            store.close()
            raise
    workspace = open_workspace(store)
    failed = unlock_attempts.read(path)
    with store.write(workspace.actor) as session:
        _audit_failed_unlocks(session, failed)
        audit(session, "unlock", detail={"for_sync": True} if for_sync else None)
    if failed.count:
        unlock_attempts.clear(path)
    return workspace


def _audit_failed_unlocks(session: Session, failed: unlock_attempts.FailedUnlocks) -> None:
    """One event per remembered wrong passphrase, with the time it was typed."""
    if failed.untimed:
        audit(session, "unlock_failed", detail={"attempts": failed.untimed, "times_kept": False})
    for when in failed.times:
        audit(
            session,
            "unlock_failed",
            detail={"attempts": 1, "attempted_at": when.isoformat(timespec="seconds")},
        )


def create(
    path: Path,
    passphrase: str,
    *,
    user_name: str = "Local user",
    role: Role = Role.COMMUNITY_NURSE,
    organisation_name: str = "Local organisation",
    demo: bool = False,
    kdf: KdfParams | None = None,
    check_strength: bool = True,
) -> Workspace:
    """A new encrypted profile with its first user, who is signed in on this device."""
    if check_strength:
        require_strong(passphrase, (user_name, organisation_name))
    if not user_name.strip():
        raise InvalidInputError("Enter the name of the person who will use this profile.")
    store = profile.create(path, passphrase, demo=demo, kdf=kdf)
    try:
        bootstrap_actor = Actor(
            user_id=None, organisation_id=None, role=None, device_id=store.device_id
        )
        with store.write(bootstrap_actor) as session:
            org = Organisation(
                name=organisation_name.strip(), kind=OrganisationKind.COMMUNITY_TRUST.value
            )
            session.add(org)
            session.flush()
            user = StaffMember(
                display_name=user_name.strip(), role=role.value, organisation_id=org.id
            )
            session.add(user)
            session.flush()
            settings.put(session, settings.SIGNED_IN_USER, user.id)
            settings.put(session, settings.HOME_ORGANISATION, org.id)
        workspace = open_workspace(store)
        with store.write(workspace.actor) as session:
            audit(session, "profile_created")
    except BaseException:
        store.close()
        raise
    return workspace


def change_passphrase(path: Path, old: str, new: str) -> None:
    require_strong(new)
    try:
        profile.change_passphrase(path, old, new)
    except WrongPassphraseError:
        unlock_attempts.record_failure(path)
        raise


def profile_exists(path: Path) -> bool:
    return profile.exists(path)


def failed_unlocks_since_last(path: Path) -> int:
    """Wrong passphrases since the last unlock (readable while locked, so a restarted
    app carries on backing off instead of starting again)."""
    return unlock_attempts.read(path).count


def is_demo_profile(path: Path) -> bool:
    """Readable before unlocking, so the unlock screen can say it is a demo."""
    return profile.exists(path) and profile.info(path).demo
