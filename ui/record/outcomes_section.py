"""The record's "Reablement and outcomes" section: the reablement episode under way
(its day, planned end, goals and contacts), earlier episodes with their outcome and
91-day check, hospital and urgent care events, the latest review of each goal, and
the latest experience answers. Layout only: it shows the record's `OutcomesView` and
emits what the user asks for (the controller is `outcomes_controller`)."""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import QLabel

from app.services.outcomes.outcomes_view import (
    EpisodeItem,
    GoalReviewItem,
    HospitalItem,
    OutcomesView,
)
from app.services.record.record import PersonRecord
from app.values import reablement
from app.values.vocab import PersonStatus
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.rows_model import ColumnSpec, RowsModel
from ui.kit.widgets import button, button_row, esc, fit_rows, heading, size_columns, table
from ui.record.record_sections import Page, selected

logger = logging.getLogger(__name__)


def _text_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _restyle(label: QLabel, state: str) -> None:
    label.setProperty("state", state)
    label.style().unpolish(label)
    label.style().polish(label)


def waiting_check(view: OutcomesView, today: date) -> EpisodeItem | None:
    """The newest ended episode whose 91-day check is due and not done."""
    return next(
        (
            e
            for e in view.episodes
            if reablement.follow_up_waiting(e.follow_up_needed, e.follow_up_due, today)
        ),
        None,
    )


def _score(r: GoalReviewItem) -> str:
    if r.gas_score is None:
        return ""
    return f"+{r.gas_score}" if r.gas_score > 0 else str(r.gas_score).replace("-", "−")


def _spoken_score(r: GoalReviewItem) -> str:
    return tr("score {score}").format(score=r.gas_score) if r.gas_score is not None else ""


