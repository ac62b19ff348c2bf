"""Is the person a laptop is about to register already on the team server? The
laptop has looked in its own profile; this looks at everyone the server holds,
with the laptop's own rule (app/values/same_person.py), so a person registered
on another laptop and not yet synced here is offered instead of made twice.

What it answers, by who is asking:

* someone the device's user may hold (their team's caseload, or a break-glass
  grant in force: the same scope pull uses), the match as the laptop's offer
  shows it (name, date of birth, postcode, NHS number, why);
* anyone else, only which team holds them (only when the date of birth typed is
  theirs too; for an NHS number alone, "another team") and why they match: no
  name, date of birth or address. The user already typed those; the answer says only that the
  organisation knows this person, and whom to ask, so nobody makes a second
  record when the coordinator can move the first.

Only roles that hold records may ask (as pull), at most `SearchLimit` checks a
minute per laptop (a probe of NHS numbers would be slow and audited), and each
check is a server-authored audit event with the counts and the record ids an answer
pointed at beyond the user's reach, never what was sent.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from app.services.need_to_know.access_policy import receives_records
from app.values.same_person import Sought, why_same
from sync.protocol import HeldByAnotherTeam, SamePersonCheck, SamePersonMatch, SamePersonResponse
from sync.server import person_rows
from sync.server import schema as s
from sync.server.beyond_team import Refused, SearchLimit, _staff
from sync.server.own_audit import append_event
from sync.server.pull import device_scope
from sync.server.store import ServerStore, _transaction

logger = logging.getLogger(__name__)

# A date of birth shared by more people than this in one organisation is not a
# narrowing; the first ones are enough to stop a second record.
MOST_CANDIDATES, MOST_ANSWERS = 200, 20
ANOTHER_TEAM = "another team (ask your coordinator which)"
_FIELDS = ("nhs_number", "given_name", "family_name", "date_of_birth", "postcode")


def check(
    store: ServerStore, device: dict[str, Any], body: SamePersonCheck, limit: SearchLimit
) -> SamePersonResponse:
    """People who may be the person in `body`: those the device may hold, and the
    rest by team only."""
    try:
        born = date.fromisoformat(body.date_of_birth)
    except ValueError:
        raise Refused(400, "The date of birth is not a real date.") from None
    sought = Sought(body.nhs_number, body.family_name, born, body.postcode)
    limit.check(device["device_id"])
    c = s.changes.c
    matches: list[SamePersonMatch] = []
    elsewhere: list[HeldByAnotherTeam] = []
    held_elsewhere: list[str] = []  # ids, for the audit: who an answer pointed at
    with _transaction(store.engine) as conn:
        staff = _staff(conn, device)
        if not receives_records(staff["role"]):
            raise Refused(403, "Only staff who hold records register people.")
        # A first pass by text (the create row, or a later correction, names the
        # date or number); the rule then decides on each person's current values.
        # The NHS number on its own, never cut short: a shared birth date (a day of
        # bulk import, a common one) must not crowd out the one certain match.
        candidates: list[str] = []
        if sought.nhs_number:
            candidates += conn.execute(
                select(c.entity_id)
                .where(c.entity == "person", c.value.contains(sought.nhs_number, autoescape=True))
                .distinct()
            ).scalars()
        candidates += conn.execute(
            select(c.entity_id)
            .where(
                c.entity == "person",
                c.value.contains(sought.date_of_birth.isoformat(), autoescape=True),
            )
            .distinct()
            .order_by(c.entity_id)
            .limit(MOST_CANDIDATES)
        ).scalars()
        candidates = list(dict.fromkeys(candidates))
        reachable: set[str] = set(conn.execute(device_scope(device, staff["role"])).scalars())
        for person_id, now in person_rows.current_fields(conn, candidates, _FIELDS).items():
            why = why_same(
                sought,
                nhs_number=now.get("nhs_number"),
                family_name=now.get("family_name"),
                date_of_birth=_date(now.get("date_of_birth")),
                postcode=now.get("postcode"),
            )
            if why is None:
                continue
            if person_id in reachable:
                matches.append(_match(person_id, now, why))
            else:
                # The team is named only when the birth date typed is theirs too: an
                # NHS number alone must not tell a stranger which team (a mental
                # health team, say) holds someone.
                born_too = _date(now.get("date_of_birth")) == sought.date_of_birth
                team = _team_of(conn, person_id) if born_too else ANOTHER_TEAM
                elsewhere.append(HeldByAnotherTeam(team=team, why=why))
                held_elsewhere.append(person_id)
            if len(matches) + len(elsewhere) >= MOST_ANSWERS:
                break
        append_event(
            conn,
            store,
            staff,
            None,
            "same_person_check",
            matches=len(matches),
            other_teams=len(elsewhere),
            # Record ids (not what was typed): an investigator can see whose team
            # a check revealed.
            held_elsewhere=held_elsewhere,
        )
    return SamePersonResponse(matches=matches, other_teams=elsewhere)


def _date(text: Any) -> date | None:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        return None


def _match(person_id: str, now: dict[str, Any], why: str) -> SamePersonMatch:
    return SamePersonMatch(
        person_id=person_id,
        name=f"{now.get('given_name') or ''} {now.get('family_name') or ''}".strip(),
        date_of_birth=str(now.get("date_of_birth") or ""),
        postcode=str(now.get("postcode") or ""),
        nhs_number=now.get("nhs_number"),
        why=why,
    )


def _team_of(conn: Connection, person_id: str) -> str | None:
    pt, t = s.person_team, s.teams
    return conn.execute(
        select(t.c.name).join(pt, pt.c.team_id == t.c.team_id).where(pt.c.person_id == person_id)
    ).scalar()
