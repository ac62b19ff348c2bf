"""The priority list on a planted team whose every score is known by construction
(worked out by hand below from the default weights in app/services/priority/weights.py,
not by running the scoring code).

Fixed "now": Monday 16 November 2026, 10:00 in England. Last 12 months: from
17 November 2025. Recent discharge: on or after 19 October 2026. Quiet: no contact
since before 5 October 2026 (six weeks).

| person | planted                                                         | score (defaults) |
|--------|-----------------------------------------------------------------|------------------|
| Ada    | admissions 14 Jun and 1 Sep 2026 (and one in Oct 2025, too old), | 6+2+2+3+2 = 15   |
|        | falls risk 4x5 (falls, and a high risk), carer breakdown risk,  |                  |
|        | lives alone (Bryn: recorded as not; Cerys: not recorded)        |                  |
| Bryn   | discharged 1 Nov 2026, 4 A&E visits (counted 3), safeguarding   | 3+3+3+2 = 11     |
|        | alert, last contact 1 Sep 2026; an admission entered in error;  |                  |
|        | lacked capacity in January, has it at June's assessment         |                  |
| Cerys  | specialist, lacks capacity at the last assessment, plan review  | 2+2+1 = 5        |
|        | was due 1 Nov 2026                                              |                  |
| Dev    | a recent contact, nothing else                                  | 0                |
| Efa    | closed (never listed), admissions                               | -                |
| Gwen   | another team's, with a safeguarding alert (never listed)         | -                |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from app.errors import AccessDeniedError, InvalidInputError
from app.services import clock
from app.services.priority.priority_list import priority_list
from app.services.priority.weights import DEFAULT_WEIGHTS
from app.services.record.people import NewPerson, find, register
from app.values.vocab import Role
from app.workspace import Workspace
from storage.tables import (
    Alert,
    CarePlan,
    CarerStrainCheck,
    ContactNote,
    HospitalEvent,
    MentalCapacityAssessment,
    PersonalContact,
    Risk,
    StaffMember,
)
from tests.app.team_data import sign_in_as

NOW = clock.at_local(date(2026, 11, 16), 10)
LONG_AGO = clock.at_local(date(2025, 1, 1), 9)  # when every record was first made
PEOPLE = {
    "Ada": "9990000018",
    "Bryn": "9990000026",
    "Cerys": "9990000034",
    "Dev": "9990000042",
    "Efa": "9990000050",
    "Gwen": "9990000069",
}


@dataclass
class Planted:
    ids: dict[str, str]


def _at(day: date) -> datetime:
    return clock.at_local(day, 10)


def plant(ws: Workspace, *, lead_is_me: bool = False) -> Planted:
    for given, nhs in PEOPLE.items():
        level = "specialist" if given == "Cerys" else "targeted"
        register(ws, NewPerson(nhs, given, "Planted", "1940-01-02", "DL8 3AB", level_of_need=level))
    with ws.store.write(ws.actor) as s:
        ids = {given: find(s, nhs).id for given, nhs in PEOPLE.items()}
        for given in PEOPLE:
            person = find(s, PEOPLE[given])
            person.recorded_at = LONG_AGO
            if lead_is_me and given in ("Ada", "Bryn"):
                person.lead_professional_id = ws.actor.user_id
        find(s, PEOPLE["Efa"]).status = "closed"
        find(s, PEOPLE["Ada"]).lives_alone = True
        find(s, PEOPLE["Bryn"]).lives_alone = False
        find(s, PEOPLE["Gwen"]).team_id = "another-team"

        def event(who: str, kind: str, on: date, *, error: bool = False) -> None:
            s.add(
                HospitalEvent(person_id=ids[who], kind=kind, occurred_on=on, entered_in_error=error)
            )

        event("Ada", "unplanned_admission", date(2026, 6, 14))
        event("Ada", "unplanned_admission", date(2026, 9, 1))
        event("Ada", "unplanned_admission", date(2025, 10, 1))  # over 12 months ago
        event("Bryn", "discharge", date(2026, 11, 1))
        event("Bryn", "discharge", date(2026, 9, 1))  # not recent
        for day in (3, 10, 17, 24):
            event("Bryn", "ae_attendance", date(2026, 8, day))
        event("Bryn", "unplanned_admission", date(2026, 10, 1), error=True)
        event("Efa", "unplanned_admission", date(2026, 10, 1))

        def risk(who: str, kind: str, likelihood: int, impact: int) -> None:
            s.add(
                Risk(
                    person_id=ids[who],
                    kind=kind,
                    description="Planted",
                    likelihood=likelihood,
                    impact=impact,
                    review_on=date(2027, 1, 1),
                )
            )

        risk("Ada", "falls", 4, 5)
        risk("Ada", "carer_breakdown", 2, 2)
        risk("Dev", "fire", 1, 2)
        s.add(
            Risk(
                person_id=ids["Dev"],
                kind="falls",
                description="Closed: no longer counts",
                likelihood=5,
                impact=5,
                status="closed",
            )
        )
        for who in ("Bryn", "Gwen"):
            s.add(Alert(person_id=ids[who], kind="safeguarding", summary="Planted"))
        s.add(Alert(person_id=ids["Dev"], kind="safeguarding", summary="Ended", active=False))
        for who, on, outcome in (
            ("Bryn", date(2026, 1, 5), "lacks_capacity"),
            ("Bryn", date(2026, 6, 1), "has_capacity"),
            ("Cerys", date(2026, 2, 1), "has_capacity"),
            ("Cerys", date(2026, 7, 1), "lacks_capacity"),
        ):
            s.add(
                MentalCapacityAssessment(
                    person_id=ids[who], decision="Where to live", outcome=outcome, assessed_on=on
                )
            )
        s.add(CarePlan(person_id=ids["Cerys"], review_due=date(2026, 11, 1)))
        s.add(CarePlan(person_id=ids["Dev"], review_due=date(2026, 11, 16)))  # due today
        for who, day in (
            ("Ada", date(2026, 11, 10)),
            ("Bryn", date(2026, 9, 1)),
            ("Cerys", date(2026, 11, 2)),
            ("Dev", date(2026, 10, 6)),  # within six weeks, just
        ):
            s.add(
                ContactNote(
                    person_id=ids[who],
                    contact_type="home_visit",
                    occurred_at=_at(day),
                    narrative="Visited.",
                )
            )
    return Planted(ids)


def _scores(ws: Workspace, **kw: object) -> list[tuple[str, int]]:
    found = priority_list(ws, now=NOW, **kw)  # type: ignore[arg-type]
    return [(r.person.given_name, r.scored.score) for r in found.rows]


def test_the_coordinators_team_scored_as_worked_out_by_hand(workspace: Workspace) -> None:
    sign_in_as(workspace, Role.COORDINATOR.value)
    plant(workspace)
    found = priority_list(workspace, now=NOW)
    assert found.whose == "team" and found.as_of == date(2026, 11, 16)
    assert found.weights == DEFAULT_WEIGHTS
    assert [(r.person.given_name, r.scored.score) for r in found.rows] == [
        ("Ada", 15),
        ("Bryn", 11),
        ("Cerys", 5),
        ("Dev", 0),
    ]
    by = {r.person.given_name: r.scored for r in found.rows}
    assert by["Ada"].explanation == (
        "2 unplanned admissions since 14 Jun 2026; carer at risk of breaking down;"
        " falls risk; lives alone; 1 high risk open"
    )
    assert by["Bryn"].explanation == (
        # Tied at 3 points: in the factors' own order. All four visits are named,
        # though only three count.
        "4 A&E attendances in 12 months; left hospital on 1 Nov 2026; safeguarding alert;"
        " no contact since 1 Sep 2026"
    )
    assert by["Cerys"].explanation == (
        "specialist level of need; lacked capacity at the last assessment; review overdue"
    )
    assert by["Dev"].explanation == "Nothing in the record adds to the score."
    ada = {c.key: c for c in by["Ada"].contributions}
    assert ada["unplanned_admissions"].times == 2 and ada["unplanned_admissions"].points == 6
    assert ada["unplanned_admissions"].source == "Outcomes: hospital and urgent care events"
    bryn = {c.key: c for c in by["Bryn"].contributions}
    assert bryn["ae_attendances"].times == 3  # four visits, counted up to three


def test_weights_re_rank_the_list(workspace: Workspace) -> None:
    sign_in_as(workspace, Role.COORDINATOR.value)
    plant(workspace)
    weights = {"no_contact": 10, "falls": 0, "carer_strain": 0, "specialist_need": 10}
    # Ada 6+2+2 = 10; Bryn 3+3+3+10 = 19; Cerys 10+2+1 = 13.
    assert _scores(workspace, weights=weights) == [
        ("Bryn", 19),
        ("Cerys", 13),
        ("Ada", 10),
        ("Dev", 0),
    ]
    found = priority_list(workspace, now=NOW, weights=weights)
    ada = next(r for r in found.rows if r.person.given_name == "Ada")
    assert "falls risk" not in ada.scored.explanation  # weighted 0: not counted at all
    with pytest.raises(InvalidInputError, match="whole number from 0 to 10"):
        priority_list(workspace, now=NOW, weights={"falls": 11})
    with pytest.raises(InvalidInputError, match="not a priority factor"):
        priority_list(workspace, now=NOW, weights={"shoe_size": 1})


def test_a_practitioner_sees_only_the_people_they_lead(workspace: Workspace) -> None:
    sign_in_as(workspace, Role.SOCIAL_WORKER.value)
    plant(workspace, lead_is_me=True)
    found = priority_list(workspace, now=NOW)
    assert found.whose == "mine"
    assert _scores(workspace) == [("Ada", 15), ("Bryn", 11)]


def test_administrators_have_no_list(workspace: Workspace) -> None:
    sign_in_as(workspace, Role.ADMINISTRATOR.value)
    with pytest.raises(AccessDeniedError, match="Administrators have no priority list"):
        priority_list(workspace, now=NOW)


def test_a_long_list_read_whole_gives_the_same(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A team's list past a few hundred people reads each table whole and keeps its
    people's rows (signals._NAMED): the same scores and words as naming them."""
    from app.services.priority import signals

    sign_in_as(workspace, Role.COORDINATOR.value)
    plant(workspace)
    named = priority_list(workspace, now=NOW)
    monkeypatch.setattr(signals, "_NAMED", 0)
    whole = priority_list(workspace, now=NOW)
    assert whole == named
    assert [r.person.given_name for r in whole.rows] == ["Ada", "Bryn", "Cerys", "Dev"]