class OutcomesSection(Page):
    start_episode = Signal()
    replan_episode = Signal(object)  # EpisodeItem
    end_episode = Signal(object)  # EpisodeItem
    record_follow_up = Signal(object)  # EpisodeItem
    add_hospital_event = Signal()
    mark_in_error = Signal(object)  # HospitalItem
    ask_experience = Signal()

    def __init__(self) -> None:
        super().__init__("outcomesSection", "Reablement and outcomes")
        self._open: EpisodeItem | None = None
        self._waiting: EpisodeItem | None = None

        self.episode = _text_label("episodeStatus")
        self.start_button = button(
            "Start reablement…",
            name="startReablementButton",
            primary=True,
            tip="Up to six weeks of help to do things for themselves again",
        )
        self.replan_button = button("Change the plan…", name="replanReablementButton")
        self.end_button = button("End reablement…", name="endReablementButton")
        self.follow_up = _text_label("followUpStatus")
        self.follow_up_button = button(
            "Record the 91-day check…",
            name="followUpButton",
            primary=True,
            tip="Where the person is 91 days after leaving hospital (ASCOF 2B(1))",
        )
        self.earlier = _text_label("planText")
        self.earlier.setObjectName("earlierEpisodes")

        self.admissions = _text_label("admissionsSummary")
        self.hospital_model: RowsModel[HospitalItem] = RowsModel(
            [
                ColumnSpec("Date", lambda h: formatting.british_date(h.occurred_on)),
                ColumnSpec("What happened", lambda h: h.kind),
                ColumnSpec("Hospital", lambda h: h.hospital or ""),
                ColumnSpec("Detail", lambda h: h.detail or "", tooltip=lambda h: h.detail),
            ],
            parent=self,
        )
        self.hospital = table("hospitalTable", "Hospital and urgent care")
        self.hospital.setModel(self.hospital_model)
        self.hospital_button = button("Record a hospital event…", name="hospitalEventButton")
        self.in_error_button = button(
            "Mark in error…",
            name="markInErrorButton",
            tip="Recorded against the wrong person, or it never happened: kept, counted nowhere",
        )

        self.reviews_model: RowsModel[GoalReviewItem] = RowsModel(
            [
                ColumnSpec("Goal", lambda r: r.goal, tooltip=lambda r: r.goal),
                ColumnSpec("Result", lambda r: r.result, bold=lambda r: r.result == "Achieved"),
                ColumnSpec(
                    "Attainment",
                    _score,
                    spoken=lambda r: (
                        tr("score {score}").format(score=_score(r)) if _score(r) else ""
                    ),
                ),
                ColumnSpec("Reviewed", lambda r: formatting.british_date(r.reviewed_on)),
                ColumnSpec("By", lambda r: r.by or ""),
                ColumnSpec(
                    "What they said", lambda r: r.comment or "", tooltip=lambda r: r.comment
                ),
            ],
            parent=self,
        )
        self.reviews = table("goalReviewsTable", "The latest review of each goal")
        self.reviews.setModel(self.reviews_model)
        self.reviews_hint = QLabel()
        self.reviews_hint.setObjectName("hint")
        self.reviews_hint.setWordWrap(True)

        self.experience = _text_label("planText")
        self.experience.setObjectName("experienceAnswers")
        self.experience_button = button("Ask about their experience…", name="experienceButton")

        c = self.column
        c.addWidget(heading("Reablement and outcomes"))
        c.addWidget(self.episode)
        c.addLayout(button_row(self.start_button, self.replan_button, self.end_button))
        c.addWidget(self.follow_up)
        c.addLayout(button_row(self.follow_up_button))
        c.addWidget(self.earlier)
        c.addSpacing(8)
        c.addWidget(heading("Hospital and urgent care", level=3))
        c.addWidget(self.admissions)
        c.addWidget(self.hospital)
        c.addLayout(button_row(self.hospital_button, self.in_error_button))
        c.addSpacing(8)
        c.addWidget(heading("Goal reviews", level=3))
        c.addWidget(self.reviews)
        c.addWidget(self.reviews_hint)
        c.addSpacing(8)
        c.addWidget(heading("Their experience of care", level=3))
        c.addWidget(self.experience)
        c.addLayout(button_row(self.experience_button))
        c.addStretch(1)

        self.start_button.clicked.connect(self.start_episode)
        self.replan_button.clicked.connect(lambda: self._emit_open(self.replan_episode))
        self.end_button.clicked.connect(lambda: self._emit_open(self.end_episode))
        self.follow_up_button.clicked.connect(self._emit_follow_up)
        self.hospital_button.clicked.connect(self.add_hospital_event)
        self.in_error_button.clicked.connect(self._emit_in_error)
        self.experience_button.clicked.connect(self.ask_experience)
        self.clear()

    # -- user requests ------------------------------------------------------------------

    def _emit_open(self, signal: SignalInstance) -> None:
        if self._open is not None:
            signal.emit(self._open)

    def _emit_follow_up(self) -> None:
        if self._waiting is not None:
            self.record_follow_up.emit(self._waiting)

    def _emit_in_error(self) -> None:
        if isinstance(item := selected(self.hospital), HospitalItem):
            self.mark_in_error.emit(item)

    # -- showing ------------------------------------------------------------------------

    def show_record(self, record: PersonRecord, today: date) -> None:
        view = record.outcomes
        if view is None:
            self.clear()
            return
        self._open = view.open_episode
        self._waiting = waiting_check(view, today)
        case_open = record.header.status == PersonStatus.OPEN.value
        self._show_episode(self._open, today)
        self.start_button.setVisible(self._open is None and case_open)
        self.replan_button.setVisible(self._open is not None)
        self.end_button.setVisible(self._open is not None)
        self._show_follow_up(view, today)
        self._show_earlier(view)
        self.admissions.setText(esc(_admissions_text(view)))
        self.hospital_model.set_rows(view.hospital)
        fit_rows(self.hospital, least=1, most=6)
        size_columns(self.hospital, stretch=3)
        if view.hospital:
            self.hospital.selectRow(0)
        self.in_error_button.setEnabled(bool(view.hospital))
        self.reviews_model.set_rows(view.goal_reviews)
        # An empty table says nothing: say so in words instead.
        self.hospital.setVisible(bool(view.hospital))
        self.reviews.setVisible(bool(view.goal_reviews))
        how = tr("Review a goal from the care plan: select it, then Review…")
        none = "" if view.goal_reviews else tr("No goal reviewed yet.") + " "
        self.reviews_hint.setText(none + how)
        fit_rows(self.reviews, least=1, most=8)
        size_columns(self.reviews, stretch=0, fixed={5: 240})
        self.experience.setText(_experience_html(view))

    def _show_episode(self, episode: EpisodeItem | None, today: date) -> None:
        if episode is None:
            self.episode.setText(esc(tr("No reablement under way.")))
            _restyle(self.episode, "")
            return
        end = formatting.british_date(episode.planned_end_on)
        lines = [
            "<b>"
            + esc(
                tr("Reablement: day {day} of {days}, planned to end {end}").format(
                    day=episode.day or 0, days=episode.planned_days, end=end
                )
            )
            + "</b>"
        ]
        late = episode.planned_end_on < today
        if late:
            lines.append(f"<b>{esc(tr('Past its planned end: end it, or change the plan.'))}</b>")
        facts = [tr("Started on {day}").format(day=formatting.british_date(episode.started_on))]
        if episode.discharged_on is not None:
            facts.append(
                tr("left hospital on {day}").format(
                    day=formatting.british_date(episode.discharged_on)
                )
            )
        facts.append(tr("{n} contacts so far").format(n=episode.contacts))
        lines.append(esc("; ".join(facts) + "."))
        if episode.longer_reason:
            lines.append(esc(tr("Longer than six weeks: {why}").format(why=episode.longer_reason)))
        if episode.goals:
            goals = "".join(f"<li>{esc(statement)}</li>" for _, statement in episode.goals)
            lines.append(f"{esc(tr('The goals it works on:'))}<ul>{goals}</ul>")
        else:
            lines.append(esc(tr("No goals linked yet: Change the plan… adds them.")))
        self.episode.setText("<br>".join(lines))
        _restyle(self.episode, "overdue" if late else "under_way")

    def _show_follow_up(self, view: OutcomesView, today: date) -> None:
        waiting = self._waiting
        upcoming = next((e for e in view.episodes if e.follow_up_needed), None)
        self.follow_up_button.setVisible(waiting is not None)
        if waiting is not None:
            text = tr("91-day check due since {day}").format(
                day=formatting.british_date(waiting.follow_up_due)
            )
            self.follow_up.setText(f"<b>{esc(text)}</b>")
            self.follow_up.setAccessibleName(text)
            _restyle(self.follow_up, "overdue")  # the one overdue style, in words too
            self.follow_up.show()
        elif upcoming is not None:
            text = tr("91-day check due from {day}").format(
                day=formatting.british_date(upcoming.follow_up_due)
            )
            self.follow_up.setText(esc(text))
            self.follow_up.setAccessibleName(text)
            _restyle(self.follow_up, "")
            self.follow_up.show()
        else:
            self.follow_up.clear()
            self.follow_up.hide()

    def _show_earlier(self, view: OutcomesView) -> None:
        ended = [e for e in view.episodes if not e.under_way]
        if not ended:
            self.earlier.hide()
            return
        rows = []
        for e in ended:
            when = tr("{start} to {end}").format(
                start=formatting.british_date(e.started_on),
                end=formatting.british_date(e.ended_on),
            )
            line = f"<b>{esc(when)}</b>: {esc(e.outcome or '')}."
            if e.follow_up_on is not None:
                check = tr("91-day check on {day}: {result}.").format(
                    day=formatting.british_date(e.follow_up_on), result=e.follow_up_result or ""
                )
                line += f" {esc(check)}"
            rows.append(f"<li>{line}</li>")
        self.earlier.setText(
            f"<b>{esc(tr('Reablement episodes ended'))}</b><ul>{''.join(rows)}</ul>"
        )
        self.earlier.show()

    def clear(self) -> None:
        self._open = None
        self._waiting = None
        self.episode.clear()
        self.follow_up.clear()
        self.follow_up.hide()
        self.follow_up_button.hide()
        self.replan_button.hide()
        self.end_button.hide()
        self.earlier.clear()
        self.earlier.hide()
        self.admissions.clear()
        self.hospital_model.clear()
        self.reviews_model.clear()
        self.experience.clear()


def _admissions_text(view: OutcomesView) -> str:
    if view.joined_on is None:
        return tr("Unplanned admissions: {n}.").format(n=view.admissions_since)
    before = view.admissions_before
    return tr(
        "{before} unplanned {admissions} in the year before joining the caseload "
        "({joined}); {since} since."
    ).format(
        before=before,
        admissions=tr("admission") if before == 1 else tr("admissions"),
        joined=formatting.british_date(view.joined_on),
        since=view.admissions_since,
    )


def _experience_html(view: OutcomesView) -> str:
    answers = view.experience
    if answers is None:
        return esc(tr("Not asked yet. Ask at a plan review, with the person."))
    asked = tr("Asked on {day}{by}; answered by {whom}.").format(
        day=formatting.british_date(answers.asked_on),
        by=tr(" by {who}").format(who=answers.by) if answers.by else "",
        whom=answers.answered_by.lower(),
    )
    rows = "".join(
        f"<li>{esc(statement)} <b>{esc(answer)}</b></li>" for statement, answer in answers.answers
    )
    return f"{esc(asked)}<ul>{rows}</ul>"
