"""The team's list of telecare tests due: the count card, the filter, the listing and
`onerecord team telecare-due`, on the hand-built team (tests/app/team_data.py) whose
"today" is fixed; the SQL clause held to the record's rule on every boundary."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli.main import main
from app.errors import AccessDeniedError
from app.services.record.people import find
from app.services.support.telecare_due import due_clause, telecare_due
from app.services.team.team_caseload import TeamQuery, fetch_team
from app.services.team.team_counts import team_counts
from app.values import telecare as rule
from app.values.vocab import Role
from app.workspace import Workspace
from storage import wallclock
from storage.tables import TelecareItem
from tests.app.team_data import ADA, BRYN, CERYS, DEV, EFA, NOW, TODAY, build_team, sign_in_as
from tests.conftest import PASSPHRASE


def _item(ws: Workspace, nhs: str, kind: str = "pendant_alarm", **kw: object) -> None:
    values: dict[str, object] = {"responder": "mobile_response", "test_every_days": 182}
    with ws.store.write(ws.actor) as s:
        s.add(TelecareItem(person_id=find(s, nhs).id, kind=kind, **(values | kw)))


def _ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def _team(ws: Workspace) -> None:
    build_team(ws)
    _item(ws, ADA, installed_on=_ago(200), analogue_line=True)  # never tested: overdue
    _item(ws, BRYN, "falls_detector", last_tested_on=_ago(182))  # due today
    _item(ws, BRYN, "key_safe", last_tested_on=_ago(181))  # due tomorrow: not yet
    _item(ws, CERYS, installed_on=_ago(900), removed_on=_ago(500))  # removed: never
    _item(ws, DEV, "door_sensor")  # no dates: cannot say
    _item(ws, EFA, installed_on=_ago(900))  # a closed case: not the team's work


def test_the_team_counts_filters_and_lists_the_tests_due(workspace: Workspace) -> None:
    _team(workspace)
    assert team_counts(workspace, now=NOW).telecare_due == 2
    total, rows = fetch_team(workspace, TeamQuery(as_of=NOW, telecare_due=True))
    assert total == 2 and sorted(r.given_name for r in rows) == ["Ada", "Bryn"]
    due = telecare_due(workspace, today=TODAY)
    assert [(r.given_name, r.kind, r.due_on, r.overdue) for r in due] == [
        ("Ada", "Pendant alarm", _ago(200) + timedelta(days=182), True),
        ("Bryn", "Falls detector", TODAY, False),
    ]
    assert due[0].responder == "Mobile response service" and due[0].analogue_line is True


def test_the_sql_clause_is_the_records_rule(workspace: Workspace) -> None:
    build_team(workspace)
    cases = [
        (tested, every, removed)
        for tested in (None, 0, 1, 6, 7, 8, 181, 182, 183, 400)
        for every in (1, 7, 182, 730)
        for removed in (None, 0)
    ]
    with workspace.store.write(workspace.actor) as s:
        person = find(s, ADA).id
        for tested, every, removed in cases:
            s.add(
                TelecareItem(
                    person_id=person,
                    kind="pendant_alarm",
                    responder="family",
                    installed_on=_ago(800),
                    last_tested_on=None if tested is None else _ago(tested),
                    test_every_days=every,
                    removed_on=None if removed is None else _ago(removed),
                )
            )
    with workspace.store.read() as s:
        items = s.execute(select(TelecareItem)).scalars().all()
        by_sql = set(s.execute(select(TelecareItem.id).where(due_clause(TODAY))).scalars())
        by_rule = {i.id for i in items if rule.test_due_by(i, TODAY)}
    assert by_sql == by_rule and 0 < len(by_rule) < len(items)


def test_only_the_coordinator_and_ig_lead_get_the_list(workspace: Workspace) -> None:
    _team(workspace)
    sign_in_as(workspace, Role.COMMUNITY_NURSE.value)
    with pytest.raises(AccessDeniedError):
        telecare_due(workspace, today=TODAY)


def test_the_command_lists_them(
    workspace: Workspace,
    profile_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _team(workspace)
    workspace.close()
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv(wallclock.CLOCK_DATE, TODAY.isoformat())
    p = ["--profile", str(profile_path)]
    assert main(["team", "telecare-due", *p]) == 0
    out, err = capsys.readouterr()
    assert "Ashworth, Ada" in out and "999 000 0018" in out and "needs moving" in out
    assert out.index("Ada") < out.index("Bryn") and "Cerys" not in out
    assert "2 telecare tests due." in err
    assert main(["team", "telecare-due", *p, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr()[0])
    assert [r["nhs_number"] for r in rows] == [ADA, BRYN]
    assert main(["team", *p, "--filter", "telecare_due", "--format", "json"]) == 0
    assert {r["given_name"] for r in json.loads(capsys.readouterr()[0])} == {"Ada", "Bryn"}
    assert main(["team", "telecare-due", *p, "--filter", "at_risk"]) == 2
    err = capsys.readouterr()[1]
    assert "takes no --filter or --out" in err and err.count("\n") == 1
