"""What the record page does: open a person's record off the GUI thread, keep it
current as changes land, and run its editing dialogs with their drafts.

Opening reads the record, the first page of the timeline and its filters in one
task, so the page paints once, complete. Every save is an app operation; its
Change comes back on `Operations.changed` and the page refreshes itself. While
a dialog is open, what is typed is kept as a draft in the encrypted store
(debounced), and on lock or close straight away; reopening the dialog, or
unlocking, puts it back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPlainTextEdit, QWidget

from app.errors import AccessDeniedError
from app.services import clock
from app.services.care import joint_assessment
from app.services.care.revisit import NextVisit, carried_forward
from app.services.care.visits import todays_planned_visit
from app.services.changes import RECORD_AREAS, TIMELINE, Change
from app.services.record import case, drafts, restricted_view
from app.services.record.record import PersonRecord, open_record, partner_organisations
from app.services.record.timeline import (
    TimelineEntry,
    TimelineFilters,
    TimelineQuery,
    fetch_timeline,
    timeline_filters,
)
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.forms import FormDialog
from ui.kit.operations import Operations
from ui.record import editors, outcomes_editors
from ui.record.break_glass_flow import BreakGlassFlow, Refused, refusal
from ui.record.editors import Editor
from ui.record.outcomes_controller import OutcomesController
from ui.record.record_page import RecordPage, Section
from ui.record.timeline_model import PAGE_SIZE, TimelineModel

logger = logging.getLogger(__name__)

DRAFT_DEBOUNCE_MS = 1_000
# Kept in a draft beside the fields: the field being typed in, to put the cursor back
# there (no field is called this; `FormDialog.set_values` passes over unknown names).
FOCUS_KEY = "_focus"


def _field_with_focus(dialog: FormDialog) -> str | None:
    focus = QApplication.focusWidget()
    if focus is None:
        return None
    for name, widget in dialog.widgets.items():
        if focus is widget or widget.isAncestorOf(focus):
            return name
    return None


def _focus_at_end(widget: QWidget) -> None:
    """The cursor after what is already there, so new typing follows the old text."""
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    if isinstance(widget, QPlainTextEdit):
        widget.moveCursor(QTextCursor.MoveOperation.End)
        widget.ensureCursorVisible()
    elif isinstance(widget, QLineEdit):
        widget.end(False)


@dataclass(frozen=True)
class RecordPlace:
    """Where the user was on the record page when the app locked (ids only)."""

    person_id: str
    section: Section
    dialog: tuple[str, str | None] | None = None  # (editor kind, entity id)


@dataclass(frozen=True)
class PendingDraft:
    key: str
    person_id: str
    values: dict[str, Any]
    # Set (on the worker) when a save of this very dialog went through: a lock that
    # came between Ctrl+S and its answer must not bring the saved text back as a draft.
    saved: dict[str, bool] | None = None

    @property
    def superseded(self) -> bool:
        return bool(self.saved and self.saved.get("saved"))


@dataclass(frozen=True)
class _Loaded:
    record: PersonRecord
    planned: tuple[str, Any] | None
    next_visit: NextVisit | None  # what a revisit note carries forward
    partners: tuple[tuple[str, str], ...]
    total: int
    first_page: list[TimelineEntry]
    filters: TimelineFilters


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
        self.dialog: FormDialog | None = None
        self._editor: Editor | None = None
        self._dirty = False
        self._keep = False  # typed into (or restored) since it opened: worth a draft
        self._typing_in: str | None = None  # the field last typed in
        self._saving: dict[str, bool] | None = None  # the save in flight, if any
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DEBOUNCE_MS)
        self._draft_timer.timeout.connect(self._save_draft)
        self.break_glass = BreakGlassFlow(ops, dialog_parent)
        self.outcomes = OutcomesController(ops, page, self, dialog_parent)

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
            memo = self.dialog.memo if self.dialog is not None else None
            if self._saving is not None:
                memo = None  # being saved: if that fails, the draft waits for the next open
            place = RecordPlace(self._person_id, self._page.section, memo)
        pending = self._pending_draft()
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
        """Look for a draft first (one quick read), then open the dialog with it."""
        self.close_dialog(keep_draft=True)
        generation = self._generation
        key = editor.draft_key
        self._ops.read(
            lambda ws: drafts.load_draft(ws, key=key),
            on_done=lambda draft: self._open_dialog(editor, draft, generation),
        )

    def _open_dialog(
        self, editor: Editor, draft: drafts.SavedDraft | None, generation: int
    ) -> None:
        if generation != self._generation or self.dialog is not None:
            return
        dialog = FormDialog(
            editor.title,
            editor.fields,
            intro=editor.intro,
            submit_label=editor.submit_label,
            parent=self._dialog_parent,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setObjectName(f"dialog_{editor.kind}")
        dialog.memo = (editor.kind, editor.entity_id)
        dialog.draft_key = editor.draft_key
        dialog.person_id = editor.person_id
        dialog.set_values(editor.initial)
        self._keep = False
        if draft is not None:
            dialog.set_values(draft.values)
            dialog.show_restored(
                tr("Restored what you typed on {when} but had not saved.").format(
                    when=formatting.british_date_time(draft.updated_at)
                )
            )
            self._keep = True
        self.dialog, self._editor, self._dirty = dialog, editor, False
        self._saving = None
        dialog.submitted.connect(self._submit)
        dialog.edited.connect(self._edited)
        dialog.discard_draft_requested.connect(self._discard_draft)
        dialog.finished.connect(lambda _result, d=dialog: self._dialog_finished(d))
        dialog.open()
        for pane in dialog.widgets.values():
            if isinstance(pane, QPlainTextEdit):  # Tab into it: after the text, not before
                pane.moveCursor(QTextCursor.MoveOperation.End)
        typed_in = draft.values.get(FOCUS_KEY) if draft is not None else None
        focus = typed_in if typed_in in dialog.widgets else editor.focus
        self._typing_in = typed_in if typed_in in dialog.widgets else None
        if focus in dialog.widgets:
            _focus_at_end(dialog.field(focus))
        if editor.wire is not None:
            editor.wire(dialog)
        self.dialog_opened.emit(dialog)

    @Slot()
    def _edited(self) -> None:
        if self.dialog is not None:
            self._typing_in = _field_with_focus(self.dialog) or self._typing_in
        self._dirty = True
        self._keep = True
        self._draft_timer.start()

    def _pending_draft(self) -> PendingDraft | None:
        dialog = self.dialog
        if dialog is None or not self._keep or not dialog.draft_key:
            return None
        values = dialog.values()
        if self._typing_in is not None:
            values[FOCUS_KEY] = self._typing_in
        return PendingDraft(dialog.draft_key, dialog.person_id or "", values, self._saving)

    @Slot()
    def _save_draft(self) -> None:
        self._draft_timer.stop()
        pending = self._pending_draft()
        if pending is None or not self._dirty:
            return
        self._dirty = False
        self._ops.write(
            lambda ws: drafts.save_draft(
                ws, key=pending.key, values=pending.values, person_id=pending.person_id
            )
        )

    @Slot()
    def _discard_draft(self) -> None:
        dialog, editor = self.dialog, self._editor
        if dialog is None or editor is None:
            return
        self._draft_timer.stop()
        self._dirty = False
        self._keep = False
        key = editor.draft_key
        self._ops.write(lambda ws: drafts.discard_draft(ws, key=key))
        dialog.reset(editor.initial)
        dialog.show_restored("")

    @Slot(dict)
    def _submit(self, values: dict[str, Any]) -> None:
        dialog, editor = self.dialog, self._editor
        if dialog is None or editor is None:
            return
        # Anything queued before this save runs first, and the save discards the draft;
        # nothing may be queued after it.
        self._draft_timer.stop()
        self._dirty = False
        dialog.set_busy(True)
        key = editor.draft_key
        saving = self._saving = {"saved": False}

        def save(ws: Workspace) -> Change:
            change = editor.save(ws, dict(values), key)
            saving["saved"] = True  # on the worker, before anything queued after it runs
            return change

        self._ops.write(
            save,
            on_done=lambda change: self._saved(dialog, change),
            on_error=lambda message: self._refused(dialog, message),
        )

    def _saved(self, dialog: FormDialog, change: Change) -> None:
        if dialog is self.dialog:
            self._keep = False
            self.close_dialog(keep_draft=False)
        self.saved.emit(_saved_message(change))

    def _refused(self, dialog: FormDialog, message: str) -> None:
        if dialog is self.dialog:
            dialog.set_busy(False)
            dialog.show_error(message)
            self._dirty = True  # still unsaved: keep it as a draft
            self._draft_timer.start()

    def _dialog_finished(self, dialog: FormDialog) -> None:
        if dialog is not self.dialog:
            return
        # Closed by the user (Esc, Close): keep what was typed as a draft.
        if self._dirty:
            self._save_draft()
        self.dialog, self._editor = None, None

    def close_dialog(self, *, keep_draft: bool) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        if keep_draft and self._dirty:
            self._save_draft()
        self._draft_timer.stop()
        self._dirty = False
        self.dialog, self._editor = None, None
        dialog.blockSignals(True)
        dialog.close()
        # Empty it and cut it loose now: deleteLater waits for the event loop, and
        # until then its labels and fields would still hang off the main window.
        for line in dialog.findChildren(QLineEdit):
            line.clear()
        for pane in dialog.findChildren(QPlainTextEdit):
            pane.clear()
        for label in dialog.findChildren(QLabel):
            label.clear()
        dialog.setParent(None)
        dialog.deleteLater()


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
}


def _saved_message(change: Change) -> str:
    return tr(_SAVED.get(change.action, "Saved."))
