"""Server administration: the organisation, teams, staff, enrolment codes, devices.

Teams and staff are published as changes, so every laptop learns the directory
through the same pull as everything else.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from app.values.vocab import OrganisationKind, Role
from storage import wallclock
from storage.codec import journalled_columns
from storage.tables import Organisation, StaffMember, Team
from storage.tables.base import Base
from sync.protocol import EnrolResponse, StaffIdentity
from sync.public_keys import BadPublicKeyError, check_public_key
from sync.server import admin_log
from sync.server import schema as s
from sync.server.store import ServerStore, _transaction

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over a phone
DEFAULT_CODE_TTL = timedelta(hours=24)


class AdminError(Exception):
    """A plain sentence for the administrator; nothing was changed."""


class EnrolmentError(Exception):
    """Why an enrolment was refused; safe to show the laptop's user."""


def _row(cls: type[Base], **values: Any) -> dict[str, Any]:
    now = wallclock.utcnow().isoformat()
    row: dict[str, Any] = dict.fromkeys(journalled_columns(cls))
    row.update(recorded_at=now, **values)
    return row


def organisation(store: ServerStore, name: str | None = None, kind: str | None = None) -> str:
    """This server's own organisation, created (and published) on first use.
    Its kind (council, community trust, ...) decides what its notes count as when shared."""
    existing = store.meta("organisation_id")
    if existing:
        return existing
    org_id = str(uuid.uuid4())
    with _transaction(store.engine) as conn:
        store.publish(
            conn,
            "organisation",
            _row(
                Organisation,
                id=org_id,
                name=name or "Partner organisation",
                ods_code=None,
                kind=OrganisationKind.parse(kind).value
                if kind
                else OrganisationKind.COMMUNITY_TRUST.value,
                phone=None,
                out_of_hours_phone=None,
            ),
        )
    store.set_meta("organisation_id", org_id)
    return org_id


