"""The dialogs of "Reablement and outcomes": start, change and end a reablement
episode, its 91-day check, a hospital event, the experience statements, and a goal's
review. Each is one app operation (app/services/outcomes/); every bad input comes
back from it as one plain line in the dialog, and nothing is half-written."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from PySide6.QtWidgets import QLineEdit

from app.errors import InvalidInputError
from app.rules import parse_date
from app.services import clock
from app.services.changes import Change
from app.services.outcomes import episodes, experience, goal_reviews, hospital_events
from app.services.outcomes.outcomes_view import EpisodeItem
from app.services.record.record import GoalItem, PersonRecord
from app.values import overdue, reablement
from app.values.vocab import (
    AnsweredBy,
    ExperienceAnswer,
    ExperienceStatement,
    FollowUpResult,
    GoalResult,
    HospitalEventKind,
    ReablementOutcome,
)
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit.forms import Field, FormDialog
from ui.record.editor import Editor, choices, date_text

logger = logging.getLogger(__name__)

# The status bar's "… saved." for each Change.action these dialogs make.
SAVED = {
    "reablement_started": "Reablement started.",
    "reablement_replanned": "Reablement plan changed.",
    "reablement_ended": "Reablement ended: the 91-day check is due from day 91.",
    "reablement_follow_up": "91-day check recorded.",
    "hospital_event_recorded": "Hospital event recorded.",
    "hospital_event_in_error": "Marked as recorded in error: kept, and counted nowhere.",
    "experience_recorded": "Their answers are saved.",
    "goal_reviewed": "Goal review saved.",
}

# What each dialog is, as the Today page's waiting drafts name them.
KINDS = {
    "start_reablement": "Starting reablement",
    "replan_reablement": "Changing the reablement plan",
    "end_reablement": "Ending reablement",
    "follow_up": "91-day check",
    "hospital_event": "Hospital event",
    "experience": "Experience questions",
    "goal_review": "Goal review",
}

# Goal attainment scale (Turner-Stokes 2009): where the person starts (values as text:
# a choice's data is what a draft keeps), and a review's score.
BASELINE_CHOICES = (
    ("", "No attainment scale"),
    ("-1", "Starts at −1: they could get worse"),
    ("-2", "Starts at −2: they cannot get worse"),
)
SCORE_CHOICES = (
    ("", "Not scored"),
    ("-2", "−2: much less than expected"),
    ("-1", "−1: somewhat less than expected"),
    ("0", "0: as expected"),
    ("1", "+1: somewhat more than expected"),
    ("2", "+2: much more than expected"),
)


def _open_goals(record: PersonRecord) -> tuple[tuple[str, str], ...]:
    return tuple((g.id, g.statement) for g in record.plan.goals if g.status in overdue.OPEN_GOALS)


def _text(values: dict[str, Any], name: str) -> str:
    return str(values.get(name) or "")


def _ids(values: dict[str, Any], name: str) -> list[str]:
    return [str(v) for v in values.get(name) or ()]


# -- the episode ------------------------------------------------------------------------


def start_reablement(record: PersonRecord) -> Editor:
    header = record.header
    today = clock.today()

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return episodes.start_episode(
            ws,
            person_id=header.person_id,
            started_on=_text(v, "started_on"),
            discharged_on=_text(v, "discharged_on"),
            planned_end_on=_text(v, "planned_end_on"),
            longer_reason=_text(v, "longer_reason"),
            goal_ids=_ids(v, "goals"),
            draft_key=draft,
        )

    fields = (
        Field("started_on", "Starts on", "date"),
        Field(
            "discharged_on",
            "Left hospital on",
            "date",
            optional=True,
            beside=True,
            hint="Empty if they came from home: the 91-day check counts from the start.",
        ),
        Field(
            "planned_end_on",
            "Planned to end on",
            "date",
            hint="Up to six weeks (42 days) from the start.",
        ),
        Field(
            "longer_reason",
            "Why longer than six weeks",
            optional=True,
            beside=True,
            hint="Needed only when it is planned to end after day 42.",
        ),
        Field(
            "goals",
            "The goals it works on",
            "checklist",
            choices=_open_goals(record),
            optional=True,
            rows=4,
        ),
    )
    return Editor(
        kind="start_reablement",
        entity_id=None,
        person_id=header.person_id,
        title=tr("Start reablement: {name}").format(name=header.full_name),
        fields=fields,
        save=save,
        initial={
            "started_on": date_text(today),
            "planned_end_on": date_text(reablement.default_planned_end(today)),
        },
        intro=tr("Short-term help to do things for themselves again, with the goals it serves."),
        submit_label="Start reablement",
        focus="started_on",
        wire=_end_follows_start,
    )


def _read_date(text: str) -> date | None:
    try:
        return parse_date(text) if text.strip() else None
    except InvalidInputError:
        return None  # still being typed: the service says so on save


def _end_follows_start(dialog: FormDialog) -> None:
    """The planned end moves with the start while it is still six weeks after it; once
    the user has typed their own end, it stays theirs."""
    start, end = dialog.field("started_on"), dialog.field("planned_end_on")
    assert isinstance(start, QLineEdit)
    assert isinstance(end, QLineEdit)
    started = _read_date(start.text())
    shown = {"default": date_text(reablement.default_planned_end(started)) if started else ""}

    def follow(text: str) -> None:
        started = _read_date(text)
        if started is None or end.text() != shown["default"]:
            return
        shown["default"] = date_text(reablement.default_planned_end(started))
        end.setText(shown["default"])

    start.textChanged.connect(follow)


def replan_reablement(record: PersonRecord, episode: EpisodeItem) -> Editor:
    header = record.header
    linked = [goal_id for goal_id, _ in episode.goals]
    # The goals it works on ticked, then the plan's other open goals: untick one it
    # no longer works on (the goal stays in the plan), tick one to add it.
    choices = (*episode.goals, *((i, s) for i, s in _open_goals(record) if i not in linked))

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        ticked = _ids(v, "goals")
        return episodes.replan_episode(
            ws,
            episode_id=episode.id,
            planned_end_on=_text(v, "planned_end_on"),
            longer_reason=_text(v, "longer_reason"),
            goal_ids=[i for i in ticked if i not in linked],
            dropped_goal_ids=[i for i in linked if i not in ticked],
            draft_key=draft,
        )

    fields: list[Field] = [
        Field(
            "planned_end_on",
            "Planned to end on",
            "date",
            hint="Up to six weeks (42 days) from the start.",
        ),
        Field(
            "longer_reason",
            "Why longer than six weeks",
            optional=True,
            beside=True,
            hint="Needed only when it is planned to end after day 42.",
        ),
    ]
    if choices:
        fields.append(
            Field(
                "goals",
                "Goals it works on",
                "checklist",
                choices=tuple(choices),
                optional=True,
                rows=4,
            )
        )
    started = date_text(episode.started_on)
    return Editor(
        kind="replan_reablement",
        entity_id=episode.id,
        person_id=header.person_id,
        title=tr("Change the reablement plan: {name}").format(name=header.full_name),
        fields=tuple(fields),
        save=save,
        initial={
            "planned_end_on": date_text(episode.planned_end_on),
            "longer_reason": episode.longer_reason or "",
            "goals": linked,
        },
        intro=tr("Started on {start}; day {day} of {days}.").format(
            start=started, day=episode.day or 0, days=episode.planned_days
        ),
        focus="planned_end_on",
    )


def end_reablement(record: PersonRecord, episode: EpisodeItem) -> Editor:
    header = record.header

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return episodes.end_episode(
            ws,
            episode_id=episode.id,
            outcome=_text(v, "outcome"),
            ended_on=_text(v, "ended_on"),
            draft_key=draft,
        )

    fields = (
        Field("ended_on", "Ended on", "date"),
        Field(
            "outcome",
            "How it ended",
            "choice",
            choices=(("", "Choose one"), *choices(ReablementOutcome)),
        ),
    )
    due = reablement.follow_up_due(episode.started_on, episode.discharged_on)
    return Editor(
        kind="end_reablement",
        entity_id=episode.id,
        person_id=header.person_id,
        title=tr("End reablement: {name}").format(name=header.full_name),
        fields=fields,
        save=save,
        initial={"ended_on": date_text(clock.today())},
        intro=tr(
            "Started on {start}. Their 91-day check is due from {due}, unless they died."
        ).format(start=date_text(episode.started_on), due=date_text(due)),
        submit_label="End reablement",
        focus="outcome",
    )


def follow_up(record: PersonRecord, episode: EpisodeItem) -> Editor:
    header = record.header

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return episodes.record_follow_up(
            ws,
            episode_id=episode.id,
            result=_text(v, "result"),
            follow_up_on=_text(v, "follow_up_on"),
            draft_key=draft,
        )

    counted_from = reablement.follow_up_counted_from(episode.started_on, episode.discharged_on)
    since = (
        tr("they left hospital on {day}")
        if episode.discharged_on is not None
        else tr("reablement started on {day}")
    ).format(day=date_text(counted_from))
    fields = (
        Field("follow_up_on", "Checked on", "date"),
        Field(
            "result",
            "Where they are now",
            "choice",
            choices=(("", "Choose one"), *choices(FollowUpResult)),
            hint="At home includes extra care housing. Not known is not counted as at home.",
        ),
    )
    return Editor(
        kind="follow_up",
        entity_id=episode.id,
        person_id=header.person_id,
        title=tr("91-day check: {name}").format(name=header.full_name),
        fields=fields,
        save=save,
        initial={"follow_up_on": date_text(clock.today())},
        intro=tr("Where are they 91 days after {since}? Due from {due}.").format(
            since=since, due=date_text(episode.follow_up_due)
        ),
        submit_label="Record the check",
        focus="result",
    )


# -- hospital and urgent care, experience -------------------------------------------------


def hospital_event(record: PersonRecord) -> Editor:
    header = record.header

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return hospital_events.record_hospital_event(
            ws,
            person_id=header.person_id,
            kind=_text(v, "kind"),
            occurred_on=_text(v, "occurred_on"),
            hospital=_text(v, "hospital"),
            detail=_text(v, "detail"),
            draft_key=draft,
        )

    fields = (
        Field("kind", "What happened", "choice", choices=choices(HospitalEventKind)),
        Field("occurred_on", "On", "date", beside=True),
        Field("hospital", "Hospital", optional=True),
        Field("detail", "What for, and anything to follow up", "text", optional=True, lines=3),
    )
    return Editor(
        kind="hospital_event",
        entity_id=None,
        person_id=header.person_id,
        title=tr("Record a hospital event: {name}").format(name=header.full_name),
        fields=fields,
        save=save,
        intro=tr("Unplanned admissions are counted before and since joining the caseload."),
        focus="kind",
    )


def ask_experience(record: PersonRecord) -> Editor:
    header = record.header
    answers = (("", "Not asked"), *choices(ExperienceAnswer))

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return experience.record_experience(
            ws,
            person_id=header.person_id,
            answers={s.value: _text(v, s.value) for s in ExperienceStatement},
            answered_by=_text(v, "answered_by") or AnsweredBy.PERSON.value,
            asked_on=_text(v, "asked_on"),
            draft_key=draft,
        )

    fields = (
        Field("answered_by", "Whose answers", "choice", choices=choices(AnsweredBy)),
        Field("asked_on", "Asked on", "date", beside=True),
        *(
            Field(s.value, s.label, "choice", choices=answers, optional=True)
            for s in ExperienceStatement
        ),
    )
    return Editor(
        kind="experience",
        entity_id=None,
        person_id=header.person_id,
        title=tr("Their experience: {name}").format(name=header.full_name),
        fields=fields,
        save=save,
        initial={"asked_on": date_text(clock.today())},
        intro=tr(
            "Read each statement with them: how true is it for them? Leave any not asked. "
            '(National Voices\' "I" statements.)'
        ),
        submit_label="Save their answers",
        focus="answered_by",
    )


# -- a goal's review ----------------------------------------------------------------------


def goal_review(record: PersonRecord, goal: GoalItem) -> Editor:
    header = record.header
    scaled = goal.gas_baseline is not None

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return goal_reviews.review_goal(
            ws,
            goal_id=goal.id,
            result=_text(v, "result"),
            gas_score=_text(v, "gas_score") if scaled else None,
            comment=_text(v, "comment"),
            reviewed_on=_text(v, "reviewed_on"),
            draft_key=draft,
        )

    fields: list[Field] = [
        Field(
            "result",
            "How it went",
            "choice",
            choices=(("", "Choose one"), *choices(GoalResult)),
        ),
        Field("reviewed_on", "Reviewed on", "date", beside=True),
    ]
    if scaled:
        fields.append(
            Field(
                "gas_score",
                "Goal attainment score",
                "choice",
                choices=SCORE_CHOICES,
                optional=True,
                hint=tr("Their scale starts at {start}. For the team: never printed.").format(
                    start=f"−{abs(goal.gas_baseline or 0)}"
                ),
            )
        )
    fields.append(
        Field(
            "comment",
            "What the person said",
            "text",
            optional=True,
            lines=3,
            hint="In their words: it becomes the goal's outcome in the plan.",
        )
    )
    return Editor(
        kind="goal_review",
        entity_id=goal.id,
        person_id=header.person_id,
        title=tr("Review a goal: {name}").format(name=header.full_name),
        fields=tuple(fields),
        save=save,
        initial={"reviewed_on": date_text(clock.today())},
        intro=goal.statement,
        submit_label="Save the review",
        focus="result",
    )


def editor_for(kind: str, entity_id: str | None, record: PersonRecord) -> Editor | None:
    """One of these dialogs again, from its kind and entity (after an unlock)."""
    outcomes = record.outcomes
    episode = next((e for e in (outcomes.episodes if outcomes else ()) if e.id == entity_id), None)
    goal = next((g for g in record.plan.goals if g.id == entity_id), None)
    match kind:
        case "start_reablement":
            return start_reablement(record)
        case "replan_reablement" if episode is not None and episode.under_way:
            return replan_reablement(record, episode)
        case "end_reablement" if episode is not None and episode.under_way:
            return end_reablement(record, episode)
        case "follow_up" if episode is not None and episode.follow_up_needed:
            return follow_up(record, episode)
        case "hospital_event":
            return hospital_event(record)
        case "experience":
            return ask_experience(record)
        case "goal_review" if goal is not None:
            return goal_review(record, goal)
    return None
