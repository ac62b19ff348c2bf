"""Reablement episodes, goal reviews, hospital events and experience answers through
the services: what is recorded, and every bad input refused with a plain sentence and
nothing written. Dates are counted back from the clock's today, so these hold on any
date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.care import care_plan
from app.services.outcomes import episodes, experience, goal_reviews, hospital_events
from app.services.record.people import find
from app.values import reablement
from app.workspace import Workspace
from storage.tables import (
    ChangeRecord,
    ExperienceAnswer,
    Goal,
    GoalReview,
    HospitalEvent,
    ReablementEpisode,
)
from tests.conftest import ALUN, ZOE


@pytest.fixture
def zoe(populated: Workspace) -> str:
    with populated.store.read() as session:
        return find(session, ZOE).id


@pytest.fixture
def alun(populated: Workspace) -> str:
    with populated.store.read() as session:
        return find(session, ALUN).id


def _journal(ws: Workspace) -> int:
    with ws.store.read() as session:
        return int(session.execute(select(func.count()).select_from(ChangeRecord)).scalar_one())


def _refused(ws: Workspace, words: str, call: object, **kwargs: object) -> None:
    """The call raises a plain InvalidInputError naming `words`, and writes nothing."""
    before = _journal(ws)
    with pytest.raises(InvalidInputError, match=words):
        call(ws, **kwargs)  # type: ignore[operator]
    assert _journal(ws) == before


def _days_ago(n: int) -> date:
    return clock.today() - timedelta(days=n)


def test_an_episode_runs_six_weeks_by_default_and_a_second_is_refused(
    populated: Workspace, zoe: str
) -> None:
    goal = care_plan.add_goal(
        populated, person_id=zoe, statement="I want to get washed and dressed on my own"
    )
    started = episodes.start_episode(
        populated, person_id=zoe, discharged_on=_days_ago(1), goal_ids=[str(goal.entity_id)]
    )
    with populated.store.read() as session:
        episode = session.get(ReablementEpisode, started.entity_id)
        assert episode is not None
        assert episode.started_on == clock.today()
        assert episode.planned_end_on == clock.today() + timedelta(days=42)
        assert episode.discharged_on == _days_ago(1)
        assert session.get(Goal, goal.entity_id).reablement_episode_id == episode.id
    _refused(populated, "already has a reablement episode", episodes.start_episode, person_id=zoe)


def test_replanning_adds_and_drops_the_goals_it_works_on(
    populated: Workspace, zoe: str, alun: str
) -> None:
    def goal(person: str, words: str) -> str:
        return str(care_plan.add_goal(populated, person_id=person, statement=words).entity_id)

    washing = goal(zoe, "I want to get washed and dressed on my own")
    shop = goal(zoe, "I want to walk to the shop again")
    kitchen = goal(zoe, "I want to make my own lunch")
    someone_elses = goal(alun, "I want to garden again")
    started = episodes.start_episode(populated, person_id=zoe, goal_ids=[washing, shop])
    episode = str(started.entity_id)
    later = clock.today() + timedelta(days=30)
    episodes.replan_episode(
        populated,
        episode_id=episode,
        planned_end_on=later,
        goal_ids=[kitchen],
        dropped_goal_ids=[shop],
    )

    def linked() -> dict[str, str | None]:
        with populated.store.read() as session:
            return {
                g.id: g.reablement_episode_id
                for g in session.scalars(select(Goal).where(Goal.person_id == zoe))
            }

    assert linked() == {washing: episode, shop: None, kitchen: episode}  # shop stays in the plan
    # A goal it does not work on, or another person's, is refused and nothing changes.
    for wrong in (shop, someone_elses):
        before = _journal(populated)
        with pytest.raises(NotFoundError, match="not one this reablement episode works on"):
            episodes.replan_episode(
                populated, episode_id=episode, planned_end_on=later, dropped_goal_ids=[wrong]
            )
        assert _journal(populated) == before
    assert linked() == {washing: episode, shop: None, kitchen: episode}


def test_longer_than_six_weeks_needs_a_reason(populated: Workspace, zoe: str) -> None:
    start = _days_ago(3)
    _refused(
        populated,
        "say why",
        episodes.start_episode,
        person_id=zoe,
        started_on=start,
        planned_end_on=start + timedelta(days=43),
    )
    episodes.start_episode(
        populated,
        person_id=zoe,
        started_on=start,
        planned_end_on=start + timedelta(days=56),
        longer_reason="Two stages of stair practice after a second fall",
    )


def test_impossible_episode_dates_are_refused(populated: Workspace, zoe: str) -> None:
    _refused(
        populated,
        "left hospital after the episode started",
        episodes.start_episode,
        person_id=zoe,
        started_on=_days_ago(5),
        discharged_on=_days_ago(2),
    )
    _refused(
        populated,
        "planned end cannot be before",
        episodes.start_episode,
        person_id=zoe,
        started_on=_days_ago(5),
        planned_end_on=_days_ago(6),
    )
    _refused(
        populated,
        "still to come",
        episodes.start_episode,
        person_id=zoe,
        started_on=clock.today() + timedelta(days=1),
    )
    started = episodes.start_episode(populated, person_id=zoe, started_on=_days_ago(5))
    _refused(
        populated,
        "cannot end before it started",
        episodes.end_episode,
        episode_id=started.entity_id,
        outcome="independent",
        ended_on=_days_ago(6),
    )
    _refused(
        populated,
        "is not one of",
        episodes.end_episode,
        episode_id=started.entity_id,
        outcome="cured",
    )


def test_the_91_day_check_comes_after_the_end_and_not_before_day_91(
    populated: Workspace, zoe: str
) -> None:
    left = _days_ago(100)
    started = episodes.start_episode(populated, person_id=zoe, started_on=left, discharged_on=left)
    episode_id = str(started.entity_id)
    _refused(
        populated,
        "End the reablement episode",
        episodes.record_follow_up,
        episode_id=episode_id,
        result="at_home",
    )
    episodes.end_episode(
        populated, episode_id=episode_id, outcome="independent", ended_on=_days_ago(60)
    )
    due = reablement.follow_up_due(left, left)
    assert due == left + timedelta(days=91)
    _refused(
        populated,
        "on or after day 91",
        episodes.record_follow_up,
        episode_id=episode_id,
        result="at_home",
        follow_up_on=due - timedelta(days=1),
    )
    _refused(
        populated,
        "already ended",
        episodes.end_episode,
        episode_id=episode_id,
        outcome="independent",
    )
    episodes.record_follow_up(populated, episode_id=episode_id, result="at_home", follow_up_on=due)
    with populated.store.read() as session:
        episode = session.get(ReablementEpisode, episode_id)
        assert episode is not None
        assert (episode.follow_up_on, episode.follow_up_result) == (due, "at_home")
        assert not reablement.follow_up_needed(
            episode.ended_on, episode.outcome, episode.follow_up_on
        )


def test_the_store_itself_refuses_an_episode_ending_before_it_starts(
    populated: Workspace, zoe: str
) -> None:
    """Past the services (as a pulled row would be stored): the table's own rules."""
    with pytest.raises(IntegrityError), populated.store.write(populated.actor) as session:
        session.add(
            ReablementEpisode(
                person_id=zoe,
                started_on=_days_ago(5),
                planned_end_on=_days_ago(1),
                ended_on=_days_ago(6),
                outcome="independent",
            )
        )
    with pytest.raises(IntegrityError), populated.store.write(populated.actor) as session:
        session.add(
            ReablementEpisode(
                person_id=zoe,
                started_on=_days_ago(100),
                planned_end_on=_days_ago(60),
                ended_on=_days_ago(60),
                outcome="independent",
                follow_up_on=_days_ago(10),  # day 90
                follow_up_result="at_home",
            )
        )


