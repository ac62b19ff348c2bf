"""An unlocked profile and who is using it: what every app service is given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.errors import InvalidInputError, OneRecordError
from app.values.vocab import OrganisationKind, Role
from storage import profile, settings
from storage.actor import Actor
from storage.audit_log import append as audit
from storage.keyvault import KdfParams, check_passphrase_strength
from storage.store import Store
from storage.tables import Organisation, StaffMember


@dataclass
class Workspace:
    store: Store
    actor: Actor
    # The signed-in staff member's name as colleagues see it, read at unlock.
    user_name: str | None = None

    @property
    def demo(self) -> bool:
        return self.store.demo

    def close(self) -> None:
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
    if last is None or datetime.now(UTC) - datetime.fromisoformat(last) > timedelta(days=limit):
        raise OfflineTooLongError(
            f"This laptop has not reached its server for over {limit} days: connect and run "
            "'onerecord sync' (or Sync now) to unlock it, or ask your administrator to re-enrol it."
        )


def open_workspace(store: Store) -> Workspace:
    actor, name = _signed_in(store)
    return Workspace(store=store, actor=actor, user_name=name)


def unlock(path: Path, passphrase: str, *, for_sync: bool = False) -> Workspace:
    """Unlock a profile. `for_sync` opens even a laptop that has been offline too
    long, so that syncing (and nothing else) can bring it back."""
    store = profile.unlock(path, passphrase)
    if not for_sync:
        try:
            _check_recent_contact(store)
        except OfflineTooLongError:
            store.close()
            raise
    workspace = open_workspace(store)
    with store.write(workspace.actor) as session:
        audit(session, "unlock")
    return workspace


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
    if check_strength and (reason := check_passphrase_strength(passphrase)):
        raise InvalidInputError(reason)
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
    if reason := check_passphrase_strength(new):
        raise InvalidInputError(reason)
    profile.change_passphrase(path, old, new)


def profile_exists(path: Path) -> bool:
    return profile.exists(path)


def is_demo_profile(path: Path) -> bool:
    """Readable before unlocking, so the unlock screen can say it is a demo."""
    return profile.exists(path) and profile.info(path).demo
