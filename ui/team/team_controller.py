"""Wires the Team view to the app: shown to coordinators (and, read-only, to the IG
lead), fed from `app.services.team.team_caseload` and `team_counts` on the task runner,
refreshed when an operation touches the caseload, emptied on lock. Across a lock
it keeps, in memory only, the filters, sort, tab and scroll position (never the
search, which may be a name), and puts them back over freshly loaded rows.

Allocation, export, the weekly summary and the charts all run on the runner;
file choosers are attributes so tests can answer them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QTabWidget, QWidget

from app.reports.team_charts import describe, gather_charts, render_png, save_charts
from app.reports.weekly_summary import FILE_NAME, save_summary
from app.services import changes
from app.services.caseload import view_settings
from app.services.caseload.allocation import Moving, allocate, people_to_move, staff_choices
from app.services.caseload.caseload_export import export_team_csv
from app.services.changes import Change
from app.services.team.team_caseload import fetch_team
from app.services.team.team_counts import TeamCounts, team_counts
from app.services.team.team_query import TeamQuery
from app.values.vocab import Role
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.operations import Operations
from ui.team.allocate_dialog import AllocateDialog
from ui.team.import_controller import ImportController
from ui.team.meeting_controller import MeetingController
from ui.team.outcomes_controller import OutcomesController
from ui.team.priority_controller import PriorityController
from ui.team.team_model import SORT_KEYS, TeamModel
from ui.team.team_place import TeamPlace, keep_place, put_back, query_fields, scroll_to_row
from ui.team.team_view import TeamPanel

logger = logging.getLogger(__name__)

CHART_WIDTH_PX = 640  # two side by side on a 1366 px laptop
ROLES = frozenset({Role.COORDINATOR.value, Role.IG_LEAD.value})
AskPath = Callable[[QWidget, str, str], str | None]


def _ignore(_result: object) -> None:
    pass


def ask_save_path(parent: QWidget, title: str, suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested)
    return path or None


def ask_folder(parent: QWidget, title: str, _suggested: str) -> str | None:
    return QFileDialog.getExistingDirectory(parent, title) or None


class TeamController(QObject):
    open_requested = Signal(str)
    status = Signal(str)  # a plain sentence for the status bar

    # Made by `_build`, the first time someone allowed to see the view signs in.
    model: TeamModel
    panel: TeamPanel
    imports: ImportController
    outcomes: OutcomesController
    priorities: PriorityController
    meeting: MeetingController

    def __init__(self, ops: Operations, home: QTabWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.home = home
        # The view is a third of the main window's widgets, and most people never see it
        # (a practitioner's app built it at every start for nothing): its tab holds an
        # empty page until a coordinator or IG lead signs in (`_build`).
        self._built = False
        self.tab = home.addTab(QWidget(), tr("Tea&m"))
        home.setTabVisible(self.tab, False)
        self.ask_save_path: AskPath = ask_save_path
        self.ask_folder: AskPath = ask_folder
        self.dialog: AllocateDialog | None = None
        self._charts_loaded = False
        self._place: TeamPlace | None = None  # kept across a lock, in memory only
        self._scroll_to: int | None = None
        self._wanted_lead: object = None  # a lead chosen before the lock, until leads arrive

    def _build(self) -> None:
        """The view, its parts' controllers and their wiring, put in the tab's place."""
        ops, home = self.ops, self.home
        self.model = TeamModel(ops.runner, parent=self)
        self.panel = TeamPanel(self.model)
        self._put_in_tab(self.panel)
        self.imports = ImportController(ops, self.panel, parent=self)
        self.imports.problem.connect(self.panel.show_error)
        self.outcomes = OutcomesController(
            ops, self.panel.outcomes, lambda *asked: self.ask_save_path(*asked), parent=self
        )
        self.outcomes.status.connect(self.status)
        self.priorities = PriorityController(ops, self.panel.priorities, parent=self)
        self.priorities.open_requested.connect(self.open_requested)
        self.meeting = MeetingController(
            ops, self.panel.meeting, lambda *asked: self.ask_save_path(*asked), parent=self
        )
        self.meeting.open_requested.connect(self.open_requested)
        self.meeting.status.connect(self.status)
        p = self.panel
        p.columns.hidden_changed.connect(self._remember_columns)
        self.model.first_page_loaded.connect(self._first_page_loaded)
        p.search_changed.connect(lambda text: self.model.set_query(search=text))
        p.filters_changed.connect(self._filters_changed)
        p.open_requested.connect(self.open_requested)
        p.allocate_requested.connect(self.start_allocation)
        p.import_requested.connect(self.imports.start)
        p.export_requested.connect(self.export_csv)
        p.summary_requested.connect(self.weekly_summary)
        p.charts.save_requested.connect(self.export_charts)
        p.tabs.currentChanged.connect(lambda _i: self._tab_changed())
        home.currentChanged.connect(lambda _i: self._home_tab_changed())
        self.model.total_changed.connect(self._show_count)
        self.model.failed.connect(p.show_error)
        ops.changed.connect(self._changed)
        self._built = True

    def _put_in_tab(self, page: QWidget) -> None:
        """`page` in place of the tab's empty one, at the same place among the tabs,
        hidden, and whichever tab was open still open (no tab change is announced)."""
        home = self.home
        empty, current = home.widget(self.tab), home.currentWidget()
        was_blocked = home.blockSignals(True)
        try:
            home.removeTab(self.tab)
            home.insertTab(self.tab, page, tr("Tea&m"))
            home.setTabToolTip(self.tab, tr("The whole team's caseload, counts and charts (Alt+M)"))
            home.setTabVisible(self.tab, False)
            if current is not None and current is not empty:
                home.setCurrentWidget(current)
        finally:
            home.blockSignals(was_blocked)
        if empty is not None:
            empty.deleteLater()

    def open(self, workspace: Workspace) -> None:
        """Show the tab to the roles that review the team's caseload, and load it."""
        allowed = workspace.actor.role in ROLES
        if allowed and not self._built:
            self._build()
        self.home.setTabVisible(self.tab, allowed)
        if not allowed:
            return
        self.panel.set_read_only(workspace.actor.role == Role.IG_LEAD.value)
        self.model.set_loader(partial(fetch_team, workspace))
        self.ops.read(view_settings.load_team_hidden_columns, self.panel.columns.set_hidden)
        place, self._place = self._place, None
        if place is None:
            self.refresh()
        else:
            self._restore(place)
        if self._outcomes_in_view():  # back on the Outcomes tab after a lock: count it
            self.outcomes.opened()
        if self._in_view(self.panel.priorities):
            self.priorities.opened()
        if self._in_view(self.panel.meeting):
            self.meeting.opened()

    def _restore(self, place: TeamPlace) -> None:
        """The filters, sort and tab as they were, over rows read afresh from the store."""
        put_back(self.panel, place)
        self._wanted_lead = place.filters.get("lead")
        fields = query_fields(self.panel)
        fields["lead_professional_id"] = self._wanted_lead  # its name is not listed yet
        descending = place.sort_order == Qt.SortOrder.DescendingOrder
        sort = SORT_KEYS[place.sort_column]
        self.model.configure(replace(TeamQuery(), sort=sort, descending=descending, **fields))
        self._scroll_to = place.first_visible_row
        self.model.reload(at_least=place.rows_loaded)
        self.ops.read(team_counts, self._show_counts)
        self._charts_loaded = False
        self._load_charts()

    def close(self) -> None:
        """On lock: nothing identifiable stays in the view or the model; where the user
        was (filters, sort, tab, scroll: no names, no search text) is kept in memory."""
        if not self._built:
            return
        self._place = (
            keep_place(self.panel, self.model) if self.home.isTabVisible(self.tab) else None
        )
        self._scroll_to = None
        self.model.clear()
        self.model.configure(TeamQuery())  # the search typed may be a name: forgotten
        self.panel.search.clear()
        self.panel.set_filter_values({})
        self.panel.set_leads([])
        self.panel.practitioners.model.clear()
        self.panel.charts.clear()
        self.outcomes.close()
        self.priorities.close()
        self.meeting.close()
        self.panel.set_counts({})
        self._charts_loaded = False
        if self.dialog is not None:
            self.dialog.reject()
        self.imports.close()
        self.home.setTabVisible(self.tab, False)

    def refresh(self) -> None:
        self.model.reload(at_least=self.model.rowCount())
        self.ops.read(team_counts, self._show_counts)
        self._charts_loaded = False
        self._load_charts()

    @Slot(object)
    def _changed(self, change: Change) -> None:
        areas = (
            changes.CASELOAD,
            changes.VISITS,
            changes.PLAN,
            changes.RISKS,
            changes.CONSENT,
            changes.OUTCOMES,
            changes.MEETINGS,
        )
        if self.home.isTabVisible(self.tab) and (change.touches(*areas) or not change.areas):
            self.refresh()
            self.outcomes.changed(visible=self._outcomes_in_view())
            self.priorities.changed(visible=self._in_view(self.panel.priorities))
            self.meeting.changed(visible=self._in_view(self.panel.meeting))

    def _filters_changed(self) -> None:
        self._wanted_lead = None
        self.model.set_query(**query_fields(self.panel))

    def _remember_columns(self, hidden: frozenset[str]) -> None:
        # Through `read`: a layout is no Change, nothing to sync or refresh views for.
        self.ops.read(lambda ws: view_settings.save_team_hidden_columns(ws, hidden), _ignore)

    def _first_page_loaded(self) -> None:
        row, self._scroll_to = self._scroll_to, None
        if row:
            scroll_to_row(self.panel.table, row)

    def _show_counts(self, counts: TeamCounts) -> None:
        self.panel.set_counts(
            {
                "unallocated": counts.unallocated,
                "overdue_plan_reviews": counts.overdue_plan_reviews,
                "overdue_visits": counts.overdue_visits,
                "at_risk": counts.at_risk,
                "consent_review_overdue": counts.consent_reviews_overdue,
                "risk_review_overdue": counts.risk_reviews_overdue,
                "conflicts": counts.open_conflicts,
                "follow_ups_due": counts.follow_ups_due,
                "telecare_due": counts.telecare_due,
            }
        )
        self.panel.practitioners.model.set_rows(counts.practitioners)
        chosen = self.panel.lead.currentData() or self._wanted_lead
        self.panel.set_leads([(p.staff_id, p.name) for p in counts.practitioners])
        self.panel.lead.setCurrentIndex(max(0, self.panel.lead.findData(chosen)))

    def _show_count(self, total: int) -> None:
        self.panel.count.setText(formatting.people_count(total, searching=False))

    def _in_view(self, page: QWidget) -> bool:
        return self.home.currentIndex() == self.tab and self.panel.tabs.currentWidget() is page

    def _outcomes_in_view(self) -> bool:
        return self._in_view(self.panel.outcomes)

    def _home_tab_changed(self) -> None:
        if self._outcomes_in_view():
            self.outcomes.opened()  # counted again if records changed while away
        if self._in_view(self.panel.priorities):
            self.priorities.opened()
        if self._in_view(self.panel.meeting):
            self.meeting.opened()

    def _tab_changed(self) -> None:
        self._load_charts()
        if self.panel.tabs.currentWidget() is self.panel.outcomes:
            self.outcomes.opened()
        if self.panel.tabs.currentWidget() is self.panel.priorities:
            self.priorities.opened()
        if self.panel.tabs.currentWidget() is self.panel.meeting:
            self.meeting.opened()

    def _load_charts(self) -> None:
        if self._charts_loaded or self.panel.tabs.currentWidget() is not self.panel.charts:
            return
        self._charts_loaded = True

        def draw(ws: Workspace) -> tuple[list[bytes], list[str]]:
            charts = gather_charts(ws)
            drawn = (charts.caseload, charts.reviews, charts.contacts)
            pngs = [render_png(c, width_px=CHART_WIDTH_PX) for c in drawn]
            return pngs, [describe(c) for c in drawn]

        self.panel.charts.status.setText(tr("Drawing the charts…"))
        self.ops.read(draw, lambda result: self.panel.charts.show_charts(*result))

    def start_allocation(self) -> None:
        ids = self.model.person_ids(self.panel.selected_rows())
        if not ids:
            self.panel.show_error(tr("Select one or more people first."))
            return
        if self.dialog is not None:
            return  # one at a time: a second Ctrl+Shift+L does not stack dialogs

        def read(ws: Workspace) -> tuple[list[Moving], list[tuple[str, str, str]]]:
            return people_to_move(ws, ids), staff_choices(ws)

        self.ops.read(read, lambda found: self._ask_lead(*found), self.panel.show_error)

    def _ask_lead(self, moving: list[Moving], staff: list[tuple[str, str, str]]) -> None:
        if not moving:
            self.panel.show_error(tr("The selected people are no longer on the team's caseload."))
            return
        dialog = self.dialog = AllocateDialog(moving, staff, self.panel)
        dialog.accepted.connect(lambda: self._allocate(dialog))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        dialog.open()

    def _allocate(self, dialog: AllocateDialog) -> None:
        staff_id = dialog.chosen()
        if staff_id is None:
            return  # never "nobody" by accident
        ids = [m.person_id for m in dialog.moving]
        lead = dialog.chosen_name()
        if len(ids) == 1:
            done = tr("{name}'s lead professional is now {lead}.").format(
                name=dialog.moving[0].name, lead=lead
            )
        else:
            done = tr("{n} people now have {lead} as their lead professional.").format(
                n=f"{len(ids):,}", lead=lead
            )
        self.ops.write(
            lambda ws: allocate(ws, person_ids=ids, staff_id=staff_id),
            on_done=lambda _c: self.status.emit(done),
            on_error=self.panel.show_error,
        )

    def export_csv(self) -> None:
        path = self.ask_save_path(
            self.panel, tr("Export the team view as CSV"), "team-caseload.csv"
        )
        if path:
            query = self.model.query
            self.ops.read(
                lambda ws: export_team_csv(ws, query, Path(path)),
                lambda n: self.status.emit(tr("Exported {n} people.").format(n=f"{n:,}")),
                self.panel.show_error,
            )

    def weekly_summary(self) -> None:
        path = self.ask_save_path(self.panel, tr("Save the weekly caseload summary"), FILE_NAME)
        if path:
            self.ops.read(
                lambda ws: save_summary(ws, Path(path)),
                lambda _pages: self.status.emit(tr("Saved the weekly caseload summary.")),
                self.panel.show_error,
            )

    def export_charts(self) -> None:
        folder = self.ask_folder(self.panel, tr("Save the charts in this folder"), "")
        if folder:
            self.ops.read(
                lambda ws: save_charts(ws, Path(folder)),
                lambda files: self.status.emit(tr("Saved {n} charts.").format(n=len(files))),
                self.panel.show_error,
            )