def test_the_store_itself_holds_one_episode_under_way(populated: Workspace, zoe: str) -> None:
    episodes.start_episode(populated, person_id=zoe, started_on=_days_ago(3))
    with pytest.raises(IntegrityError), populated.store.write(populated.actor) as session:
        session.add(
            ReablementEpisode(person_id=zoe, started_on=_days_ago(1), planned_end_on=_days_ago(-20))
        )


def test_a_goal_review_records_the_result_and_closes_the_goal(
    populated: Workspace, zoe: str
) -> None:
    goal = str(
        care_plan.add_goal(
            populated, person_id=zoe, statement="I want to walk to the shop"
        ).entity_id
    )
    goal_reviews.set_goal_scale(populated, goal_id=goal, baseline=-1)
    goal_reviews.review_goal(
        populated, goal_id=goal, result="partly", gas_score=0, comment="Gets there with a rest"
    )
    with populated.store.read() as session:
        row = session.get(Goal, goal)
        assert row is not None
        assert (row.status, row.outcome, row.gas_baseline) == (
            "partially_achieved",
            "Gets there with a rest",
            -1,
        )
        review = session.execute(select(GoalReview)).scalar_one()
        assert (review.result, review.gas_score, review.reviewed_by_id) == (
            "partly",
            0,
            populated.actor.user_id,
        )


