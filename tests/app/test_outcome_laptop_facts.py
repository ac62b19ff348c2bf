"""The outcome facts read from a real encrypted profile: rows written through the ORM
in the store's journalled writes come back as the facts the shared definitions make,
and the coordinator's report and its saved files (synthetic people only)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import AccessDeniedError
from app.reports.outcomes.facts import (
    EpisodeFact,
    ExperienceFact,
    GoalReviewFact,
    HospitalFact,
    PlanReviewFact,
    ReferralFact,
)
from app.reports.outcomes.laptop_facts import laptop_facts
from app.reports.outcomes.laptop_report import outcome_report, save_report
from app.services.record.people import NewPerson, register
from app.values.vocab import Role
from app.workspace import Workspace
from storage.tables import (
    AuditEvent,
    CarePlan,
    CarePlanVersion,
    ContactNote,
    ExperienceAnswer,
    Goal,
    GoalReview,
    HospitalEvent,
    Person,
    ReablementEpisode,
    Referral,
)
from tests.app.team_data import sign_in_as

AS_OF = date(2026, 9, 1)


def _note(person_id: str, at: datetime, **kw: object) -> ContactNote:
    return ContactNote(
        person_id=person_id, contact_type="home_visit", occurred_at=at, narrative="Visit.", **kw
    )


@pytest.fixture
def planted(workspace: Workspace) -> dict[str, str]:
    ada = register(workspace, NewPerson("9990000018", "Ada", "Ashworth", "1940-01-02", "DL8 3AB"))
    bryn = register(workspace, NewPerson("9990000026", "Bryn", "Hughes", "1980-06-01", "DL8 3AB"))
    me = workspace.actor.user_id
    with workspace.store.write(workspace.actor) as s:
        s.add(Referral(person_id=ada, source="gp", urgency="urgent", received_on=date(2026, 6, 1)))
        s.add(Referral(person_id=ada, source="gp", urgency="routine", received_on=date(2026, 3, 1)))
        s.add(Referral(person_id=bryn, source="self", received_on=date(2026, 6, 10)))
        # Ada: a visit the day before (not after the June referral), then 00:30 in England
        # on 3 June (23:30 UTC on 2 June), then later ones.
        s.add(_note(ada, datetime(2026, 5, 31, 12, tzinfo=UTC)))
        s.add(_note(ada, datetime(2026, 6, 2, 23, 30, tzinfo=UTC)))
        s.add(_note(ada, datetime(2026, 6, 9, 9, tzinfo=UTC)))
        s.flush()
        ep = ReablementEpisode(
            person_id=ada,
            started_on=date(2026, 6, 1),
            planned_end_on=date(2026, 7, 10),
            discharged_on=date(2026, 5, 30),
            ended_on=date(2026, 7, 10),
            outcome="independent",
            follow_up_on=date(2026, 8, 30),
            follow_up_result="at_home",
        )
        s.add(ep)
        s.flush()
        goal = Goal(person_id=ada, statement="I want to make my own lunch", gas_baseline=-1)
        goal.reablement_episode_id = ep.id
        s.add(goal)
        s.flush()
        s.add(
            GoalReview(
                person_id=ada,
                goal_id=goal.id,
                reviewed_on=date(2026, 7, 10),
                result="achieved",
                gas_score=1,
                reviewed_by_id=me,
            )
        )
        s.add(
            HospitalEvent(person_id=ada, kind="unplanned_admission", occurred_on=date(2026, 5, 20))
        )
        s.add(
            HospitalEvent(
                person_id=ada,
                kind="unplanned_admission",
                occurred_on=date(2026, 5, 21),
                entered_in_error=True,
            )
        )
        plan = CarePlan(person_id=ada, version=2, status="agreed", review_due=date(2026, 12, 1))
        s.add(plan)
        s.flush()
        for version, agreed, due in ((1, "2026-06-05", "2026-08-01"), (2, "2026-08-03", None)):
            s.add(
                CarePlanVersion(
                    plan_id=plan.id,
                    person_id=ada,
                    version=version,
                    agreed_on=date.fromisoformat(agreed),
                    agreed_with_name="Ada",
                    agreed_with_role="person",
                    snapshot=json.dumps({"review_due": due, "goals": []}),
                )
            )
        s.add(
            ExperienceAnswer(
                person_id=ada,
                asked_on=date(2026, 8, 3),
                statement="tell_story_once",
                answer="yes_definitely",
                answered_by="person",
                asked_by_id=me,
            )
        )
        s.get(Person, bryn).team_id = "another-team"  # type: ignore[union-attr]
    return {"ada": ada, "bryn": bryn}


def test_laptop_facts_are_the_rows_through_the_shared_definitions(
    workspace: Workspace, planted: dict[str, str]
) -> None:
    ada, bryn = planted["ada"], planted["bryn"]
    with workspace.store.read() as s:
        facts = laptop_facts(s, None, AS_OF)
        team_only = laptop_facts(s, "another-team", AS_OF)
    assert facts.as_of == AS_OF
    people = {p.person_id: p for p in facts.people}
    assert people[ada].joined_on == date(2026, 3, 1)  # the first referral
    assert people[ada].date_of_birth == date(1940, 1, 2)
    assert {p.person_id for p in team_only.people} == {bryn}
    assert sorted(facts.referrals, key=lambda r: (r.person_id != ada, r.received_on)) == [
        ReferralFact(ada, date(2026, 3, 1), "routine", "gp", datetime(2026, 5, 31, 12, tzinfo=UTC)),
        ReferralFact(
            ada, date(2026, 6, 1), "urgent", "gp", datetime(2026, 6, 2, 23, 30, tzinfo=UTC)
        ),
        ReferralFact(bryn, date(2026, 6, 10), "routine", "self", None),
    ]
    assert facts.episodes == (
        EpisodeFact(
            ada,
            date(2026, 6, 1),
            date(2026, 7, 10),
            date(2026, 5, 30),
            date(2026, 7, 10),
            "independent",
            date(2026, 8, 30),
            "at_home",
        ),
    )
    [review] = facts.goal_reviews
    assert review == GoalReviewFact(ada, review.goal_id, date(2026, 7, 10), "achieved", 1, -1)
    assert facts.hospital == (HospitalFact(ada, "unplanned_admission", date(2026, 5, 20)),)
    assert facts.plan_reviews == (
        PlanReviewFact(ada, date(2026, 8, 1), date(2026, 8, 3)),  # done late, by two days
        PlanReviewFact(ada, date(2026, 12, 1), None),  # the plan's review date now
    )
    assert facts.experience == (
        ExperienceFact(ada, date(2026, 8, 3), "tell_story_once", "yes_definitely"),
    )


def test_the_report_is_the_coordinators_and_saves_audited(
    workspace: Workspace, planted: dict[str, str], tmp_path: Path
) -> None:
    with pytest.raises(AccessDeniedError):
        outcome_report(workspace, date(2026, 4, 1), date(2026, 6, 30), as_of=AS_OF)
    sign_in_as(workspace, Role.COORDINATOR.value)
    report = outcome_report(workspace, date(2026, 4, 1), date(2026, 6, 30), as_of=AS_OF)
    # Bryn is another team's: only Ada's urgent referral, a small number.
    assert report.figure("referrals", "All referrals received").text == "<5"
    out = tmp_path / "outcomes.csv"
    save_report(workspace, report, out, "csv")
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert ["Referrals received", "All referrals received", "Referrals", "<5"] in rows
    assert "Ada" not in out.read_text() and "9990000018" not in out.read_text()
    with workspace.store.read() as s:
        event = s.execute(
            select(AuditEvent).where(AuditEvent.action == "outcome_report_saved")
        ).scalar_one()
    assert json.loads(event.detail) == {"format": "csv", "from": "2026-04-01", "to": "2026-06-30"}


def test_a_frozen_plan_that_is_not_json_still_saves_and_counts_no_review_date(
    workspace: Workspace, planted: dict[str, str]
) -> None:
    """A version pulled from the server may hold anything in its snapshot: it is still
    written (the index on its review date never raises) and the report reads it as a
    version agreed with no review date."""
    bryn = planted["bryn"]
    with workspace.store.write(workspace.actor) as s:
        plan = CarePlan(person_id=bryn, version=3, status="agreed", review_due=date(2026, 12, 1))
        s.add(plan)
        s.flush()
        for version, snapshot in ((1, "not json {"), (2, '{"review_due": 20260801}'), (3, "[]")):
            s.add(
                CarePlanVersion(
                    plan_id=plan.id,
                    person_id=bryn,
                    version=version,
                    agreed_on=date(2026, 6, version),
                    agreed_with_name="Bryn",
                    agreed_with_role="person",
                    snapshot=snapshot,
                )
            )
    with workspace.store.read() as s:
        facts = laptop_facts(s, None, AS_OF)
    assert [f for f in facts.plan_reviews if f.person_id == bryn] == [
        PlanReviewFact(bryn, date(2026, 12, 1), None)  # only the plan's review date now
    ]
