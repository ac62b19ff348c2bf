"""A coordinator reallocates a person; after syncing, the new lead's laptop has them
on "my caseload" and the previous lead's does not (real server on loopback)."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.services.caseload.allocation import allocate, allocate_by_nhs
from app.services.caseload.caseload import CaseloadQuery, fetch
from app.services.record import people
from app.workspace import Workspace
from storage.tables import Person
from sync.server import directory
from sync.server import schema as s
from tests.conftest import ALUN, ZOE
from tests.sync.conftest import TEAM, Laptop, RunningServer, reopen
from tests.sync.helpers import sync


def _my_caseload(ws: Workspace) -> set[str]:
    return {
        r.given_name for r in fetch(ws, CaseloadQuery(lead_professional_id=ws.actor.user_id))[1]
    }


def test_reallocation_reaches_the_new_leads_laptop(server: RunningServer, laptop: Laptop) -> None:
    directory.add_user(server.store, "Cleo Marsh", "coordinator", TEAM)
    coordinator = reopen(laptop("Cleo Marsh"))
    ceri = reopen(laptop("Ceri Jones"))
    ola = reopen(laptop("Ola Nowak"))
    sync(coordinator)
    people.register(coordinator, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    people.register(
        coordinator, people.NewPerson(ALUN, "Alun", "Pritchard", "1951-10-30", "BD23 1JD")
    )
    allocate_by_nhs(coordinator, nhs_numbers=[ZOE, ALUN], staff="Ola Nowak")
    sync(coordinator)
    sync(ola)
    sync(ceri)
    assert _my_caseload(ola) == {"Zoë", "Alun"}
    assert _my_caseload(ceri) == set()

    # Monday morning: Zoë moves from Ola to Ceri.
    with coordinator.store.read() as session:
        zoe = people.find(session, ZOE).id
    change = allocate(coordinator, person_ids=[zoe], staff_id=ceri.actor.user_id)
    assert change.fields == ("lead_professional_id",)
    sync(coordinator)
    sync(ceri)
    sync(ola)
    assert _my_caseload(ceri) == {"Zoë"}
    assert _my_caseload(ola) == {"Alun"}
    with ceri.store.read() as session:
        person = session.execute(select(Person).where(Person.nhs_number == ZOE)).scalar_one()
        assert person.lead_professional_id == ceri.actor.user_id
    # The coordinator's audit events reach the server: who moved whom, from whom, to whom.
    with server.store.engine.connect() as conn:
        values: list[str] = list(
            conn.execute(
                select(s.changes.c.value).where(s.changes.c.entity == "audit_event")
            ).scalars()
        )
        moved = [
            e
            for e in (json.loads(v) for v in values)
            if e["action"] == "lead_professional_changed" and e["person_id"] == zoe
        ]
    details = sorted(json.loads(e["detail"])["to"] for e in moved)
    assert details == sorted([str(ola.actor.user_id), str(ceri.actor.user_id)])
    assert {e["actor_id"] for e in moved} == {coordinator.actor.user_id}
    for ws in (coordinator, ceri, ola):
        ws.close()