def test_bad_goal_reviews_are_refused_and_write_nothing(populated: Workspace, zoe: str) -> None:
    goal = str(
        care_plan.add_goal(
            populated, person_id=zoe, statement="I want to walk to the shop"
        ).entity_id
    )
    before = _journal(populated)
    with pytest.raises(NotFoundError, match="not in this person's plan"):
        goal_reviews.review_goal(populated, goal_id="no-such-goal", result="achieved")
    assert _journal(populated) == before
    _refused(
        populated,
        "from -2 to 2",
        goal_reviews.review_goal,
        goal_id=goal,
        result="achieved",
        gas_score=3,
    )
    _refused(populated, "is not one of", goal_reviews.review_goal, goal_id=goal, result="great")
    _refused(
        populated,
        "still to come",
        goal_reviews.review_goal,
        goal_id=goal,
        result="achieved",
        reviewed_on=clock.today() + timedelta(days=1),
    )
    _refused(populated, "from -2 to -1", goal_reviews.set_goal_scale, goal_id=goal, baseline=0)


def test_an_episode_cannot_work_on_another_persons_goal(
    populated: Workspace, zoe: str, alun: str
) -> None:
    alun_goal = str(
        care_plan.add_goal(populated, person_id=alun, statement="I want to garden").entity_id
    )
    before = _journal(populated)
    with pytest.raises(NotFoundError, match="not in this person's plan"):
        episodes.start_episode(populated, person_id=zoe, goal_ids=[alun_goal])
    assert _journal(populated) == before


def test_hospital_events_are_dated_in_the_past_and_marked_in_error_not_removed(
    populated: Workspace, zoe: str
) -> None:
    _refused(
        populated,
        "once it has happened",
        hospital_events.record_hospital_event,
        person_id=zoe,
        kind="unplanned_admission",
        occurred_on=clock.today() + timedelta(days=2),
    )
    _refused(
        populated,
        "before the person was born",
        hospital_events.record_hospital_event,
        person_id=zoe,
        kind="ae_attendance",
        occurred_on=date(1930, 1, 1),
    )
    made = hospital_events.record_hospital_event(
        populated, person_id=zoe, kind="unplanned admission", occurred_on=_days_ago(20)
    )
    hospital_events.mark_in_error(populated, event_id=str(made.entity_id))
    with populated.store.read() as session:
        event = session.get(HospitalEvent, made.entity_id)
        assert event is not None
        assert (event.kind, event.entered_in_error) == ("unplanned_admission", True)


