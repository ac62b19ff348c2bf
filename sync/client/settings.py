"""This laptop's enrolment and sync position, kept inside the encrypted profile."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from storage import settings, wallclock
from storage.backup import RESTORED_AT

SERVER = settings.SYNC_SERVER
PRIVATE_KEY = settings.SYNC_PRIVATE_KEY
CURSOR = settings.SYNC_CURSOR
LAST_SUCCESS = settings.SYNC_LAST_SUCCESS
LEAVING = settings.SYNC_LEAVING


@dataclass(frozen=True)
class Enrolment:
    server_url: str
    server_id: str
    ca_pem: str | None
    private_key: bytes


def enrolment(session: Session | Connection) -> Enrolment | None:
    return _enrolment(settings.get_many(session, SERVER, PRIVATE_KEY))


def _enrolment(found: dict[str, Any]) -> Enrolment | None:
    server: dict[str, Any] | None = found[SERVER]
    key = found[PRIVATE_KEY]
    if not server or not key:
        return None
    return Enrolment(
        server_url=server["url"],
        server_id=server["server_id"],
        ca_pem=server.get("ca_pem"),
        private_key=base64.b64decode(key),
    )


def save_enrolment(session: Session, enrolment: Enrolment) -> None:
    settings.put(
        session,
        SERVER,
        {"url": enrolment.server_url, "server_id": enrolment.server_id, "ca_pem": enrolment.ca_pem},
    )
    settings.put(session, PRIVATE_KEY, base64.b64encode(enrolment.private_key).decode("ascii"))


# Asks the server for this laptop's own changes too (see storage.restore).
OWN_CHANGES = "~own"


def cursor(session: Session | Connection) -> str:
    return _cursor(settings.get_many(session, CURSOR, RESTORED_AT))


def sync_start(session: Session | Connection) -> tuple[Enrolment | None, str, list[str]]:
    """The enrolment, the pull's cursor and who is still to be removed (see `leaving`),
    read in one statement: a sync with nothing to do is mostly its few statements."""
    found = settings.get_many(session, SERVER, PRIVATE_KEY, CURSOR, RESTORED_AT, LEAVING)
    return _enrolment(found), _cursor(found), list(found[LEAVING] or [])


def _cursor(found: dict[str, Any]) -> str:
    value = str(found[CURSOR] or "")
    if found[RESTORED_AT] and not value.endswith(OWN_CHANGES):
        # Restored from a backup: the copy lacks this laptop's own later changes.
        return value + OWN_CHANGES
    return value


def save_cursor(session: Session, value: str) -> None:
    settings.put(session, CURSOR, value)
    if not value.endswith(OWN_CHANGES) and settings.get(session, RESTORED_AT):
        settings.put(session, RESTORED_AT, None)  # caught up since the restore


def last_success(session: Session) -> datetime | None:
    value = settings.get(session, LAST_SUCCESS)
    return datetime.fromisoformat(value) if value else None


def save_last_success(session: Session | Connection, when: datetime | None = None) -> None:
    settings.put(session, LAST_SUCCESS, (when or wallclock.utcnow()).isoformat())


def leaving(session: Session | Connection) -> list[str]:
    """Who has left this laptop's caseload and is still to be removed from it. Kept with
    the page that said so: the server stops saying it once the next request carries
    that page's cursor (it says it again only to a laptop whose cursor is older, one
    restored from a backup), and a sync cut before the removal must not leave their
    record on the laptop for good."""
    return list(settings.get(session, LEAVING) or [])


def save_leaving(session: Session, people: list[str]) -> None:
    settings.put(session, LEAVING, sorted(people) or None)
