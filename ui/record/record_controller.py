"""What the record page does: open a person's record off the GUI thread, keep it
current as changes land, and run its editing dialogs with their drafts.

Opening reads the record, the first page of the timeline and its filters in one
task, so the page paints once, complete. Every save is an app operation; its
Change comes back on `Operations.changed` and the page refreshes itself. The
editing dialog and its draft are `editor_dialog.EditorDialog`'s; this says which
editor to open and reports what was saved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from app.errors import AccessDeniedError
from app.services import clock
from app.services.care import joint_assessment
from app.services.care.revisit import NextVisit, carried_forward
from app.services.care.visits import todays_planned_visit
from app.services.changes import RECORD_AREAS, TIMELINE, Change
from app.services.record import case, restricted_view
from app.services.record.record import PersonRecord, open_record, partner_organisations
from app.services.record.since_last_seen import SinceLastSeen, mark_seen, since_last_seen
from app.services.record.timeline import (
    TimelineEntry,
    TimelineFilters,
    TimelineQuery,
    fetch_timeline,
    timeline_filters,
)
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit.forms import FormDialog
from ui.kit.operations import Operations
from ui.record import carer_editors, editors, meeting_editor, outcomes_editors, support_editors
from ui.record.break_glass_flow import BreakGlassFlow, Refused, refusal
from ui.record.editor_dialog import EditorDialog, PendingDraft
from ui.record.editors import Editor
from ui.record.outcomes_controller import OutcomesController
from ui.record.record_page import RecordPage, Section
from ui.record.support_controller import SupportController
from ui.record.timeline_model import PAGE_SIZE, TimelineModel

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordPlace:
    """Where the user was on the record page when the app locked (ids only)."""

    person_id: str
    section: Section
    dialog: tuple[str, str | None] | None = None  # (editor kind, entity id)


@dataclass(frozen=True)
class _Loaded:
    record: PersonRecord
    planned: tuple[str, Any] | None
    next_visit: NextVisit | None  # what a revisit note carries forward
    partners: tuple[tuple[str, str], ...]
    total: int
    first_page: list[TimelineEntry]
    filters: TimelineFilters
    since: SinceLastSeen  # colleagues' changes since the user last saw the record


def _load(ws: Workspace, person_id: str, *, viewed: bool, timeline: bool) -> _Loaded:
    record = open_record(ws, person_id, viewed=viewed)
    total, page = 0, list[TimelineEntry]()
    filters = TimelineFilters((), ())
    if timeline:
        total, page = fetch_timeline(ws, TimelineQuery(person_id=person_id, limit=PAGE_SIZE))
        filters = timeline_filters(ws, person_id)
    return _Loaded(
        record=record,
        planned=todays_planned_visit(ws, person_id=person_id),
        next_visit=carried_forward(ws, person_id=person_id),
        partners=tuple(partner_organisations(ws)),
        total=total,
        first_page=page,
        filters=filters,
        since=since_last_seen(ws, person_id),
    )


def _load_or_refused(ws: Workspace, person_id: str) -> _Loaded | Refused:
    try:
        return _load(ws, person_id, viewed=True, timeline=True)
    except AccessDeniedError as err:
        return refusal(ws, person_id, str(err))


class RecordController(QObject):
    loaded = Signal(str)  # person id: the record is on screen
    dialog_opened = Signal(object)  # the FormDialog
    saved = Signal(str)  # a plain "Visit note saved." for the status bar
    print_requested = Signal(str, str)  # NHS number, the person's name

    def __init__(
        self,
        ops: Operations,
        page: RecordPage,
        timeline: TimelineModel,
        dialog_parent: QWidget,
    ) -> None:
        super().__init__(page)
        self._ops = ops
        self._page = page
        self._timeline = timeline
        self._dialog_parent = dialog_parent
        self._person_id: str | None = None
        self._loaded: _Loaded | None = None
        self._reopen: tuple[str, str | None] | None = None
        self._generation = 0
        self.editing = EditorDialog(ops, dialog_parent, self)
        self.editing.opened.connect(self.dialog_opened)
        self.editing.saved.connect(self.said_saved)
        page.since_seen.read_requested.connect(self._mark_seen)
        self.break_glass = BreakGlassFlow(ops, dialog_parent)
        self.outcomes = OutcomesController(ops, page, self, dialog_parent)
        self.support = SupportController(page, self)

        ops.changed.connect(self._changed)
        page.header.record_visit.clicked.connect(self.new_visit_note)
        page.timeline.correct_requested.connect(
            lambda entry: self._edit(
                lambda r: editors.note_correction(r, entry.id, entry.narrative)
            )
        )
        page.header.close_case.clicked.connect(lambda: self._edit(editors.close_case))
        page.header.reopen_case.clicked.connect(self._reopen_case)
        page.assessments.add_part.connect(lambda: self._edit(editors.assessment_part))
        page.assessments.record_consent.connect(
            lambda: self._edit(lambda r: editors.consent_decision(r, None, self._partners()))
        )
        page.assessments.add_assessment.connect(lambda: self._edit(editors.assessment))
        page.assessments.needs_from_part.connect(self._needs_from_part)
        page.assessments.change_part.connect(self._change_part)
        page.assessments.add_referral.connect(lambda: self._edit(editors.referral))
        page.assessments.add_capacity.connect(lambda: self._edit(editors.capacity))
        page.about_me.edit_about_me.connect(lambda: self._edit(lambda r: editors.about_me(r)))
        page.contacts.add_contact.connect(
            lambda: self._edit(lambda r: editors.personal_contact(r, None))
        )
        page.contacts.add_professional.connect(
            lambda: self._edit(lambda r: editors.professional_contact(r, None, self._partners()))
        )
        page.contacts.edit_professional.connect(
            lambda item: self._edit(
                lambda r: editors.professional_contact(r, item, self._partners())
            )
        )
        page.contacts.edit_contact.connect(
            lambda item: self._edit(lambda r: editors.personal_contact(r, item))
        )
        page.contacts.strain_check.connect(
            lambda item: self._edit(lambda r: carer_editors.strain_check(r, item))
        )
        page.contacts.carer_contingency.connect(
            lambda item: self._edit(lambda r: carer_editors.carer_contingency(r, item))
        )
        page.header.edit_details.clicked.connect(
            lambda: self._edit(lambda r: editors.person_details(r))
        )
        page.header.restricted_requested.connect(self._show_restricted)
        page.timeline.filter_changed.connect(
            lambda org, kind: timeline.set_filter(organisation_id=org, contact_type=kind)
        )
        plan = page.plan
        plan.agree_plan.connect(lambda: self._edit(lambda r: editors.agree(r)))
        plan.edit_entry.connect(self._edit_entry)
        plan.set_review.connect(lambda: self._edit(lambda r: editors.review_date(r)))
        plan.flag_for_meeting.connect(lambda: self._edit(meeting_editor.flag))
        plan.add_goal.connect(lambda: self._edit(lambda r: editors.goal(r, None)))
        plan.edit_goal.connect(lambda g: self._edit(lambda r: editors.goal(r, g)))
        plan.add_action.connect(lambda g: self._edit(lambda r: editors.action(r, g, None)))
        plan.edit_action.connect(lambda a: self._edit(lambda r: editors.action(r, None, a)))
        plan.add_strength.connect(lambda: self._edit(lambda r: editors.strength(r)))
        plan.add_need.connect(lambda: self._edit(lambda r: editors.need(r)))
        plan.add_contingency.connect(lambda: self._edit(lambda r: editors.contingency(r)))
        plan.print_plan.connect(self.print_plan)
        risks = page.risks
        risks.add_risk.connect(lambda: self._edit(lambda r: editors.risk(r, None)))
        risks.edit_risk.connect(lambda item: self._edit(lambda r: editors.risk(r, item)))
        risks.add_alert.connect(lambda: self._edit(lambda r: editors.alert(r, None)))
        risks.edit_alert.connect(lambda item: self._edit(lambda r: editors.alert(r, item)))
        consent = page.consent
        consent.record_consent.connect(
            lambda: self._edit(lambda r: editors.consent_decision(r, None, self._partners()))
        )
        consent.review_consent.connect(
            lambda item: self._edit(lambda r: editors.consent_decision(r, item, self._partners()))
        )

    # -- opening ------------------------------------------------------------------------

    @property
    def person_id(self) -> str | None:
        return self._person_id

    @property
    def dialog(self) -> FormDialog | None:
        """The editing dialog open on the record, if any."""
        return self.editing.dialog

    @property
    def record(self) -> PersonRecord | None:
        return self._loaded.record if self._loaded else None

    def open(
        self,
        person_id: str,
        *,
        section: Section | None = None,
        dialog: tuple[str, str | None] | None = None,
    ) -> None:
        """Show a person's record; then reopen `dialog` (kind, entity id) if given."""
        self.close_dialog(keep_draft=True)
        self._generation += 1
        generation = self._generation
        if person_id != self._person_id:
            self._page.clear()
            self._timeline.clear()
        self._person_id = person_id
        self._loaded = None
        self._reopen = dialog
        if section is not None:
            self._page.show_section(section)
        self._page.show_loading()
        self._ops.read(
            lambda ws: _load_or_refused(ws, person_id),
            on_done=lambda loaded: self._opened(loaded, generation),
            on_error=self._page.show_message,
        )

    def _opened(self, loaded: _Loaded | Refused, generation: int) -> None:
        if isinstance(loaded, _Loaded):
            self._show(loaded, generation, timeline=True)
        elif generation == self._generation and loaded.person_id == self._person_id:
            # Outside the user's relationship: say so, and ask for a break-glass reason.
            self._page.show_message(loaded.message)
            self.break_glass.ask(loaded, lambda person_id: self.open(person_id))

    def _show(self, loaded: _Loaded, generation: int, *, timeline: bool) -> None:
        if generation != self._generation or loaded.record.header.person_id != self._person_id:
            return
        self._loaded = loaded
        today = clock.today()
        self._page.show_record(loaded.record, today)
        self._page.since_seen.show_changes(loaded.since)
        if timeline:
            self._page.timeline.set_filters(loaded.filters)
            person = loaded.record.header.person_id
            self._timeline.open(
                lambda query: self._fetch_page(query),
                TimelineQuery(person_id=person),
                first_page=loaded.first_page,
                total=loaded.total,
            )
        self.loaded.emit(loaded.record.header.person_id)
        if self._reopen is not None:
            kind, entity = self._reopen
            self._reopen = None
            editor = editors.editor_for(
                kind,
                entity,
                loaded.record,
                planned=loaded.planned,
                next_visit=loaded.next_visit,
                partners=loaded.partners,
            )
            if editor is not None:
                self._show_editor(editor)

    def _fetch_page(self, query: TimelineQuery) -> tuple[int, list[TimelineEntry]]:
        # Runs on the worker (the model calls it through the runner).
        workspace = self._ops.workspace
        if workspace is None:
            return 0, []
        return fetch_timeline(workspace, query)

    def _partners(self) -> tuple[tuple[str, str], ...]:
        return self._loaded.partners if self._loaded else ()

    @Slot(str)
    def _show_restricted(self, alert_id: str) -> None:
        """Audit the showing of restricted detail on the worker, then show it."""
        person_id = self._person_id
        if person_id is None:
            return
        header = self._page.header
        self._ops.read(
            lambda ws: restricted_view.show_alert_detail(
                ws, person_id=person_id, alert_id=alert_id
            ),
            on_done=lambda detail: header.reveal_restricted(alert_id, detail),
        )

    def _mark_seen(self, up_to: int) -> None:
        """Marked read (an audit event; through `read`: it changes no record)."""
        person_id = self._person_id
        if person_id is None:
            return
        panel = self._page.since_seen
        self._ops.read(
            lambda ws: mark_seen(ws, person_id, up_to),
            on_done=lambda _none: panel.clear() if person_id == self._person_id else None,
            on_error=self._page.show_message,
        )

    @Slot(object)
    def _changed(self, change: Change) -> None:
        if change.person_id is None or change.person_id != self._person_id:
            return
        if not change.touches(*RECORD_AREAS):
            return
        person_id = change.person_id
        generation = self._generation
        with_timeline = change.touches(TIMELINE)
        self._ops.read(
            lambda ws: _load(ws, person_id, viewed=False, timeline=False),
            on_done=lambda loaded: self._show(loaded, generation, timeline=False),
            on_error=self._page.show_message,
        )
        if with_timeline:
            self._timeline.reload()

    def close(self) -> tuple[RecordPlace | None, PendingDraft | None]:
        """Empty the page (lock or back to the list): where it was, and any unsaved typing."""
        self.break_glass.close()
        self.outcomes.close()
        place = None
        if self._person_id is not None:
            place = RecordPlace(self._person_id, self._page.section, self.editing.memo())
        pending = self.editing.pending_draft()
        self.close_dialog(keep_draft=False)
        self._generation += 1
        self._person_id = None
        self._loaded = None
        self._reopen = None
        self._page.clear()
        self._timeline.clear()
        return place, pending

    # -- dialogs ------------------------------------------------------------------------

    def new_visit_note(self) -> None:
        loaded = self._loaded
        if loaded is None:
            self._reopen = ("visit_note", self._person_id)  # as soon as it has loaded
            return
        self._show_editor(editors.visit_note(loaded.record, loaded.planned, loaded.next_visit))

    def print_plan(self) -> None:
        """Ctrl+P or Print plan…: the app opens the Print dialog for this person."""
        record = self.record
        if record is None:
            return
        if not record.header.nhs_number:
            self._page.show_message(tr("The plan can be printed once an NHS number is recorded."))
            return
        self.print_requested.emit(record.header.nhs_number, record.header.full_name)

    def _reopen_case(self) -> None:
        person_id = self._person_id
        if person_id is None:
            return
        self._ops.write(
            lambda ws: case.reopen_case(ws, person_id=person_id),
            on_done=lambda _change: self.saved.emit(tr("Case reopened.")),
            on_error=self._page.show_message,
        )

    def _change_part(self, part_id: str) -> None:
        loaded = self._loaded
        part = (
            next((a for a in loaded.record.assessments if a.id == part_id), None)
            if loaded
            else None
        )
        if part is not None:
            self._edit(lambda r: editors.assessment_part_change(r, part))

    def _needs_from_part(self, part_id: str) -> None:
        self._ops.write(
            lambda ws: joint_assessment.needs_from_part(ws, assessment_id=part_id),
            on_done=lambda _change: self.saved.emit(
                tr("Added to the plan's needs: reword them with the person.")
            ),
            on_error=self._page.show_message,
        )

    def _edit_entry(self, kind: str, item: Any) -> None:
        build: dict[str, Callable[[PersonRecord, Any], Editor]] = {
            "strength": editors.strength,
            "need": editors.need,
            "contingency": editors.contingency,
        }
        self._edit(lambda r: build[kind](r, item))

    def _edit(self, build: Any) -> None:
        if self._loaded is not None:
            self._show_editor(build(self._loaded.record))

    # What a section's own controller (outcomes_controller) asks of this one.
    def edit(self, build: Any) -> None:
        """Open `build(record)`'s dialog for the record on screen (drafts kept)."""
        self._edit(build)

    def said_saved(self, change: Change) -> None:
        self.saved.emit(_saved_message(change))

    def show_message(self, text: str) -> None:
        self._page.show_message(text)

    def _show_editor(self, editor: Editor) -> None:
        self.editing.show(editor)

    def close_dialog(self, *, keep_draft: bool) -> None:
        self.editing.close(keep_draft=keep_draft)