def test_experience_answers_are_all_or_nothing_and_on_the_scale(
    populated: Workspace, zoe: str
) -> None:
    _refused(
        populated,
        "is not one of",
        experience.record_experience,
        person_id=zoe,
        answers={"tell_story_once": "yes_definitely", "team_talks": "maybe"},
    )
    _refused(
        populated,
        "is not one of",
        experience.record_experience,
        person_id=zoe,
        answers={"i_like_cake": "yes_definitely"},
    )
    _refused(populated, "at least one", experience.record_experience, person_id=zoe, answers={})
    experience.record_experience(
        populated,
        person_id=zoe,
        answers={"tell_story_once": "yes_definitely", "team_talks": "no"},
        answered_by="together",
    )
    with populated.store.read() as session:
        rows = session.execute(select(ExperienceAnswer)).scalars().all()
        assert sorted((r.statement, r.answer, r.answered_by) for r in rows) == [
            ("team_talks", "no", "together"),
            ("tell_story_once", "yes_definitely", "together"),
        ]
        assert {r.asked_by_id for r in rows} == {populated.actor.user_id}


def test_the_record_shows_the_episode_its_goals_contacts_reviews_admissions_and_answers(
    populated: Workspace, zoe: str
) -> None:
    from app.services.care.notes import add_note
    from app.services.record.record import open_record
    from app.services.record.referrals import NewReferral, add_referral

    add_referral(
        populated,
        person_id=zoe,
        referral=NewReferral(source="hospital_discharge", received_on=_days_ago(12)),
    )
    for days in (400, 200, 5):  # 400: more than a year before joining, not counted
        hospital_events.record_hospital_event(
            populated, person_id=zoe, kind="unplanned_admission", occurred_on=_days_ago(days)
        )
    wrong = hospital_events.record_hospital_event(
        populated, person_id=zoe, kind="unplanned_admission", occurred_on=_days_ago(2)
    )
    hospital_events.mark_in_error(populated, event_id=str(wrong.entity_id))
    goal = str(
        care_plan.add_goal(
            populated, person_id=zoe, statement="I want to make a cup of tea"
        ).entity_id
    )
    episodes.start_episode(
        populated,
        person_id=zoe,
        started_on=_days_ago(9),
        discharged_on=_days_ago(10),
        goal_ids=[goal],
    )
    for days in (8, 5, 40):  # two within the episode, one before it
        add_note(
            populated,
            ZOE,
            "Reablement session: kettle practice",
            contact_type="reablement_session",
            occurred_at=clock.at_local(_days_ago(days), 10),
        )
    goal_reviews.review_goal(populated, goal_id=goal, result="achieved", gas_score=1)
    experience.record_experience(
        populated, person_id=zoe, answers={"team_talks": "yes_somewhat", "tell_story_once": "no"}
    )

    outcomes = open_record(populated, zoe).outcomes
    assert outcomes is not None
    episode = outcomes.open_episode
    assert episode is not None
    assert (episode.day, episode.planned_days, episode.contacts) == (10, 42, 2)
    assert episode.goals == ((goal, "I want to make a cup of tea"),)
    assert episode.follow_up_due == _days_ago(10) + timedelta(days=91)
    assert not episode.follow_up_needed  # not ended yet
    assert [(r.result, r.gas_score, r.by) for r in outcomes.goal_reviews] == [
        ("Achieved", 1, "Sam Taylor")
    ]
    assert (outcomes.joined_on, outcomes.admissions_before, outcomes.admissions_since) == (
        _days_ago(12),
        1,
        1,
    )
    assert len(outcomes.hospital) == 3  # the one in error left out
    assert outcomes.experience is not None
    assert outcomes.experience.answers == (
        ("I tell my story once.", "No"),
        (
            "The professionals involved with my care talk to each other. We all work as a team.",
            "Yes, to some extent",
        ),
    )
