"""Issue 20 on the partner server: a carer-strain check recorded on one laptop reaches a
colleague's; a malicious enrolled laptop's check signed in someone else's name, or with
answers off the scale, is refused with the rule's reason and nothing of it stored,
while the rest of its push applies. Real server on loopback, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.services import clock
from app.services.carers import contingency, strain
from app.services.record import people
from app.services.record.contacts import save_personal_contact
from app.services.write_rules.write_policy import NOT_YOUR_SIGNATURE
from app.workspace import Workspace
from storage.tables import CarerStrainCheck, PersonalContact
from sync.server import schema as s
from tests.conftest import ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync
from tests.sync.raw_push import crafted, own_row, refusals, signed_push, still_syncs

RISING = [2] * 8 + [1] * 5  # 21 of 26


@dataclass
class Team:
    server: RunningServer
    nurse: Workspace
    ot: Workspace
    zoe: str
    carer: str

    def stored(self, changes: list[dict[str, object]]) -> list[str]:
        with self.server.store.engine.connect() as conn:
            return list(
                conn.execute(
                    select(s.changes.c.change_id).where(
                        s.changes.c.change_id.in_([c["change_id"] for c in changes])
                    )
                ).scalars()
            )


@pytest.fixture
def team(server: RunningServer, laptop: Laptop) -> Iterator[Team]:
    nurse = reopen(laptop("Sam Taylor"))
    ot = reopen(laptop("Ola Nowak"))
    sync(nurse)
    zoe = people.register(
        nurse, people.NewPerson(ZOE, "Synthetic", "Zedd", "1941-03-02", "DL8 3AB")
    )
    carer = save_personal_contact(
        nurse, person_id=zoe, values={"name": "Synthetic Carer", "is_main_carer": "yes"}
    ).entity_id
    assert carer
    assert not sync(nurse).refused
    assert not sync(ot).refused
    made = Team(server, nurse, ot, zoe, carer)
    yield made
    for ws in (made.nurse, made.ot):
        if ws.store.is_open:
            ws.close()


def test_a_check_and_the_carers_plan_reach_a_colleagues_laptop(team: Team) -> None:
    strain.record_strain_check(
        team.nurse, person_id=team.zoe, carer_id=team.carer, answers=RISING, comment="Tired"
    )
    contingency.set_carer_contingency(
        team.nurse, person_id=team.zoe, carer_id=team.carer, plan="Her brother comes."
    )
    assert not sync(team.nurse).refused
    team.ot, _ = still_syncs(team.ot)
    with team.ot.store.read() as session:
        [check] = session.execute(select(CarerStrainCheck)).scalars().all()
        assert json.loads(check.answers) == RISING and check.comment == "Tired"
        assert check.asked_by_id == team.nurse.actor.user_id
        carer = session.get(PersonalContact, team.carer)
        assert carer is not None and carer.contingency_plan == "Her brother comes."
    [listed] = strain.carers_strain(team.ot, person_id=team.zoe)
    assert listed.latest == 21 and listed.prompt == "Carer strain is high: 21 of 26"


def test_a_forged_signature_or_answers_off_the_scale_are_refused(team: Team) -> None:
    ws = team.nurse
    base = {
        "person_id": team.zoe,
        "carer_id": team.carer,
        "checked_on": clock.today().isoformat(),
    }
    forged = own_row(
        ws,
        "carer_strain_check",
        **base,
        answers=json.dumps(RISING),
        asked_by_id=team.ot.actor.user_id,
    )
    off_scale = own_row(
        ws,
        "carer_strain_check",
        **base,
        answers=json.dumps([3] * 13),
        asked_by_id=ws.actor.user_id,
    )
    too_few = own_row(
        ws,
        "carer_strain_check",
        **base,
        answers=json.dumps([1] * 12),
        asked_by_id=ws.actor.user_id,
    )
    honest = own_row(
        ws,
        "carer_strain_check",
        **base,
        answers=json.dumps([1] * 13),
        asked_by_id=ws.actor.user_id,
    )
    sent = [
        crafted(ws, "carer_strain_check", "create", str(row["id"]), row)
        for row in (forged, off_scale, too_few, honest)
    ]
    refused = refusals(signed_push(team.server.url, ws, sent))
    assert refused[str(sent[0]["change_id"])] == NOT_YOUR_SIGNATURE
    for wrong in sent[1:3]:
        assert "not the carer-strain answers" in refused[str(wrong["change_id"])]
    assert str(sent[3]["change_id"]) not in refused
    assert team.stored(sent) == [sent[3]["change_id"]]
    team.ot, _ = still_syncs(team.ot)
    with team.ot.store.read() as session:
        held = session.execute(select(CarerStrainCheck.id)).scalars().all()
        assert held == [honest["id"]]
