"""The server's facts come in one order whatever order the database gave the records
in (two servers' facts, and the kept tables' and the journal's, compare equal): by
the fields named, then facts tied on those by all of their fields."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from app.reports.outcomes.facts import EpisodeFact, PlanReviewFact
from sync.server.outcome_facts import _ordered

DAY = date(2027, 5, 1)

# Tied on person and start day; told apart only by fields that may be None.
EPISODES = [
    EpisodeFact("p1", DAY, date(2027, 6, 12), None, None, None, None, None),
    EpisodeFact("p1", DAY, date(2027, 6, 12), DAY, None, None, None, None),
    EpisodeFact("p1", DAY, date(2027, 6, 12), DAY, date(2027, 6, 1), "independent", None, None),
    EpisodeFact("p1", DAY, date(2027, 6, 1), None, None, None, None, None),
    EpisodeFact("p0", date(2027, 7, 1), date(2027, 8, 1), None, None, None, None, None),
]
REVIEWS = [
    PlanReviewFact("p2", DAY, None),
    PlanReviewFact("p2", DAY, date(2027, 5, 3)),
    PlanReviewFact("p1", date(2027, 9, 1), None),
]


@given(st.permutations(EPISODES), st.permutations(REVIEWS))
def test_one_order_whatever_the_order_read(episodes: list, reviews: list) -> None:
    once = _ordered(episodes, "person_id", "started_on")
    assert once == _ordered(EPISODES, "person_id", "started_on")
    assert once[0].person_id == "p0"  # by person first
    assert sorted(once, key=repr) == sorted(EPISODES, key=repr)  # nothing lost or made
    assert _ordered(reviews, "person_id", "due_on") == _ordered(REVIEWS, "person_id", "due_on")
