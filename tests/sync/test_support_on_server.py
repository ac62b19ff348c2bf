"""Issue 20 on the partner server: telecare equipment and personal budgets sync between
two laptops of a team, and the server decides their rows by the laptop's own rules: an
enrolled laptop that sends an unknown kind of equipment, a test in the future, a
test before the equipment was installed or a negative budget is refused each with
the rule's reason, nothing of them stored, while the rest of its push applies and a
colleague's laptop still syncs. Real server on loopback, SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.services import clock
from app.services.record import people
from app.services.record.record import open_record
from app.services.support import budgets, telecare
from app.workspace import Workspace
from sync.server import schema as s
from tests.conftest import ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync
from tests.sync.raw_push import crafted, own_row, refusals, signed_push, still_syncs


@dataclass
class Team:
    server: RunningServer
    nurse: Workspace
    ot: Workspace
    zoe: str

    def push(self, *changes: dict[str, object]) -> dict[str, str]:
        return refusals(signed_push(self.server.url, self.nurse, list(changes)))

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
    assert not sync(nurse).refused
    assert not sync(ot).refused
    made = Team(server, nurse, ot, zoe)
    yield made
    for ws in (made.nurse, made.ot):
        if ws.store.is_open:
            ws.close()


def _ago(n: int) -> str:
    return (clock.today() - timedelta(days=n)).isoformat()


def test_telecare_and_a_budget_sync_between_two_laptops(team: Team) -> None:
    added = telecare.add_telecare(
        team.nurse,
        person_id=team.zoe,
        kind="pendant_alarm",
        responder="mobile_response",
        installed_on=_ago(300),
        analogue_line=True,
    )
    budget = budgets.add_budget(
        team.nurse,
        person_id=team.zoe,
        kind="personal_budget",
        amount="£245.50",
        period="week",
        managed_as="direct_payment",
        pays_for="A personal assistant",
        started_on=_ago(30),
    )
    assert not sync(team.nurse).refused
    assert not sync(team.ot).refused
    seen = open_record(team.ot, team.zoe).support
    assert seen is not None
    (item,) = seen.telecare
    assert item.overdue and item.needs_line_move
    assert seen.budgets[0].amount_pence == 24550

    telecare.record_test(team.ot, item_id=str(added.entity_id))
    telecare.change_telecare(
        team.ot, item_id=str(added.entity_id), responder="mobile_response", analogue_line=False
    )
    budgets.change_budget(
        team.ot,
        budget_id=str(budget.entity_id),
        amount="£260",
        period="week",
        managed_as="direct_payment",
        pays_for="A personal assistant",
    )
    assert not sync(team.ot).refused
    assert not sync(team.nurse).refused
    back = open_record(team.nurse, team.zoe).support
    assert back is not None
    (item,) = back.telecare
    assert not item.overdue and not item.needs_line_move
    assert item.last_tested_on == clock.today()
    assert back.budgets[0].amount_pence == 26000


def test_bad_rows_from_an_enrolled_laptop_are_refused_and_the_rest_applies(team: Team) -> None:
    ws = team.nurse
    base = {"person_id": team.zoe, "responder": "family", "test_every_days": 182}
    unknown = own_row(ws, "telecare_item", **base, kind="jetpack")
    future = own_row(ws, "telecare_item", **base, kind="pendant_alarm", last_tested_on=_ago(-3))
    before = own_row(
        ws,
        "telecare_item",
        **base,
        kind="key_safe",
        installed_on=_ago(10),
        last_tested_on=_ago(20),
    )
    good = own_row(ws, "telecare_item", **base, kind="falls_detector", installed_on=_ago(10))
    negative = own_row(
        ws,
        "personal_budget",
        person_id=team.zoe,
        kind="personal_budget",
        amount_pence=-100,
        period="week",
        managed_as="direct_payment",
        pays_for="",
        started_on=_ago(5),
    )
    huge = dict(negative, id=str(uuid.uuid4()), amount_pence=100_000_000_01)
    sent = [
        crafted(ws, "telecare_item", "create", str(row["id"]), row)
        for row in (unknown, future, before, good)
    ]
    sent.append(crafted(ws, "personal_budget", "create", str(negative["id"]), negative))
    sent.append(crafted(ws, "personal_budget", "create", str(huge["id"]), huge))
    refused = team.push(*sent)
    bad = (sent[0], sent[1], sent[2], sent[4], sent[5])
    assert set(refused) == {str(c["change_id"]) for c in bad}
    assert "not a whole number from 0 to" in refused[str(sent[5]["change_id"])]
    assert "not a TelecareKind code" in refused[str(sent[0]["change_id"])]
    assert "future" in refused[str(sent[1]["change_id"])]
    assert "tested after installed" in refused[str(sent[2]["change_id"])]
    assert "not a whole number from 0 to" in refused[str(sent[4]["change_id"])]
    assert all(r.count("\n") == 0 for r in refused.values())
    assert team.stored(sent) == [sent[3]["change_id"]]

    # A later test set on the good row, dated before it was installed: refused too.
    early = crafted(ws, "telecare_item", "set", str(good["id"]), _ago(11), "last_tested_on")
    assert "tested after installed" in team.push(early)[str(early["change_id"])]
    team.ot, _ = still_syncs(team.ot)
    support = open_record(team.ot, team.zoe).support
    assert support is not None
    assert [t.kind_code for t in support.telecare] == ["falls_detector"]
