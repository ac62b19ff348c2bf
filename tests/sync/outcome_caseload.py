"""A planted caseload for the outcome report, written on a real laptop profile and
pushed to a server, with the facts it must give known by construction.

Dates are days before today (whatever today is: the clock seam may move it), and
three records change after they were made and pushed, so the server's fold matters
(and a correction of a note, which is not a contact):
an episode ended later and followed up later still, a goal's attainment baseline set
later, an A&E attendance marked entered in error.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from app.reports.outcomes.facts import (
    EpisodeFact,
    ExperienceFact,
    GoalReviewFact,
    HospitalFact,
    OutcomeFacts,
    PersonFact,
    PlanReviewFact,
    ReferralFact,
)
from app.services import clock
from app.services.care.care_plan import add_goal, agree_plan
from app.services.care.notes import add_note
from app.services.ops import operation
from app.services.record.case import close_case
from app.services.record.referrals import NewReferral, add_referral
from app.services.record.registration import NewPerson, register_person
from app.workspace import Workspace
from storage.tables import (
    ContactNote,
    ExperienceAnswer,
    Goal,
    GoalReview,
    HospitalEvent,
    Person,
    ReablementEpisode,
)
from tests.conftest import ALUN, ZOE
from tests.sync.helpers import sync

CERI = "9990000034"
LOCALITY_DALES = str(uuid.UUID(int=1))
LOCALITY_CRAVEN = str(uuid.UUID(int=2))


@dataclass(frozen=True)
class Planted:
    expected: OutcomeFacts
    zoe: str
    alun: str
    ceri: str


def _day(n: int) -> date:
    return clock.today() - timedelta(days=n)


def _person_id(ws: Workspace, nhs: str) -> str:
    from app.services.record import people

    with ws.store.read() as session:
        return people.find(session, nhs).id


def plant(ws: Workspace, team_id: str) -> Planted:
    """Write the caseload on `ws` (an enrolled laptop) and push it, in three syncs."""
    me = ws.actor.user_id
    assert me is not None
    register_person(
        ws,
        NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"),
        referral=NewReferral(source="hospital_discharge", urgency="urgent", received_on=_day(200)),
    )
    register_person(
        ws,
        NewPerson(ALUN, "Alun", "Pryce", "1950-09-30", "BD23 1AA"),
        referral=NewReferral(source="gp", urgency="routine", received_on=_day(60)),
    )
    register_person(ws, NewPerson(CERI, "Ceri", "Lloyd", "1944-02-29", "LA2 8AA"))
    zoe, alun, ceri = (_person_id(ws, n) for n in (ZOE, ALUN, CERI))
    add_referral(ws, person_id=alun, referral=NewReferral(source="self", received_on=_day(30)))
    # Contacts: one the day before Zoë's referral (not a first contact), then visits.
    add_note(ws, ZOE, "Saw her on the ward.", occurred_at=clock.at_local(_day(201), 15))
    first_visit = add_note(
        ws, ZOE, "First visit at home.", occurred_at=clock.at_local(_day(199), 10)
    )
    add_note(ws, ZOE, "Walking to the shop.", occurred_at=clock.at_local(_day(150), 11))
    add_note(ws, ALUN, "Phoned to arrange.", occurred_at=clock.at_local(_day(29), 9, 30))
    goal = add_goal(ws, person_id=zoe, statement="I want to make my own breakfast").entity_id
    agree_plan(
        ws,
        person_id=zoe,
        agreed_with_name="Zoë O'Neill",
        agreed_with_role="the person",
        agreed_on=_day(190),
        review_due=_day(100),
    )
    agree_plan(
        ws,
        person_id=zoe,
        agreed_with_name="Zoë O'Neill",
        agreed_with_role="the person",
        agreed_on=_day(95),
        review_due=_day(5),
    )
    episode = str(uuid.uuid4())
    in_error = str(uuid.uuid4())
    with operation(ws) as session:
        session.add_all(
            [
                # A correction is not a contact (even one whose time reads earlier).
                ContactNote(
                    person_id=zoe,
                    contact_type="home_visit",
                    occurred_at=clock.at_local(_day(199), 8),
                    narrative="First visit at home, with her daughter.",
                    author_id=me,
                    author_role=ws.actor.role,
                    organisation_id=ws.actor.organisation_id,
                    amends_id=first_visit,
                    amendment_reason="Left out who was there.",
                ),
                ReablementEpisode(
                    id=episode,
                    person_id=zoe,
                    started_on=_day(198),
                    planned_end_on=_day(160),
                    discharged_on=_day(199),
                ),
                ReablementEpisode(person_id=alun, started_on=_day(20), planned_end_on=_day(0)),
                GoalReview(
                    person_id=zoe,
                    goal_id=goal,
                    reviewed_on=_day(150),
                    result="achieved",
                    gas_score=1,
                    reviewed_by_id=me,
                ),
                HospitalEvent(person_id=zoe, kind="unplanned_admission", occurred_on=_day(210)),
                HospitalEvent(
                    id=in_error, person_id=zoe, kind="ae_attendance", occurred_on=_day(120)
                ),
                HospitalEvent(person_id=alun, kind="unplanned_admission", occurred_on=_day(80)),
                ExperienceAnswer(
                    person_id=zoe,
                    asked_on=_day(95),
                    statement="tell_story_once",
                    answer="yes_definitely",
                    answered_by="person",
                    asked_by_id=me,
                ),
            ]
        )
        for nhs, place in ((ZOE, LOCALITY_DALES), (ALUN, LOCALITY_CRAVEN), (CERI, LOCALITY_DALES)):
            person = session.get(Person, _person_id_in(session, nhs))
            assert person is not None
            person.locality_id = place
    sync(ws)
    # Later, after the first push: the episode ends, a baseline is set, an error found.
    with operation(ws) as session:
        found = session.get(ReablementEpisode, episode)
        assert found is not None
        found.ended_on, found.outcome = _day(160), "independent"
        made = session.get(Goal, goal)
        assert made is not None
        made.gas_baseline = -1
        event = session.get(HospitalEvent, in_error)
        assert event is not None
        event.entered_in_error = True
    close_case(ws, person_id=alun, reason="discharged", closed_on=_day(10))
    sync(ws)
    # Later still: the 91-day check.
    with operation(ws) as session:
        found = session.get(ReablementEpisode, episode)
        assert found is not None
        found.follow_up_on, found.follow_up_result = _day(100), "at_home"
    report = sync(ws)
    assert not report.refused, report.refused
    with ws.store.read() as session:
        made_ceri = session.get(Person, ceri)
        assert made_ceri is not None
        ceri_joined = clock.local(made_ceri.recorded_at).date()
    first_zoe = clock.at_local(_day(199), 10)
    first_alun = clock.at_local(_day(29), 9, 30)
    expected = OutcomeFacts(
        as_of=clock.today(),
        people=(
            PersonFact(zoe, team_id, LOCALITY_DALES, date(1938, 4, 12), _day(200), None, None),
            PersonFact(
                alun, team_id, LOCALITY_CRAVEN, date(1950, 9, 30), _day(60), _day(10), "discharged"
            ),
            PersonFact(ceri, team_id, LOCALITY_DALES, date(1944, 2, 29), ceri_joined, None, None),
        ),
        referrals=(
            ReferralFact(zoe, _day(200), "urgent", "hospital_discharge", first_zoe),
            ReferralFact(alun, _day(60), "routine", "gp", first_alun),
            ReferralFact(alun, _day(30), "routine", "self", first_alun),
        ),
        episodes=(
            EpisodeFact(
                zoe, _day(198), _day(160), _day(199), _day(160), "independent", _day(100), "at_home"
            ),
            EpisodeFact(alun, _day(20), _day(0), None, None, None, None, None),
        ),
        goal_reviews=(GoalReviewFact(zoe, goal, _day(150), "achieved", 1, -1),),
        hospital=(
            HospitalFact(zoe, "unplanned_admission", _day(210)),
            HospitalFact(alun, "unplanned_admission", _day(80)),
        ),
        plan_reviews=(
            PlanReviewFact(zoe, _day(100), _day(95)),
            PlanReviewFact(zoe, _day(5), None),
        ),
        experience=(ExperienceFact(zoe, _day(95), "tell_story_once", "yes_definitely"),),
    )
    return Planted(expected, zoe, alun, ceri)


def _person_id_in(session: Session, nhs: str) -> str:
    from app.services.record import people

    return people.find(session, nhs).id


KINDS = ("people", "referrals", "episodes", "goal_reviews", "hospital", "plan_reviews")


def same(facts: OutcomeFacts) -> dict[str, object]:
    """Facts as comparable regardless of order (the builders promise none)."""
    found: dict[str, object] = {
        name: sorted(getattr(facts, name), key=repr) for name in (*KINDS, "experience")
    }
    return found | {"as_of": facts.as_of}