_SAVED = {
    "visit_recorded": "Visit note saved.",
    "goal_added": "Goal added to the plan.",
    "goal_edited": "Goal saved.",
    "action_added": "Action added.",
    "action_edited": "Action saved.",
    "plan_agreed": "Plan marked as agreed: a new version is saved.",
    "plan_review_set": "Review date saved.",
    "strength_saved": "Strength saved.",
    "need_saved": "Need saved.",
    "contingency_saved": "Contingency plan saved.",
    "risk_added": "Risk added.",
    "risk_edited": "Risk saved.",
    "alert_added": "Alert added.",
    "alert_edited": "Alert saved.",
    "consent_recorded": "Consent decision recorded.",
    "consent_reviewed": "Consent review saved.",
    "assessment_part_recorded": "Your part of the assessment is saved and signed.",
    "assessment_part_revised": "Your part of the assessment is revised.",
    "assessment_part_agreed": "The person's say on printing it is recorded.",
    "referral_recorded": "Referral recorded.",
    "strength_ended": "Strength ended: kept in the record, out of the plan.",
    "need_ended": "Need ended: kept in the record, out of the plan.",
    "contingency_ended": "Contingency plan ended: kept in the record, out of the plan.",
    **outcomes_editors.SAVED,
    **support_editors.SAVED,
    "mdt_flagged": "Flagged for the team's next meeting.",
}


def _saved_message(change: Change) -> str:
    return tr(_SAVED.get(change.action, "Saved."))
