"""Assessments and mental capacity recorded from the app, each signed by its author
(name and organisation shown with it): a lack of capacity needs the reasons; an
assessment cannot be dated in the future; bad input writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInputError
from app.services import clock
from app.services.care.assessments import record_assessment, record_capacity
from app.services.record import people
from app.services.record.record import open_record
from app.workspace import Workspace
from storage.tables import ChangeRecord
from tests.conftest import ZOE


def _pid(ws: Workspace) -> str:
    with ws.store.read() as session:
        return people.find(session, ZOE).id


def _changes(ws: Workspace) -> int:
    with ws.store.read() as session:
        return int(session.execute(select(func.count()).select_from(ChangeRecord)).scalar_one())


def test_each_part_is_signed_by_its_author_and_shown_in_the_record(populated: Workspace) -> None:
    pid = _pid(populated)
    record_assessment(
        populated,
        person_id=pid,
        assessment_type="Falls risk",
        summary="Two falls since August; uses a frame indoors.",
        score="High",
    )
    record_capacity(
        populated,
        person_id=pid,
        decision="Where to live after discharge",
        outcome="lacks_capacity",
        notes="Could not retain the options for long enough to weigh them, on two visits.",
    )
    record = open_record(populated, pid)
    (falls,) = record.assessments
    (where,) = record.capacity
    assert falls.kind == "Falls risk" and falls.score == "High"
    assert falls.by and where.by  # the author's name (and organisation, when known)
    assert where.score == "lacks_capacity" and "retain" in where.summary


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda ws, pid: record_capacity(
                ws, person_id=pid, decision="Managing money", outcome="lacks_capacity", notes=""
            ),
            "Say how the test was applied",
        ),
        (
            lambda ws, pid: record_assessment(
                ws,
                person_id=pid,
                assessment_type="Continence",
                summary="x",
                assessed_on=(clock.today() + timedelta(days=1)).isoformat(),
            ),
            "in the future",
        ),
        (
            lambda ws, pid: record_assessment(
                ws, person_id=pid, assessment_type="Continence", summary="  "
            ),
            "Enter the findings",
        ),
    ],
    ids=["lacks-capacity-without-reasons", "future", "empty"],
)
def test_bad_input_writes_nothing(populated: Workspace, call: object, message: str) -> None:
    before = _changes(populated)
    with pytest.raises(InvalidInputError, match=message):
        call(populated, _pid(populated))  # type: ignore[operator]
    assert _changes(populated) == before
