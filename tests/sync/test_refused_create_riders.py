"""A create refused in a push takes the push's other changes to the same record with
it (sync/server/store.py `riding_on_refused`). The server takes a record's person
from a create in the batch; when that create was refused because the record is held
already (another team's alert, its id known from an old break-glass grant), edits
sent with it were stored as the decoy person's, never judged against the real one:
another team's alert could be reworded and switched off (an attacker's review).

A batch that creates one record twice keeps the first create and what rides on it,
judged by that create's person (tests/sync/test_created_once.py)."""

from __future__ import annotations

from sqlalchemy import select

from app.services.care.risks import add_alert
from app.services.record import people
from storage.tables import Alert
from sync.server import directory
from sync.server import schema as s
from sync.server.store import RIDES_ON_REFUSED
from tests.conftest import ALUN, ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync
from tests.sync.raw_push import crafted, own_row, refusals, signed_push

OTHER_TEAM = "Hambleton Locality"


def test_edits_sent_with_a_refused_create_of_another_teams_record_are_refused(
    server: RunningServer, laptop: Laptop
) -> None:
    directory.add_team(server.store, OTHER_TEAM)
    directory.add_user(server.store, "Kim Lee", "community_nurse", OTHER_TEAM)
    kim = reopen(laptop("Kim Lee"))
    sync(kim)
    zoe = people.register(kim, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    alert = add_alert(kim, person_id=zoe, kind="animal", summary="Dog in the garden").entity_id
    assert sync(kim).refused == []

    nurse = reopen(laptop("Sam Taylor"))
    sync(nurse)
    alun = people.register(
        nurse, people.NewPerson(ALUN, "Alun", "Pritchard", "1951-10-30", "BD23 1JD")
    )
    assert sync(nurse).refused == []
    # Kim's team's alert, sent as a "new" alert of Alun's (on Sam's own caseload), with
    # edits to it in the same push.
    decoy = own_row(
        nurse, "alert", id=alert, person_id=alun, kind="animal", summary="x", active=True
    )
    create = crafted(nurse, "alert", "create", alert, decoy)
    edits = [
        crafted(nurse, "alert", "set", alert, "Nothing to worry about", field="summary"),
        crafted(nurse, "alert", "set", alert, False, field="active"),
    ]
    refused = refusals(signed_push(server.url, nurse, [create, *edits]))
    assert set(refused) == {create["change_id"], *(e["change_id"] for e in edits)}
    assert {refused[e["change_id"]] for e in edits} == {RIDES_ON_REFUSED}
    with server.store.engine.connect() as conn:
        held = conn.execute(
            select(s.changes.c.change_id).where(
                s.changes.c.entity == "alert", s.changes.c.entity_id == alert
            )
        ).scalars()
        assert set(held).isdisjoint({create["change_id"], *(e["change_id"] for e in edits)})

    # Kim's team still sees the alert as Kim made it.
    sync(kim)
    with kim.store.read() as session:
        kept = session.get(Alert, alert)
        assert kept is not None
        assert (kept.summary, kept.active, kept.person_id) == ("Dog in the garden", True, zoe)
    # An edit of Alun's own record in a push that is refused nothing still goes through.
    own = own_row(nurse, "alert", person_id=alun, kind="animal", summary="Cat", active=True)
    made = crafted(nurse, "alert", "create", own["id"], own)
    edit = crafted(nurse, "alert", "set", own["id"], "Two cats", field="summary")
    assert refusals(signed_push(server.url, nurse, [made, edit])) == {}
    for ws in (kim, nurse):
        ws.close()