def test_the_teams_own_weights_rank_the_list(workspace: Workspace) -> None:
    """Weights the coordinator set (a synced team setting) rank everyone's list."""
    from app.services.priority.team_weights import set_weights

    sign_in_as(workspace, Role.COORDINATOR.value)
    with workspace.store.write(workspace.actor) as s:
        me = s.get(StaffMember, workspace.actor.user_id)
        assert me is not None
        me.team_id = "dales-team"  # team weights are a team's
    plant(workspace)
    set_weights(workspace, weights={"no_contact": 10, "safeguarding": 10}, reason="Winter")
    found = priority_list(workspace, now=NOW)
    assert found.weights["no_contact"] == 10 and found.weights["falls"] == 2
    # Bryn 3+3+10+10 = 26; Ada 15 as before.
    assert [(r.person.given_name, r.scored.score) for r in found.rows][:2] == [
        ("Bryn", 26),
        ("Ada", 15),
    ]


def _checks(ws: Workspace, who: str, ids: dict[str, str], *plans: tuple[date, int]) -> None:
    """One carer of `who`, checked on each day with answers adding up to each total."""
    import json

    with ws.store.write(ws.actor) as s:
        carer = PersonalContact(person_id=ids[who], name="Planted carer", relationship="Son")
        s.add(carer)
        s.flush()
        for on, total in plans:
            answers = [2] * (total // 2) + [1] * (total % 2)
            answers += [0] * (13 - len(answers))
            s.add(
                CarerStrainCheck(
                    person_id=ids[who],
                    carer_id=carer.id,
                    checked_on=on,
                    answers=json.dumps(answers),
                    asked_by_id=ws.actor.user_id,
                )
            )


def test_a_carers_strain_rising_or_high_counts_as_carer_strain(workspace: Workspace) -> None:
    """Planted beside the team above: Dev's carer 8 in June, 12 in October (risen by 4:
    the team's prompt) and Cerys's 5 then 7 (no prompt); Ada's carer 14 in November
    (high) beside her carer-breakdown risk counts once. Dev 0 + 3 = 3; Cerys 5 as
    before; Ada 15 as before. A check on a day still to come is not counted."""
    sign_in_as(workspace, Role.COORDINATOR.value)
    planted = plant(workspace)
    _checks(workspace, "Dev", planted.ids, (date(2026, 6, 1), 8), (date(2026, 10, 1), 12))
    _checks(workspace, "Cerys", planted.ids, (date(2026, 6, 1), 5), (date(2026, 10, 1), 7))
    _checks(workspace, "Ada", planted.ids, (date(2026, 11, 1), 14))
    _checks(workspace, "Bryn", planted.ids, (date(2026, 12, 1), 20))  # after NOW
    found = priority_list(workspace, now=NOW)
    assert [(r.person.given_name, r.scored.score) for r in found.rows] == [
        ("Ada", 15),
        ("Bryn", 11),
        ("Cerys", 5),
        ("Dev", 3),
    ]
    by = {r.person.given_name: r.scored for r in found.rows}
    assert by["Dev"].explanation == "carer strain high or rising"
    [dev] = by["Dev"].contributions
    assert dev.label == "Carer strain high or rising, or carer breakdown risk open"
    assert dev.source == "Carer-strain checks; risks (carer breakdown)"
    assert "carer strain high or rising; carer at risk of breaking down" in by["Ada"].explanation
