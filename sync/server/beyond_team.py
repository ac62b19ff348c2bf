"""Beyond the team: an enrolled laptop's user finds someone outside their team's
caseload and breaks glass for them, through the server.

* `search`: the organisation's own people outside the device's scope, by name,
  returning the minimum necessary (name, year of birth, locality; no NHS number,
  address or anything clinical). At least 3 letters, at most 20 answers, at most
  10 searches a minute per laptop; each search is a server-authored audit event
  (`beyond_team_search`, the count only: the words typed may be a name).
* `break_glass`: a reason (the laptop's rule: 10-500 characters) and a person.
  The server writes a `break_glass_scope` row, so the person is in the device's
  scope until it expires (the next pull backfills the record, restricted values
  withheld as for anyone without a relationship; after expiry the next pull
  evicts them), a server-authored audit event, and the grant itself as a
  journalled `break_glass` row, which reaches the person's team's laptops
  (their coordinator's, the IG lead's) and the asking laptop, where it is the
  grant `app.services.need_to_know.access` checks.

A partner organisation's people are not offered: they are on this server only
for the team the sharing agreement names, and a laptop treats a partner's person
it holds as placed with its team (docs/security.md).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, insert, or_, select

from app.errors import InvalidInputError
from app.services.need_to_know.access_policy import (
    DEFAULT_BREAK_GLASS,
    Viewer,
    check_reason,
    may_break_glass,
)
from storage.ids import new_id
from sync.server import journal_lock, person_rows, servertime, stream
from sync.server import schema as s
from sync.server.directory import AdminError
from sync.server.journal_rows import stored_object
from sync.server.own_audit import append_event
from sync.server.partners.duty import SeveralWithThatNumber, find_person
from sync.server.store import ServerStore, _transaction

SEARCH_MIN, SEARCH_RESULTS, SEARCHES_PER_MINUTE = 3, 20, 10
SHORTEST, LONGEST = timedelta(minutes=5), timedelta(hours=24)
_NAME_FIELDS = ("given_name", "family_name", "preferred_name", "date_of_birth", "locality_id")


class Refused(Exception):
    """A request this server will not answer (status, plain line)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class Found:
    person_id: str
    name: str
    year_of_birth: int | None
    locality: str | None


TOO_MANY_SEARCHES = "Too many searches in a minute: wait a moment and try again."
TOO_MANY_GLASS = "Too many break-glass requests in a minute: wait a moment and try again."


class SearchLimit:
    """At most `per_minute` requests a minute per laptop (searches, same-person checks,
    break-glass requests: each counted apart). Each server app holds its own
    (create_app's setting), so a test server can be given a different limit without
    changing the one every real server keeps."""

    def __init__(
        self, per_minute: int = SEARCHES_PER_MINUTE, refusal: str = TOO_MANY_SEARCHES
    ) -> None:
        self.per_minute = per_minute
        self.refusal = refusal
        self._recent: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, device_id: str) -> None:
        """Count one search by this laptop, or refuse it (429) past the limit."""
        with self._lock:
            times = self._recent[device_id]
            cutoff = time.monotonic() - 60
            while times and times[0] < cutoff:
                times.popleft()
            if len(times) >= self.per_minute:
                raise Refused(429, self.refusal)
            times.append(time.monotonic())


def _staff(conn: Connection, device: dict[str, Any]) -> dict[str, Any]:
    row = conn.execute(select(s.staff).where(s.staff.c.user_id == device["user_id"])).first()
    if row is None:
        raise Refused(403, "This laptop's user is not in the server's directory.")
    return dict(row._mapping)


def _ours(conn: Connection, store: ServerStore) -> Any:
    """Ids of people this organisation registered (not a partner's)."""
    c = s.changes.c
    org = store.meta("organisation_id")
    return select(c.entity_id).where(
        c.entity == "person",
        c.op == "create",
        or_(c.organisation_id.is_(None), c.organisation_id == org),
    )


def _in_team(device: dict[str, Any]) -> Any:
    return stream.team_caseload(device["team_id"])


def _locality(conn: Connection, locality_id: Any) -> str | None:
    """The locality's name, or None (none, or one this server cannot read)."""
    if not locality_id or not isinstance(locality_id, str):
        return None
    c = s.changes.c
    value = conn.execute(
        select(c.value)
        .where(c.entity == "locality", c.entity_id == locality_id, c.op == "create")
        .limit(1)
    ).scalar()
    row = stored_object(value)
    name = row.get("name") if row is not None else None
    return name if isinstance(name, str) else None


