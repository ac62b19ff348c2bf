"""The app's states, locked and unlocked (and, once, the first run), and the moves
between them.

Locked: only the unlock window is on screen and no Workspace is held.
Unlocked: the main window shows today's visits, the caseload or a record, and
the idle watcher runs. Locking (Ctrl+L, idle, or quitting) first keeps any
unsaved typing as a draft in the encrypted store, empties every widget and
closes every other window (dialogs included), then closes the Workspace on the
task runner, which drops the database key. Only ids and positions survive, in
memory, so unlocking returns the user to where they were, dialog and all.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from app.services.caseload import caseload
from app.services.changes import CASELOAD, DRAFTS, Change, PulledChanges
from app.services.profile import preferences, sync_status, window_place
from app.services.record import drafts
from app.services.record.drafts import WaitingDraft
from app.values.vocab import Role
from app.workspace import Workspace
from sync.client.enrol import wipe
from sync.client.same_person import check_same_person
from ui.caseload.caseload_controller import CaseloadController, CaseloadState
from ui.caseload.caseload_model import CaseloadModel
from ui.caseload.drafts_controller import DraftsController
from ui.caseload.home_view import CASELOAD_TAB, TODAY_TAB
from ui.caseload.my_priorities import MyPriorities
from ui.caseload.register_flow import RegisterFlow
from ui.caseload.today_controller import TodayController
from ui.first_run.first_run_controller import Creator, FirstRunController
from ui.first_run.first_run_window import FirstRunWindow
from ui.i18n import tr
from ui.idle import DEFAULT_IDLE_MS, IdleWatcher
from ui.kit import app_events
from ui.kit.forms import Field, FormDialog
from ui.kit.operations import Operations
from ui.kit.tasks import TaskRunner
from ui.main_window import MainWindow
from ui.record.beyond_team_controller import BeyondTeamController
from ui.record.editor_dialog import PendingDraft
from ui.record.record_controller import RecordController, RecordPlace
from ui.record.record_page import Section
from ui.record.timeline_model import TimelineModel
from ui.sync.conflicts_controller import ConflictsController
from ui.sync.sync_controller import DEFAULT_SYNC_INTERVAL_MS, SyncController
from ui.team.access_report_controller import AccessReportController, may_see_report
from ui.team.team_controller import TeamController
from ui.unlock_controller import Backoff, UnlockController
from ui.unlock_window import UnlockWindow

logger = logging.getLogger(__name__)

PENDING_REFRESH_MS = 400


@dataclass(frozen=True)
class Place:
    """Where the user was when the app locked: ids and positions only."""

    caseload: CaseloadState = field(default_factory=CaseloadState)
    home_tab: int = TODAY_TAB
    record: RecordPlace | None = None


class AppController(QObject):
    def __init__(
        self,
        runner: TaskRunner,
        profile: Path,
        *,
        idle_ms: int | None = None,
        backoff: Backoff | None = None,
        creator: Creator | None = None,
        sync_interval_ms: int = DEFAULT_SYNC_INTERVAL_MS,
        sync_on_unlock: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            # Before any window exists: every field and window is guarded from its start.
            app_events.install(app)
        self.runner = runner
        self.ops = Operations(runner, parent=self)
        self.unlock_window = UnlockWindow()
        self.unlock = UnlockController(self.unlock_window, runner, profile, backoff=backoff)
        self.first_run_window = FirstRunWindow()
        kwargs = {"creator": creator} if creator is not None else {}
        self.first_run = FirstRunController(self.first_run_window, runner, profile, **kwargs)
        self.model = CaseloadModel(runner, parent=self)
        self.timeline = TimelineModel(runner, parent=self)
        self.main_window = MainWindow(self.model, self.timeline)
        self.caseload = CaseloadController(self.model, self.main_window.caseload)
        self.today = TodayController(self.ops, self.main_window.home.today)
        self.record = RecordController(
            self.ops, self.main_window.record, self.timeline, self.main_window
        )
        self.sync = SyncController(self.ops, self.main_window, interval_ms=sync_interval_ms)
        self.conflicts = ConflictsController(self.ops, parent=self)
        self.access_report = AccessReportController(self.ops, parent=self)
        # "Search beyond my team (online)": the server's search, then break-glass.
        self.beyond = BeyondTeamController(
            self.ops, self.record.break_glass, self.main_window, self.open_record
        )
        # New person…: the form, the same person looked for first, then their record.
        self.register = RegisterFlow(self.ops, parent=self, server_check=check_same_person)
        # The coordinator's Team tab (shown only to coordinators and the IG lead).
        self.team = TeamController(self.ops, self.main_window.home, parent=self)
        self.my_priorities = MyPriorities(self.ops, self.main_window.home, parent=self)
        # Drafts waiting since a crash, a lock or a form closed unsaved: said on Today.
        self.drafts = DraftsController(self.ops, self.main_window.home.today.drafts, parent=self)
        self._sync_on_unlock = sync_on_unlock
        self._fixed_idle = idle_ms is not None
        self.idle = IdleWatcher(idle_ms or DEFAULT_IDLE_MS, parent=self)
        self._workspace: Workspace | None = None
        self._place = Place()
        # The main window's place, read from the profile at the first unlock (None: not yet).
        self._window_placed = False
        self.settings_dialog: FormDialog | None = None
        self._pending_timer = QTimer(self)
        self._pending_timer.setSingleShot(True)
        self._pending_timer.setInterval(PENDING_REFRESH_MS)
        self._pending_timer.timeout.connect(self._refresh_pending)

        self.unlock.unlocked.connect(self._unlocked)
        self.unlock.profile_missing.connect(self._first_run)
        self.first_run.created.connect(self._unlocked)
        window = self.main_window
        window.lock_requested.connect(lambda: self.lock(tr("Locked.")))
        window.find_requested.connect(self.find)
        window.new_note_requested.connect(self.new_visit_note)
        window.settings_requested.connect(self.open_settings)
        window.sync_requested.connect(self.sync.sync_now)
        window.conflicts_requested.connect(self.open_conflicts)
        window.access_report_requested.connect(self.open_access_report)
        self.sync.synced.connect(self._synced)
        self.sync.revoked.connect(self._revoked)
        self.conflicts.resolved.connect(self.sync.refresh)
        window.home.today.open_requested.connect(self.open_record)
        window.home.today.follow_ups.open_requested.connect(self.open_outcomes)
        window.home.today.carer_strain.open_requested.connect(
            lambda person_id: self.open_record_at(person_id, Section.CONTACTS)
        )
        window.caseload.open_requested.connect(self.open_record)
        window.caseload.beyond_requested.connect(self.beyond.search)
        window.caseload.register_requested.connect(self.open_register)
        window.register_requested.connect(self.open_register)
        self.register.registered.connect(self._registered)
        self.register.open_existing.connect(self.open_record)
        # A sync that reached the server: enrolled and online, so the search may go.
        self.sync.synced.connect(
            lambda _report: window.caseload.set_beyond_available(self.sync.enrolled)
        )
        self.team.open_requested.connect(self.open_record)
        self.my_priorities.open_requested.connect(self.open_record)
        self.team.status.connect(lambda text: window.statusBar().showMessage(text, 8000))
        self.drafts.announce.connect(lambda text: window.statusBar().showMessage(text, 15_000))
        self.drafts.open_requested.connect(self.open_draft)
        window.record.back_requested.connect(self.back_to_list)
        window.record.print_requested.connect(self.record.print_plan)
        self.record.print_requested.connect(self.print_plan)
        self.today.count_changed.connect(window.home.show_today_count)
        self.record.saved.connect(window.show_note)
        self.record.dialog_opened.connect(self._lockable)
        self.ops.changed.connect(self._changed)
        self.ops.problem.connect(self._problem)
        self.idle.idle.connect(self._idle)
        runner.unhandled_error.connect(self._problem)

    @property
    def unlocked(self) -> bool:
        return self._workspace is not None

    @property
    def workspace(self) -> Workspace | None:
        return self._workspace

    def start(self) -> None:
        self.unlock_window.show()
        self.unlock_window.focus_passphrase()
        self.unlock.check_profile()

    # -- locking ------------------------------------------------------------------------

    def lock(self, reason: str, *, how: str = "user") -> None:
        """`how` ("user", "idle") goes into the lock's audit event."""
        if not self._release(how=how):
            return
        self.unlock_window.show()
        self.unlock_window.raise_()
        self.unlock_window.activateWindow()
        self.unlock.show_locked(reason)
        logger.info("locked")

    def shutdown(self) -> None:
        """Lock without showing anything, then wait for the worker (drafts and close included)."""
        self._release(how="quit")
        self.ops.shutdown_network()  # never waits for the server
        self.runner.shutdown()
        for window in (self.main_window, self.unlock_window, self.first_run_window):
            window.close()

    def _release(self, *, wiping: bool = False, how: str = "user") -> bool:
        """Keep unsaved typing, empty the windows, close the Workspace (or, for a revoked
        laptop, wipe it); False if locked."""
        workspace, self._workspace = self._workspace, None
        if workspace is None:
            return False
        self.idle.stop()
        self.sync.stop()
        self.conflicts.close()
        self.access_report.close()
        self.beyond.close()
        self.register.close()
        self.main_window.caseload.set_beyond_available(False)
        self.team.close()
        self.my_priorities.close()
        self.drafts.close()
        self._pending_timer.stop()
        # Widgets first: from here on nothing identifiable is on screen or in a model.
        record_place, pending = self.record.close()
        self._place = Place(
            caseload=self.caseload.close(),
            home_tab=self.main_window.home.currentIndex(),
            record=record_place if self.main_window.showing_record else None,
        )
        self.today.close()
        self._close_other_windows()
        # Only once placed: a window never shown would overwrite the kept place with Qt's.
        geometry = bytes(self.main_window.saveGeometry().data()) if self._window_placed else b""
        self.main_window.clear_session()
        self.main_window.hide()
        self.main_window.show_home()
        self.ops.detach()  # answers still on their way are dropped
        # Queued behind anything still running, so nothing uses the engine after this.
        if wiping:
            self.runner.run(partial(wipe, workspace), on_done=self._wiped, on_error=self._problem)
            return True
        if pending is not None:
            self.runner.run(partial(_keep_draft, workspace, pending), on_error=self._problem)
        if geometry:
            self.runner.run(
                partial(window_place.save_main_window, workspace, geometry),
                on_error=self._problem,
            )
        self.runner.run(partial(workspace.close, how), on_error=self._problem)
        return True

    def _close_other_windows(self) -> None:
        """Every dialog and window but the lock screens: settings, print, message boxes."""
        self.settings_dialog = None
        if "ui.record.print_dialog" in sys.modules:  # loaded only once someone has printed
            sys.modules["ui.record.print_dialog"].close_print_dialogs(self.main_window)
        keep: set[QWidget] = {self.unlock_window, self.first_run_window, self.main_window}
        for widget in QApplication.topLevelWidgets():
            if widget in keep or not widget.isVisible():
                continue
            if isinstance(widget, QDialog):
                widget.reject()
            widget.hide()
            widget.close()

    # -- unlocking ----------------------------------------------------------------------

    @Slot()
    def _first_run(self) -> None:
        self.unlock_window.hide()
        self.first_run_window.show()
        self.first_run_window.raise_()
        self.first_run_window.focus_first()

    @Slot(object)
    def _unlocked(self, workspace: Workspace) -> None:
        self._workspace = workspace
        self.ops.attach(workspace)
        if not self._window_placed:
            # Queued first, so it answers before the caseload's first page: the window
            # opens where it was left (shown then) rather than jumping there once shown.
            self.ops.read(
                window_place.load_main_window,
                on_done=self._place_main_window,
                on_error=lambda _message: self._place_main_window(None),
            )
        window = self.main_window
        window.set_session(
            demo=workspace.demo, signed_in_as=_signed_in_as(workspace, workspace.user_name)
        )
        window.access_report_action.setVisible(may_see_report(workspace.actor.role))
        self.team.open(workspace)
        self.my_priorities.open(workspace)
        place, self._place = self._place, Place()
        self.caseload.open(
            partial(caseload.fetch, workspace), place.caseload, user_id=workspace.actor.user_id
        )
        self.ops.read(caseload.localities, on_done=window.caseload.set_localities)
        self.register.load_leads()
        self.today.refresh()
        self.drafts.open()
        window.home.setCurrentIndex(place.home_tab)
        if place.record is not None:
            window.show_record_page()
            self.record.open(
                place.record.person_id, section=place.record.section, dialog=place.record.dialog
            )
        else:
            window.show_home()
        if self._window_placed:
            self._show_main_window()
        if not self._fixed_idle:
            self.ops.read(preferences.load_preferences, on_done=self._apply_preferences)
        self.idle.start()
        self._refresh_pending()
        self.sync.start(sync_now=self._sync_on_unlock)
        logger.info("unlocked")

    def _place_main_window(self, geometry: bytes | None) -> None:
        self._window_placed = True
        window = self.main_window
        if geometry is None or not window.restoreGeometry(geometry):
            window.place_by_default()
        self._show_main_window()

    def _show_main_window(self) -> None:
        window = self.main_window
        window.show()
        window.raise_()
        window.activateWindow()
        self._focus_list()
        self.unlock_window.hide()
        self.first_run_window.hide()

    def _apply_preferences(self, prefs: preferences.Preferences) -> None:
        self.idle.set_timeout(prefs.idle_lock_minutes * 60_000)

    # -- moving around ------------------------------------------------------------------

    @Slot(str)
    def open_record(self, person_id: str) -> None:
        if not self.unlocked:
            return
        self.main_window.show_record_page()
        self.record.open(person_id)
        self.main_window.record.sections.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(str)
    def open_outcomes(self, person_id: str) -> None:
        """From Today's 91-day checks: the record at Reablement and outcomes."""
        self.open_record_at(person_id, Section.OUTCOMES)

    def open_record_at(self, person_id: str, section: Section) -> None:
        """From a notice on Today: the record at the section it is about."""
        if not self.unlocked:
            return
        self.main_window.show_record_page()
        self.record.open(person_id, section=section)
        self.main_window.record.sections.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    @Slot(object)
    def open_draft(self, draft: WaitingDraft) -> None:
        """The person's record, then the form the draft belongs to, with it restored."""
        if not self.unlocked:
            return
        self.main_window.show_record_page()
        self.record.open(draft.person_id, dialog=(draft.kind, draft.entity_id))

    def open_register(self) -> None:
        if not self.unlocked:
            return
        dialog = self.register.open(self.main_window)
        if dialog is not None:
            self._lockable(dialog)

    def _registered(self, person_id: str) -> None:
        note = tr("Registered: their record is open.")
        if self.register.server_note:
            note = f"{note} {self.register.server_note}"
        self.main_window.show_note(note)
        self.open_record(person_id)

    @Slot()
    def back_to_list(self) -> None:
        self.record.close()
        self.main_window.show_home()
        self._focus_list()

    def _focus_list(self) -> None:
        home = self.main_window.home
        if self.main_window.showing_record:
            return
        if home.currentIndex() == CASELOAD_TAB:
            home.caseload.search.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            home.today.table.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def find(self) -> None:
        """Ctrl+F: the caseload search, from anywhere."""
        if not self.unlocked:
            return
        if self.main_window.showing_record:
            self.back_to_list()
        home = self.main_window.home
        home.setCurrentIndex(CASELOAD_TAB)
        home.caseload.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        home.caseload.search.selectAll()

    @Slot()
    def new_visit_note(self) -> None:
        """Ctrl+N: a visit note for the open person, or for the one selected in the list."""
        if not self.unlocked:
            return
        if self.main_window.showing_record:
            self.record.new_visit_note()
            return
        home = self.main_window.home
        panel = home.today if home.currentIndex() == TODAY_TAB else home.caseload
        person_id = panel.selected_person()
        if person_id is not None:
            self.open_record(person_id)
            self.record.new_visit_note()

    @Slot(str, str)
    def print_plan(self, nhs_number: str, name: str) -> None:
        """The Print dialog (preview, Save as PDF, Print) for the open person's plan."""
        workspace = self._workspace
        if workspace is None:
            return
        # Imported on first use: QtPdf and reportlab cost start-up time nobody needs
        # until they print.
        from app.reports.printing import PlanPrintJob
        from ui.record.print_dialog import PrintDialog

        job = PlanPrintJob(workspace, nhs_number)
        title = tr("Print the care plan: {name}").format(name=name)
        dialog = PrintDialog(self.runner, job, title, parent=self.main_window)
        self._lockable(dialog)
        dialog.open()

    # -- settings -----------------------------------------------------------------------

    @Slot()
    def open_settings(self) -> None:
        if not self.unlocked:
            return
        self.ops.read(preferences.load_preferences, on_done=self._show_settings)

    def _show_settings(self, prefs: preferences.Preferences) -> None:
        dialog = FormDialog(
            "Settings",
            [
                Field(
                    "minutes",
                    "Lock after this many minutes without use",
                    "number",
                    hint="From 1 to 30 minutes. Locking hides everything and drops the key.",
                    minimum=preferences.MIN_IDLE_MINUTES,
                    maximum=preferences.MAX_IDLE_MINUTES,
                )
            ],
            parent=self.main_window,
        )
        dialog.setObjectName("settingsDialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.resize(520, 320)
        dialog.set_values({"minutes": prefs.idle_lock_minutes})
        dialog.submitted.connect(lambda values: self._save_settings(dialog, values))
        self.settings_dialog = dialog
        self._lockable(dialog)
        dialog.open()

    def _save_settings(self, dialog: FormDialog, values: dict[str, object]) -> None:
        minutes = values["minutes"]

        def saved(prefs: preferences.Preferences) -> None:
            self._apply_preferences(prefs)
            dialog.accept()
            self.main_window.show_note(tr("Settings saved."))

        self.ops.read(
            lambda ws: preferences.save_idle_lock_minutes(ws, minutes=str(minutes)),
            on_done=saved,
            on_error=dialog.show_error,
        )

    def _lockable(self, dialog: QWidget) -> None:
        """Ctrl+L in a dialog locks too (a modal dialog blocks the main window's shortcut)."""
        shortcut = QShortcut(QKeySequence("Ctrl+L"), dialog)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(lambda: self.lock(tr("Locked.")))

    # -- sync and conflicts -------------------------------------------------------------

    @Slot()
    def open_conflicts(self) -> None:
        dialog = self.conflicts.open(self.main_window)
        if dialog is not None:
            self._lockable(dialog)

    @Slot()
    def open_access_report(self) -> None:
        if self._workspace is None or not may_see_report(self._workspace.actor.role):
            return
        dialog = self.access_report.open(self.main_window)
        if dialog is not None:
            self._lockable(dialog)

    @Slot(PulledChanges)
    def _synced(self, pulled: PulledChanges) -> None:
        """Refresh what a sync changed: the lists, and the open record only if it was
        one of the people touched (or a name shown in every record changed)."""
        if not pulled.anything:
            return
        self.caseload.refresh()
        self.today.refresh()
        person_id = self.record.person_id
        if self.main_window.showing_record and person_id and pulled.touches_person(person_id):
            self.ops.changed.emit(pulled.change_for(person_id))
        self.conflicts.reload()

    @Slot(str)
    def _revoked(self, message: str) -> None:
        """The server revoked this laptop: wipe it on the runner, say so once, start again."""
        logger.warning("this laptop was revoked: wiping its profile")
        if not self._release(wiping=True):
            return
        self.unlock_window.show()
        self.unlock_window.show_message(message, error=False)

    def _wiped(self, _result: object) -> None:
        message = tr(
            "This laptop's access to the team server was removed, so every record on it "
            "has been deleted. Ask your administrator if you need access again."
        )
        self._first_run()
        self.first_run_window.show_message(message)

    # -- changes and problems -----------------------------------------------------------

    @Slot(object)
    def _changed(self, change: Change) -> None:
        if change.touches(CASELOAD):
            self.caseload.refresh()
        if change.areas != {DRAFTS}:  # drafts are device-local: nothing to sync
            self._pending_timer.start()

    def _refresh_pending(self) -> None:
        if not self.sync.enrolled:
            return  # nothing waits for a server the laptop has none of (not shown either)
        self.ops.read(sync_status.pending_changes, on_done=self.main_window.set_pending)

    @Slot()
    def _idle(self) -> None:
        minutes = max(1, round(self.idle.timeout_ms / 60_000))
        reason = tr("Locked after {minutes} minutes without use.").format(minutes=minutes)
        if minutes == 1:
            reason = tr("Locked after 1 minute without use.")
        self.lock(reason, how="idle")

    @Slot(str)
    def _problem(self, message: str) -> None:
        if self.unlocked:
            self.main_window.show_problem(message)
        elif self.first_run_window.isVisible():
            self.first_run_window.show_message(message)
        else:
            self.unlock_window.show_message(message)


def _keep_draft(workspace: Workspace, pending: PendingDraft) -> None:
    if pending.superseded:
        return  # saved for real just before the lock: nothing left to keep
    drafts.save_draft(
        workspace, key=pending.key, values=pending.values, person_id=pending.person_id
    )


def _signed_in_as(workspace: Workspace, name: str | None) -> str:
    role = workspace.actor.role
    try:
        label = tr(Role(role).label) if role else ""
    except ValueError:
        label = role or ""
    who = ", ".join(part for part in (name, label) if part)
    return tr("Signed in as: {who}").format(who=who) if who else tr("Signed in")
