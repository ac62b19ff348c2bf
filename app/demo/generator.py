"""Build a synthetic demo caseload into an unlocked store.

Deterministic for a seed and an `as_of` date: one `random.Random(seed)` makes
every id, name, NHS number (999 test range only), date and sentence. Rows are
plain dicts written with `storage.bulk.insert_rows`, a chunk of people per
transaction, so each chunk commits with its change journal and memory stays flat.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo.carers import carer_rows
from app.demo.common import Row, new_id
from app.demo.directory import Directory, build_directory
from app.demo.neighbours import EVERY, Neighbours, add_neighbour_team, hand_over
from app.demo.notes import NoteBuilder
from app.demo.people import PersonFactory
from app.demo.plans import PlanBuilder
from app.demo.record import record_rows
from app.demo.reviews import ReviewBuilder
from app.demo.risks import risk_and_alert_rows
from app.demo.roles import seat_for
from app.demo.story import StoryTeller
from app.demo.support import SupportBuilder
from app.demo.visits import VisitPlanner
from app.errors import InvalidInputError
from app.services import clock
from app.values.vocab import Role
from storage import audit_log, settings
from storage.actor import Actor
from storage.bulk import insert_rows
from storage.store import Store
from storage.tables import (
    AboutMe,
    Alert,
    Assessment,
    Base,
    CarePlan,
    CarePlanVersion,
    CarerStrainCheck,
    ConsentToShare,
    ContactNote,
    ContingencyPlan,
    ExperienceAnswer,
    Goal,
    GoalReview,
    HospitalEvent,
    Locality,
    MentalCapacityAssessment,
    Need,
    Organisation,
    Person,
    PersonalBudget,
    PersonalContact,
    PlanAction,
    PlannedVisit,
    ProfessionalContact,
    ReablementEpisode,
    Referral,
    Risk,
    StaffMember,
    Strength,
    Team,
    TelecareItem,
)

logger = logging.getLogger(__name__)

CHUNK: Final = 250
DIRECTORY_TABLES: Final[tuple[type[Base], ...]] = (Organisation, Locality, Team, StaffMember)
# Parents before children, so every foreign key points at a row already written.
PERSON_TABLES: Final[tuple[type[Base], ...]] = (
    Person,
    Referral,
    AboutMe,
    PersonalContact,
    ProfessionalContact,
    ConsentToShare,
    MentalCapacityAssessment,
    Assessment,
    Strength,
    Need,
    ReablementEpisode,
    Goal,
    GoalReview,
    PlanAction,
    CarePlan,
    CarePlanVersion,
    ContingencyPlan,
    Risk,
    Alert,
    ContactNote,
    PlannedVisit,
    HospitalEvent,
    ExperienceAnswer,
    CarerStrainCheck,
    TelecareItem,
    PersonalBudget,
)


@dataclass(frozen=True)
class DemoSummary:
    people: int
    notes: int
    goals: int
    actions: int
    risks: int
    alerts: int
    carers: int
    staff: int
    signed_in_user_id: str


def build_demo_caseload(
    store: Store,
    *,
    people: int,
    seed: int,
    as_of: date | None = None,
    notes_per_person: float = 20.0,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
    sign_in_as: Role | str = Role.COMMUNITY_NURSE,
) -> DemoSummary:
    """Write a made-up caseload of `people` into an empty profile; return what was made.

    `as_of` is the demo's today (default: the clock's). Made on that day, `now` (default:
    the clock's) decides which of today's round visits are already done; a demo made as
    of another day is as of that day's start.

    `sign_in_as` (a role of app.demo.roles.DEMO_SEATS) picks which of the team's staff is
    the profile's user; the team and the caseload are the same whichever it is."""
    if people < 0:
        raise InvalidInputError("The number of demo people cannot be negative.")
    if notes_per_person < 0:
        raise InvalidInputError("The number of notes per person cannot be negative.")
    if now is not None:
        as_of = as_of or clock.local(now).date()
    elif as_of is None or as_of == clock.today():
        # Made today: what is already past today (the round's early visits) is done.
        now = clock.now()
    as_of = as_of or clock.today()
    seat = seat_for(sign_in_as)
    started = time.perf_counter()
    rng = random.Random(seed)
    trust_id, nurse_id = new_id(rng), new_id(rng)
    actor = Actor(
        user_id=nurse_id,
        organisation_id=trust_id,
        role=Role.COMMUNITY_NURSE.value,
        device_id=store.device_id,
    )
    directory = build_directory(rng, trust_id=trust_id, nurse_id=nurse_id)
    neighbours = add_neighbour_team(directory)
    user_id = directory.by_title(seat.job_title).id
    with store.write(actor) as session:
        _require_empty(session)
        for table in DIRECTORY_TABLES:
            insert_rows(session, table, directory.rows[table.__tablename__])
        settings.put(session, settings.SIGNED_IN_USER, user_id)
        settings.put(session, settings.HOME_ORGANISATION, trust_id)
        settings.put(session, settings.HOME_TEAM, directory.team_id)

    counts = {table.__tablename__: 0 for table in PERSON_TABLES}
    carers = 0
    makers = _Makers(rng, directory, as_of, notes_per_person, neighbours, now)
    done = 0
    while done < people:
        size = min(CHUNK, people - done)
        batch = makers.chunk(size, people - done)
        carers += sum(1 for c in batch["personal_contact"] if c["is_main_carer"])
        with store.write(actor) as session:
            for table in PERSON_TABLES:
                counts[table.__tablename__] += insert_rows(
                    session, table, batch[table.__tablename__]
                )
        done += size
        if progress is not None:
            progress(done, people)
    if people == 0 and progress is not None:
        progress(0, 0)

    with store.write(actor) as session:
        audit_log.append(
            session,
            "demo_created",
            detail={"people": people, "seed": seed, "role": seat.role.value},
        )
    logger.info(
        "demo caseload built: %d people, %d notes in %.1f s",
        people,
        counts["contact_note"],
        time.perf_counter() - started,
    )
    return DemoSummary(
        people=counts["person"],
        notes=counts["contact_note"],
        goals=counts["goal"],
        actions=counts["plan_action"],
        risks=counts["risk"],
        alerts=counts["alert"],
        carers=carers,
        staff=len(directory.staff),
        signed_in_user_id=user_id,
    )


class _Makers:
    """The per-person builders, run in a fixed order so one seed gives one caseload."""

    def __init__(
        self,
        rng: random.Random,
        d: Directory,
        as_of: date,
        per_person: float,
        neighbours: Neighbours,
        now: datetime | None,
    ) -> None:
        self.rng, self.d, self.as_of = rng, d, as_of
        self.neighbours = neighbours
        self.made = 0
        self.people = PersonFactory(rng, d, as_of)
        self.stories = StoryTeller(d, as_of)
        self.reviews = ReviewBuilder(d, as_of)
        self.plans = PlanBuilder(rng, d, as_of)
        self.notes = NoteBuilder(rng, d, as_of, per_person)
        self.visits = VisitPlanner(rng, d, as_of, now)
        self.support = SupportBuilder(d, as_of)

    def chunk(self, size: int, remaining: int) -> dict[str, list[Row]]:
        batch: dict[str, list[Row]] = {t.__tablename__: [] for t in PERSON_TABLES}
        for i in range(size):
            start = {name: len(rows) for name, rows in batch.items()}
            s = self.people.make(batch)
            # The story (referrals, reablement, hospital, closing) before the plan and
            # notes, so they agree with it; reviews after, from the plan's goals.
            self.stories.tell(s, batch["person"][-1], batch)
            record_rows(self.rng, s, self.d, self.as_of, batch)
            self.plans.build(s, batch)
            risk_and_alert_rows(self.rng, s, self.d, self.as_of, batch)
            self.notes.build(s, batch)
            self.visits.build(s, batch, remaining=remaining - i)
            self.reviews.build(s, batch)
            self.support.build(s, batch)  # after the notes: telecare responses need an alarm
            self.made += 1
            if self.made % EVERY == 0:
                # About one in ten: the neighbouring team's, outside the user's relationship.
                hand_over(self.neighbours, batch, start, self.made // EVERY, self.d.nurse.id)
            # After the hand-over: the checks are signed by whoever leads the person now.
            carer_rows(
                batch["person"][-1],
                batch["personal_contact"][start["personal_contact"] :],
                self.as_of,
                batch,
            )
        return batch


def _require_empty(session: Session) -> None:
    for table in (Person, Locality, StaffMember):
        if session.execute(select(func.count()).select_from(table)).scalar():
            raise InvalidInputError(
                "This profile already has records: build the demo caseload in a new profile."
            )
