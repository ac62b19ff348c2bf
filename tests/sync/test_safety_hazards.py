"""Controls for two hazards in docs/clinical-safety.md, against a real server:
a concurrent edit never silently overwrites a contingency plan (both versions kept
as an open conflict), and a safeguarding alert written offline is counted as
waiting until the server has it, then reaches the team's other laptops."""

from __future__ import annotations

from sqlalchemy import select

from app.services.care.care_plan import save_contingency
from app.services.care.risks import add_alert
from app.services.profile.sync_status import pending_changes
from app.services.record import people
from app.services.record.conflicts import list_conflicts
from app.workspace import Workspace
from storage import settings
from storage.tables import Alert, ContingencyPlan
from tests.conftest import ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync


def _zoe_on_the_team(server: RunningServer, laptop: Laptop) -> tuple[Workspace, Workspace, str]:
    nurse = reopen(laptop("Sam Taylor"))
    social_worker = reopen(laptop("Ceri Jones"))
    people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    with nurse.store.write(nurse.actor) as session:
        person = people.find(session, ZOE)
        person.team_id = settings.get(session, settings.HOME_TEAM)
        zoe = person.id
    sync(nurse)
    sync(social_worker)
    return nurse, social_worker, zoe


def _contingency(ws: Workspace) -> ContingencyPlan:
    with ws.store.read() as session:
        return session.execute(select(ContingencyPlan)).scalar_one()


def test_a_concurrent_edit_never_silently_overwrites_a_contingency_plan(
    server: RunningServer, laptop: Laptop
) -> None:
    nurse, social_worker, zoe = _zoe_on_the_team(server, laptop)
    save_contingency(
        nurse,
        person_id=zoe,
        name="If my carer is ill",
        trigger="Daughter unable to visit",
        what_should_happen="Call the reablement team for an extra visit",
    )
    sync(nurse)
    sync(social_worker)
    plan_id = _contingency(social_worker).id
    # Offline on both laptops: two people rewrite what should happen.
    older = "Ring the out-of-hours number and ask for a welfare visit"
    newer = "Telecare responder first, then the reablement team by 10am"
    for ws, words in ((nurse, older), (social_worker, newer)):
        save_contingency(
            ws,
            person_id=zoe,
            name="If my carer is ill",
            trigger="Daughter unable to visit",
            what_should_happen=words,
            contingency_id=plan_id,
        )
    for ws in (nurse, social_worker, nurse):
        sync(ws)
    shown = {_contingency(ws).what_should_happen for ws in (nurse, social_worker)}
    assert len(shown) == 1  # the same value everywhere ...
    for ws in (nurse, social_worker):  # ... and the other kept for a person to choose
        conflicts = [c for c in list_conflicts(ws) if c.field == "what_should_happen"]
        assert len(conflicts) == 1
        assert sorted(str(v.value) for v in conflicts[0].values) == sorted([older, newer])
    for ws in (nurse, social_worker):
        ws.close()


def test_a_safeguarding_alert_waits_visibly_until_the_server_has_it(
    server: RunningServer, laptop: Laptop
) -> None:
    nurse, social_worker, zoe = _zoe_on_the_team(server, laptop)
    before = pending_changes(nurse)
    add_alert(
        nurse,
        person_id=zoe,
        kind="safeguarding",
        summary="Safeguarding concern raised: see the lead professional",
    )
    assert pending_changes(nurse) > before  # the status bar counts it as waiting
    report = sync(nurse)
    assert report.refused == []
    assert pending_changes(nurse) == 0
    sync(social_worker)
    with social_worker.store.read() as session:
        kinds = list(session.execute(select(Alert.kind).where(Alert.person_id == zoe)).scalars())
    assert kinds == ["safeguarding"]
    for ws in (nurse, social_worker):
        ws.close()