def search(
    store: ServerStore, device: dict[str, Any], query: str, limit: SearchLimit
) -> list[Found]:
    words = " ".join((query or "").split()).lower()
    if len(words) < SEARCH_MIN:
        raise Refused(400, f"Type at least {SEARCH_MIN} letters of the name.")
    limit.check(device["device_id"])
    first = words.split()[0]
    c = s.changes.c
    found: list[Found] = []
    with _transaction(store.engine) as conn:
        staff = _staff(conn, device)
        if not may_break_glass(Viewer(staff["user_id"], staff["role"], device["team_id"])):
            raise Refused(403, "Administrators do not open clinical records.")
        ids: list[str] = list(
            conn.execute(
                select(c.entity_id)
                .where(c.entity == "person", c.value.icontains(first, autoescape=True))
                .where(c.entity_id.in_(_ours(conn, store)), c.entity_id.not_in(_in_team(device)))
                .distinct()
                .order_by(c.entity_id)
            ).scalars()
        )
        # One read for them all (it was one a person), newest changes first folded in.
        current = person_rows.current_fields(conn, ids, _NAME_FIELDS)
        for person_id in ids:
            now = current.get(person_id, {})
            names = " ".join(
                str(now.get(k) or "") for k in ("given_name", "family_name", "preferred_name")
            ).lower()
            if not all(word in names for word in words.split()):
                continue
            born = str(now.get("date_of_birth") or "")
            found.append(
                Found(
                    person_id,
                    f"{now.get('family_name', '')}, {now.get('given_name', '')}",
                    int(born[:4]) if born[:4].isdigit() else None,
                    _locality(conn, now.get("locality_id")),
                )
            )
            if len(found) >= SEARCH_RESULTS:
                break
        append_event(conn, store, staff, None, "beyond_team_search", results=len(found))
    return sorted(found, key=lambda f: f.name.lower())


def break_glass(
    store: ServerStore,
    device: dict[str, Any],
    person: str,
    reason: str,
    minutes: int | None,
    limit: SearchLimit,
) -> tuple[str, Any]:
    """Grant this device's user the person (id or NHS number) until expiry:
    (grant id, expires_at). Every request counts towards the laptop's limit, refused
    ones too: a grant is audited, but an NHS number the server does not hold is
    answered "no such person", and a laptop must not be able to try thousands (nor
    grant itself the whole organisation in a minute)."""
    limit.check(device["device_id"])
    try:
        why = check_reason(reason)
    except InvalidInputError as exc:
        raise Refused(400, str(exc)) from None
    length = timedelta(minutes=minutes) if minutes else DEFAULT_BREAK_GLASS
    if not SHORTEST <= length <= LONGEST:
        raise Refused(400, "A break-glass grant lasts between 5 minutes and 24 hours.")
    with _transaction(store.engine) as conn:
        staff = _staff(conn, device)
        if not may_break_glass(Viewer(staff["user_id"], staff["role"], device["team_id"])):
            raise Refused(403, "Administrators cannot break glass.")
        try:
            person_id = find_person(conn, person)
        except SeveralWithThatNumber as exc:
            raise Refused(409, str(exc)) from None
        except AdminError:
            raise Refused(404, "This server holds no record of that person.") from None
        ours = _ours(conn, store).where(s.changes.c.entity_id == person_id)
        if conn.execute(ours).first() is None:
            raise Refused(404, "This server holds no record of that person.")
        if conn.execute(_in_team(device).where(s.person_team.c.person_id == person_id)).first():
            raise Refused(400, "This person is already on your team's caseload.")
        started = servertime.now()
        expires = started + length
        grant_id = str(uuid.uuid4())
        conn.execute(
            insert(s.break_glass_scope),
            [
                {
                    "grant_id": grant_id,
                    "device_id": device["device_id"],
                    "person_id": person_id,
                    "user_id": staff["user_id"],
                    "started_at": started,
                    "expires_at": expires,
                }
            ],
        )
        _publish_grant(conn, store, staff, grant_id, person_id, why, started, expires)
        append_event(
            conn,
            store,
            staff,
            person_id,
            "break_glass",
            reason=why,
            device_id=device["device_id"],
            expires_at=expires.isoformat(),
        )
    return grant_id, expires


def _publish_grant(
    conn: Connection,
    store: ServerStore,
    staff: dict[str, Any],
    grant_id: str,
    person_id: str,
    reason: str,
    started: Any,
    expires: Any,
) -> None:
    """The grant as the laptop's journalled `break_glass` row (storage/tables/access.py),
    authored by the server for the user: it travels with the person's record."""
    org = store.meta("organisation_id")
    row = {
        "id": grant_id,
        "person_id": person_id,
        "staff_member_id": staff["user_id"],
        "staff_role": staff["role"],
        "reason": reason,
        "started_at": started.isoformat(),
        "expires_at": expires.isoformat(),
        "recorded_at": started.isoformat(),
        "recorded_by": staff["user_id"],
        "recorded_org": org,
        "recorded_device": store.server_id,
    }
    journal_lock.hold(conn)  # in seq order with every other write to the journal
    conn.execute(
        insert(s.changes),
        [
            {
                "change_id": new_id(),
                "hlc": store.clock(conn).tick(),
                "device_id": store.server_id,
                "author_id": staff["user_id"],
                "organisation_id": org,
                "entity": "break_glass",
                "entity_id": grant_id,
                "op": "append",
                "field": None,
                "value": json.dumps(row),
                "bases": None,
                "recorded_at": started.isoformat(),
                "person_id": person_id,
                "received_at": started,
            }
        ],
    )
