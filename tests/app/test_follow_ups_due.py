"""The 91-day checks waiting, as Today and the Team view list and count them: the
record's own rule (app.values.reablement.follow_up_waiting) in SQL. Closed cases
count (a person discharged after reablement is who the check asks about); a check
done, a death in the episode or since, and a check not yet come do not."""

from __future__ import annotations

from datetime import date, timedelta

from app.services import clock
from app.services.outcomes.follow_ups import follow_ups_due
from app.services.record.people import edit, find
from app.services.team.team_caseload import TeamQuery, fetch_team
from app.services.team.team_counts import team_counts
from app.values import reablement
from app.workspace import Workspace
from storage.tables import Person, ReablementEpisode
from tests.app.team_data import ADA, BRYN, CERYS, DEV, EFA, NOW, TODAY, build_team
from tests.conftest import ALUN, ZOE


def _episode(
    ws: Workspace,
    nhs: str,
    *,
    left: date,
    ended: date,
    outcome: str = "independent",
    checked: bool = False,
) -> None:
    with ws.store.write(ws.actor) as s:
        s.add(
            ReablementEpisode(
                person_id=find(s, nhs).id,
                started_on=left,
                discharged_on=left,
                planned_end_on=left + timedelta(days=42),
                ended_on=ended,
                outcome=outcome,
                follow_up_on=left + timedelta(days=92) if checked else None,
                follow_up_result="at_home" if checked else None,
            )
        )


def test_the_team_counts_and_lists_the_checks_waiting(workspace: Workspace) -> None:
    build_team(workspace)
    long_ago = TODAY - timedelta(days=120)
    _episode(workspace, ADA, left=long_ago, ended=long_ago + timedelta(days=40))  # waiting
    _episode(workspace, EFA, left=long_ago, ended=long_ago + timedelta(days=30))  # closed: waiting
    # Day 91 is today: due (the check may be recorded from that day).
    day_91 = TODAY - timedelta(days=reablement.FOLLOW_UP_DAYS)
    _episode(workspace, DEV, left=day_91, ended=day_91 + timedelta(days=20))
    # Day 90: not yet. Died in the episode: never asked. Checked: done.
    day_90 = TODAY - timedelta(days=reablement.FOLLOW_UP_DAYS - 1)
    _episode(workspace, CERYS, left=day_90, ended=day_90 + timedelta(days=20))
    _episode(workspace, BRYN, left=long_ago, ended=long_ago + timedelta(days=9), outcome="died")
    earlier = long_ago - timedelta(days=400)
    _episode(workspace, BRYN, left=earlier, ended=earlier + timedelta(days=20), checked=True)

    counts = team_counts(workspace, now=NOW)
    assert counts.follow_ups_due == 3
    total, rows = fetch_team(
        workspace, TeamQuery(as_of=NOW, follow_up_due=True, include_closed=True)
    )
    assert total == 3
    assert sorted(r.given_name for r in rows) == ["Ada", "Dev", "Efa"]

    with workspace.store.write(workspace.actor) as s:
        s.get(Person, find(s, EFA).id).status = "deceased"  # type: ignore[union-attr]
    assert team_counts(workspace, now=NOW).follow_ups_due == 2


def test_today_lists_the_leads_own_people(populated: Workspace) -> None:
    edit(populated, ZOE, {"lead_professional": "Sam Taylor"})
    long_ago = clock.today() - timedelta(days=150)
    _episode(populated, ZOE, left=long_ago, ended=long_ago + timedelta(days=30))
    _episode(populated, ALUN, left=long_ago, ended=long_ago + timedelta(days=30))  # not mine
    due = follow_ups_due(populated)
    assert [d.nhs_number for d in due] == [ZOE]
    assert due[0].due_on == long_ago + timedelta(days=91)
    assert due[0].nhs_number_formatted == "999 000 0018"