def add_team(store: ServerStore, name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise AdminError("Give the team a name.")
    org_id = organisation(store)
    team_id = str(uuid.uuid4())
    with _transaction(store.engine) as conn:
        if conn.execute(select(s.teams.c.team_id).where(s.teams.c.name == name)).first():
            raise AdminError(f"There is already a team called '{name}'.")
        conn.execute(insert(s.teams), [{"team_id": team_id, "name": name}])
        store.publish(
            conn,
            "team",
            _row(Team, id=team_id, name=name, locality_id=None, organisation_id=org_id, phone=None),
        )
    return team_id


def team_id_by_name(store: ServerStore, name: str) -> str:
    with store.engine.connect() as conn:
        found: str | None = conn.execute(
            select(s.teams.c.team_id).where(s.teams.c.name == name)
        ).scalar()
    if found is None:
        raise AdminError(
            f"There is no team called '{name}': add it with 'onerecord-server team add'."
        )
    return found


def add_user(store: ServerStore, name: str, role: str, team: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise AdminError("Give the person's name.")
    try:
        role_code = Role.parse(role).value
    except Exception as exc:  # the vocab's own plain message
        raise AdminError(str(exc)) from None
    team_id = team_id_by_name(store, team)
    org_id = organisation(store)
    user_id = str(uuid.uuid4())
    with _transaction(store.engine) as conn:
        conn.execute(
            insert(s.staff),
            [
                {
                    "user_id": user_id,
                    "display_name": name,
                    "role": role_code,
                    "team_id": team_id,
                    "active": True,
                }
            ],
        )
        store.publish(
            conn,
            "staff_member",
            _row(
                StaffMember,
                id=user_id,
                display_name=name,
                role=role_code,
                job_title=Role(role_code).label,
                organisation_id=org_id,
                team_id=team_id,
                phone=None,
                active=True,
            ),
        )
    return user_id


def user_by_name(store: ServerStore, name: str) -> dict[str, Any]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(s.staff).where((s.staff.c.display_name == name) | (s.staff.c.user_id == name))
        ).all()
    if len(rows) != 1:
        raise AdminError(f"There is no one user called '{name}'.")
    return dict(rows[0]._mapping)


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").encode()).hexdigest()


def new_enrolment_code(store: ServerStore, user: str, ttl: timedelta = DEFAULT_CODE_TTL) -> str:
    """A one-time code, shown once; only its hash is stored."""
    staff = user_by_name(store, user)
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    with _transaction(store.engine) as conn:
        conn.execute(
            insert(s.enrolment_codes),
            [
                {
                    "code_hash": _hash(raw),
                    "user_id": staff["user_id"],
                    "expires_at": wallclock.utcnow() + ttl,
                }
            ],
        )
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def enrol(store: ServerStore, code: str, public_key: str, name: str) -> EnrolResponse:
    """Enrol a laptop under a fresh device id of the server's choosing: a laptop never
    chooses its own, so it can never take another laptop's id or the server's."""
    try:
        check_public_key(public_key)
    except BadPublicKeyError as exc:  # before the code is used, so it can be tried again
        raise EnrolmentError(str(exc)) from None
    now = wallclock.utcnow()
    device_id = str(uuid.uuid4())
    with _transaction(store.engine) as conn:
        found = conn.execute(
            select(s.enrolment_codes).where(s.enrolment_codes.c.code_hash == _hash(code))
        ).first()
        if found is None or found.used_at is not None:
            raise EnrolmentError("That enrolment code is not valid or has already been used.")
        expires = (
            found.expires_at if found.expires_at.tzinfo else found.expires_at.replace(tzinfo=UTC)
        )
        if expires < now:
            raise EnrolmentError(
                "That enrolment code has expired: ask your administrator for a new one."
            )
        staff = conn.execute(select(s.staff).where(s.staff.c.user_id == found.user_id)).one()
        conn.execute(
            update(s.enrolment_codes)
            .where(s.enrolment_codes.c.code_hash == found.code_hash)
            .values(used_at=now)
        )
        conn.execute(
            insert(s.devices),
            [
                {
                    "device_id": device_id,
                    "user_id": staff.user_id,
                    "team_id": staff.team_id,
                    "public_key": public_key,
                    "name": name,
                    "enrolled_at": now,
                }
            ],
        )
        # In the same transaction: no laptop is enrolled without its line in the trail.
        admin_log.append_in(
            conn,
            "laptop enrolled",
            "done",
            {"device": device_id, "user": staff.display_name, "name": name[:120]},
            account="the laptop, with its one-time code",
        )
    return EnrolResponse(
        server_id=store.server_id,
        device_id=device_id,
        identity=StaffIdentity(
            user_id=staff.user_id,
            display_name=staff.display_name,
            role=staff.role,
            organisation_id=organisation(store),
            team_id=staff.team_id,
        ),
    )


@dataclass(frozen=True)
class DeviceSummary:
    device_id: str
    user: str
    name: str
    enrolled_at: datetime
    last_seen_at: datetime | None
    revoked: bool
    refused: int = 0  # changes from it the server has refused (sync.server.refusals)


def list_devices(store: ServerStore) -> list[DeviceSummary]:
    refusals = s.device_refusals
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(s.devices, s.staff.c.display_name, refusals.c.refused)
            .join(s.staff, s.staff.c.user_id == s.devices.c.user_id)
            .outerjoin(refusals, refusals.c.device_id == s.devices.c.device_id)
            .order_by(s.devices.c.enrolled_at)
        ).all()
    return [
        DeviceSummary(
            r.device_id,
            r.display_name,
            r.name,
            r.enrolled_at,
            r.last_seen_at,
            r.revoked_at is not None,
            int(r.refused or 0),
        )
        for r in rows
    ]


def revoke(store: ServerStore, device_id: str) -> None:
    with _transaction(store.engine) as conn:
        done = conn.execute(
            update(s.devices)
            .where(s.devices.c.device_id == device_id, s.devices.c.revoked_at.is_(None))
            .values(revoked_at=wallclock.utcnow())
        )
        if done.rowcount != 1:
            raise AdminError(f"There is no enrolled, unrevoked laptop {device_id}.")
