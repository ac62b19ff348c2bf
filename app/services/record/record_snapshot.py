"""One person's whole record, read once, with need-to-know applied once.

`load_snapshot` reads everything a person has (every section's rows, the staff,
organisations, teams and localities they name or the viewer belongs to, and as many
notes as asked for) in the caller's session, and applies the access policy there:
an alert's restricted detail and a sensitive note's narrative are replaced in the
snapshot's own copies for a viewer who may not see them, with whom to ask beside.
The screen (`record.screen_record`), `onerecord show` (`record_view.shown_record`),
the printed plan (`app.reports.plan_content`) and the FHIR export
(`app.reports.fhir`) are projections of it: none reads a table of the record
itself, so none can forget a restriction. (The timeline pages notes on its own,
with the same `Access`.) A new section is a table, a line here, and each projection
that shows it.

The copies are transient ORM objects, never added to a session: changing one
writes nothing, and the rows in the session are never touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import func, select, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from app.errors import NotFoundError
from app.services.clock import day_bounds
from app.services.need_to_know.access import Access, require_access
from storage.actor import Actor
from storage.tables import (
    AboutMe,
    Alert,
    Assessment,
    CarePlan,
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

Row = TypeVar("Row")


@dataclass(frozen=True)
class RecordSnapshot:
    """Everything of one person's record one viewer may see, as read at one moment.
    Rows are in the order they were stored; each projection orders them as it shows
    them."""

    person: Person
    access: Access
    about: AboutMe | None
    plan: CarePlan | None
    goals: tuple[Goal, ...]
    actions: tuple[PlanAction, ...]
    needs: tuple[Need, ...]
    strengths: tuple[Strength, ...]
    contingencies: tuple[ContingencyPlan, ...]
    risks: tuple[Risk, ...]
    # Restricted detail only where this viewer may see it (else None; `alert_asks`
    # says whom to ask).
    alerts: tuple[Alert, ...]
    personal_contacts: tuple[PersonalContact, ...]
    professional_contacts: tuple[ProfessionalContact, ...]
    consents: tuple[ConsentToShare, ...]
    assessments: tuple[Assessment, ...]
    capacity: tuple[MentalCapacityAssessment, ...]
    referrals: tuple[Referral, ...]
    visits: tuple[PlannedVisit, ...]
    # What the work achieved (app.services.outcomes.outcomes_view reads them).
    episodes: tuple[ReablementEpisode, ...]
    goal_reviews: tuple[GoalReview, ...]
    hospital_events: tuple[HospitalEvent, ...]
    experience: tuple[ExperienceAnswer, ...]
    # Support at home (app.services.support.support_view reads them).
    telecare: tuple[TelecareItem, ...]
    budgets: tuple[PersonalBudget, ...]
    # Contact notes made within each reablement episode's dates (all of them, not only
    # the notes read above): episode id -> count.
    episode_contacts: dict[str, int]
    # The newest notes asked for, newest first; a sensitive narrative this viewer may
    # not read is "" (`note_asks` says whom to ask).
    notes: tuple[ContactNote, ...]
    staff: dict[str, StaffMember]
    organisations: dict[str, Organisation]
    teams: dict[str, Team]
    localities: dict[str, Locality]
    alert_asks: dict[str, str] = field(default_factory=dict)
    note_asks: dict[str, str] = field(default_factory=dict)
    # Carer-strain checks (app.services.carers.strain_trends makes each carer's trend).
    strain_checks: tuple[CarerStrainCheck, ...] = ()


def load_snapshot(
    session: Session, actor: Actor, person_id: str, *, notes: int | None = 0
) -> RecordSnapshot:
    """The person's record for this actor (AccessDeniedError outside a legitimate
    relationship without break-glass). `notes`: how many of the newest notes (None:
    all of them)."""
    access = require_access(session, actor, person_id)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError("That person is no longer in this profile.")
    alerts, alert_asks = _shown_alerts(_rows(session, Alert, person_id), access)
    note_rows = _notes(session, person_id, notes)
    risks = _rows(session, Risk, person_id)
    visits = _rows(session, PlannedVisit, person_id)
    actions = _rows(session, PlanAction, person_id)
    professional = _rows(session, ProfessionalContact, person_id)
    consents = _rows(session, ConsentToShare, person_id)
    assessments = _rows(session, Assessment, person_id)
    capacity = _rows(session, MentalCapacityAssessment, person_id)
    episodes = _rows(session, ReablementEpisode, person_id)
    reviews = _rows(session, GoalReview, person_id)
    experience = _rows(session, ExperienceAnswer, person_id)
    strain_checks = _rows(session, CarerStrainCheck, person_id)
    plan = _one(session, CarePlan, person_id)
    staff = _by_id(
        session,
        StaffMember,
        [
            actor.user_id,  # the viewer: an export says who assembled it
            person.lead_professional_id,
            plan.review_owner_id if plan else None,
            *(r.owner_id for r in risks),
            *(v.assigned_to_id for v in visits),
            *(c.staff_member_id for c in professional),
            *(n.author_id for n in note_rows),
            *(a.performed_by_id for a in assessments),
            *(m.assessed_by_id for m in capacity),
            *(r.reviewed_by_id for r in reviews),
            *(e.asked_by_id for e in experience),
            *(c.asked_by_id for c in strain_checks),
        ],
    )
    shown_notes, note_asks = _shown_notes(note_rows, access, staff)
    teams = _by_id(session, Team, [person.team_id, *(s.team_id for s in staff.values())])
    organisations = _by_id(
        session,
        Organisation,
        [
            actor.organisation_id,
            person.gp_practice_id,
            *(s.organisation_id for s in staff.values()),
            *(t.organisation_id for t in teams.values()),
            *(a.who_organisation_id for a in actions),
            *(c.organisation_id for c in professional),
            *(c.partner_organisation_id for c in consents),
            *(n.organisation_id for n in note_rows),
            *(a.recorded_org for a in assessments),
            *(m.recorded_org for m in capacity),
        ],
    )
    return RecordSnapshot(
        person=person,
        access=access,
        about=_one(session, AboutMe, person_id),
        plan=plan,
        goals=_rows(session, Goal, person_id),
        actions=actions,
        needs=_rows(session, Need, person_id),
        strengths=_rows(session, Strength, person_id),
        contingencies=_rows(session, ContingencyPlan, person_id),
        risks=risks,
        alerts=alerts,
        personal_contacts=_rows(session, PersonalContact, person_id),
        professional_contacts=professional,
        consents=consents,
        assessments=assessments,
        capacity=capacity,
        referrals=_rows(session, Referral, person_id),
        visits=visits,
        episodes=episodes,
        goal_reviews=reviews,
        hospital_events=_rows(session, HospitalEvent, person_id),
        experience=experience,
        telecare=_rows(session, TelecareItem, person_id),
        budgets=_rows(session, PersonalBudget, person_id),
        episode_contacts=_episode_contacts(session, person_id, episodes),
        notes=shown_notes,
        staff=staff,
        organisations=organisations,
        teams=teams,
        localities=_by_id(session, Locality, [person.locality_id]),
        alert_asks=alert_asks,
        note_asks=note_asks,
        strain_checks=strain_checks,
    )


def _rows(session: Session, table: type[Row], person_id: str) -> tuple[Row, ...]:
    # In the order stored (SQLite's rowid), as the person's index hands them back.
    stmt = select(table).where(table.person_id == person_id).order_by(text("rowid"))  # type: ignore[attr-defined]
    return tuple(session.execute(stmt).scalars())


def _one(session: Session, table: type[Row], person_id: str) -> Row | None:
    stmt = select(table).where(table.person_id == person_id)  # type: ignore[attr-defined]
    return session.execute(stmt).scalar_one_or_none()


def _by_id(session: Session, table: type[Row], ids: Iterable[str | None]) -> dict[str, Row]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    stmt = select(table).where(table.id.in_(wanted))  # type: ignore[attr-defined]
    return {row.id: row for row in session.execute(stmt).scalars()}  # type: ignore[attr-defined]


def _episode_contacts(
    session: Session, person_id: str, episodes: Iterable[ReablementEpisode]
) -> dict[str, int]:
    found: dict[str, int] = {}
    for episode in episodes:
        start, _ = day_bounds(episode.started_on)
        _, end = day_bounds(episode.ended_on or episode.planned_end_on)
        found[episode.id] = int(
            session.execute(
                select(func.count())
                .select_from(ContactNote)
                .where(
                    ContactNote.person_id == person_id,
                    ContactNote.occurred_at >= start,
                    ContactNote.occurred_at < end,
                )
            ).scalar_one()
        )
    return found


def _notes(session: Session, person_id: str, limit: int | None) -> list[ContactNote]:
    if limit == 0:
        return []
    stmt = (
        select(ContactNote)
        .where(ContactNote.person_id == person_id)
        .order_by(ContactNote.occurred_at.desc(), ContactNote.id)
    )
    return list(session.execute(stmt if limit is None else stmt.limit(limit)).scalars())


def _copy(row: Row, **shown: Any) -> Row:
    """A transient copy of a row with some values replaced (never in a session)."""
    values = {c.key: getattr(row, c.key) for c in sa_inspect(type(row)).column_attrs}
    return type(row)(**(values | shown))


def _shown_alerts(
    alerts: Iterable[Alert], access: Access
) -> tuple[tuple[Alert, ...], dict[str, str]]:
    shown: list[Alert] = []
    asks: dict[str, str] = {}
    for alert in alerts:
        detail, ask = access.alert_detail(alert.kind, alert.restricted_detail)
        if ask is not None:
            asks[alert.id] = ask
        shown.append(
            _copy(alert, restricted_detail=detail) if detail != alert.restricted_detail else alert
        )
    return tuple(shown), asks


def _shown_notes(
    notes: Iterable[ContactNote], access: Access, staff: dict[str, StaffMember]
) -> tuple[tuple[ContactNote, ...], dict[str, str]]:
    shown: list[ContactNote] = []
    asks: dict[str, str] = {}
    for note in notes:
        author = staff.get(note.author_id or "")
        text, ask = access.note_text(
            note.narrative,
            sensitive=note.sensitive,
            author_id=note.author_id,
            author_role=note.author_role,
            author_name=author.display_name if author else None,
        )
        if ask is not None:
            asks[note.id] = ask
        shown.append(_copy(note, narrative=text) if text != note.narrative else note)
    return tuple(shown), asks


def undated_first(value: date | datetime | None) -> tuple[bool, Any]:
    """A sort key for a date, ordering as SQLite does ascending: undated first. The
    projections order the snapshot's rows with it as the SQL they replaced did."""
    return (value is not None, value)
