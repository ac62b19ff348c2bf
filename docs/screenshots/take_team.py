"""The coordinator's Team view and its charts, from the real app on a demo profile.

    ONERECORD_PASSPHRASE=demo-only-not-secret .venv/bin/onerecord demo \\
        --profile /tmp/shots --people 300 --seed 2026
    ONERECORD_PASSPHRASE=demo-only-not-secret xvfb-run -a -s "-screen 0 1366x768x24" \\
        .venv/bin/python docs/screenshots/take_team.py --profile /tmp/shots

On a copy of the demo profile, the demo's integrated care coordinator is signed
in (the demo signs in a district nurse), then the Team tab, its Charts tab and its
Outcomes tab (the last 12 months, then scrolled to reablement), its Priorities
tab (the top person chosen) and its Meeting tab (a meeting set up two days ahead,
six of the record's suggestions on its list, the first one decided) are grabbed from
Qt itself; `--only meeting` takes the last alone. Refuses a profile that is not a demo.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtWidgets import QWidget  # noqa: E402
from sqlalchemy import select  # noqa: E402
from take import LAPTOP, _save, _wait  # noqa: E402

from app.workspace import is_demo_profile, unlock  # noqa: E402
from storage import settings  # noqa: E402
from storage.tables import StaffMember  # noqa: E402
from ui.app_controller import AppController  # noqa: E402
from ui.app_main import create_application  # noqa: E402
from ui.kit.tasks import TaskRunner  # noqa: E402

HERE = Path(__file__).resolve().parent


def sign_in_coordinator(profile: Path, passphrase: str) -> None:
    workspace = unlock(profile, passphrase)
    try:
        with workspace.store.write(workspace.actor) as session:
            coordinator = session.execute(
                select(StaffMember.id).where(StaffMember.role == "coordinator").limit(1)
            ).scalar_one()
            settings.put(session, settings.SIGNED_IN_USER, coordinator)
    finally:
        workspace.close()


def prepare_meeting(profile: Path, passphrase: str) -> None:
    """As the coordinator: a meeting two days ahead, six suggestions listed, one decided."""
    from datetime import timedelta

    from app.services import clock
    from app.services.mdt.agenda import add_to_list, meeting_list, offered
    from app.services.mdt.decisions import AgreedAction, record_decision
    from app.services.mdt.meetings import set_up_meeting

    workspace = unlock(profile, passphrase)
    try:
        when = clock.at_local(clock.today() + timedelta(days=2), 10)
        meeting = set_up_meeting(workspace, meets_at=when, place="Skipton health centre")
        meeting_id = str(meeting.entity_id)
        for row in offered(workspace, meeting_id)[:6]:
            add_to_list(
                workspace,
                meeting_id,
                person_id=row.person_id,
                reason=row.reason,
                why=row.why,
                flag_id=row.item_id,
            )
        first = meeting_list(workspace, meeting_id)[0]
        due = clock.today() + timedelta(days=14)
        record_decision(
            workspace,
            str(first.item_id),
            decision="Refer to the falls clinic; OT to look at the stairs",
            attendees=["Integrated care coordinator", "District nurse", "Social worker", "GP"],
            actions=[AgreedAction("Refer to the falls clinic", "GP", None, due)],
        )
    finally:
        workspace.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--only", choices=["meeting"], help="take this tab's shot alone")
    args = parser.parse_args()
    if not is_demo_profile(args.profile):
        raise SystemExit(f"{args.profile} is not a demo profile: synthetic people only")
    passphrase = os.environ["ONERECORD_PASSPHRASE"]
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(shutil.copytree(args.profile, Path(scratch) / "demo"))
        sign_in_coordinator(copy, passphrase)
        prepare_meeting(copy, passphrase)
        create_application([])
        runner = TaskRunner()
        controller = AppController(runner, copy, sync_on_unlock=False)
        controller.start()
        _wait(controller.unlock_window.isVisible)
        controller.unlock_window.passphrase.setText(passphrase)
        controller.unlock_window.unlock_button.click()
        _wait(lambda: controller.unlocked)
        window = controller.main_window
        window.resize(*LAPTOP)
        team = controller.team
        window.home.setCurrentIndex(team.tab)
        _wait(lambda: team.model.rowCount() > 0 and not team.model.busy)
        if args.only == "meeting":
            _meeting(window, team, args.out)
            controller.shutdown()
            return 0
        _wait(lambda: team.panel.practitioners.model.rowCount() > 0)
        team.panel.show_filter.setCurrentIndex(team.panel.show_filter.findData("overdue_visits"))
        _wait(lambda: team.panel.cards["overdue_visits"].isChecked() and not team.model.busy)
        team.panel.table.selectRow(0)
        team.panel.table.setFocus()
        _save(window, args.out, "team-view", "")
        team.panel.tabs.setCurrentWidget(team.panel.charts)
        _wait(lambda: team.panel.charts.save.isEnabled(), timeout_ms=60_000)
        _save(window, args.out, "team-charts", "")
        team.panel.tabs.setCurrentWidget(team.panel.outcomes)
        _wait(lambda: team.panel.outcomes.pdf_button.isEnabled(), timeout_ms=120_000)
        _save(window, args.out, "team-outcomes", "")
        outcomes = team.panel.outcomes
        block = outcomes.content.findChild(QWidget, "outcomes_reablement")
        outcomes.report_area.verticalScrollBar().setValue(block.y())
        _save(window, args.out, "team-outcomes-reablement", "")
        priorities = team.panel.priorities
        team.panel.tabs.setCurrentWidget(priorities)
        _wait(lambda: priorities.model.rowCount() > 0, timeout_ms=60_000)
        priorities.people.setCurrentIndex(priorities.model.index(0, 0))
        _save(window, args.out, "team-priorities", "")
        _meeting(window, team, args.out)
        controller.shutdown()
    return 0


def _meeting(window: QWidget, team: object, out: Path) -> None:
    page = team.panel.meeting  # type: ignore[attr-defined]
    team.panel.tabs.setCurrentWidget(page)  # type: ignore[attr-defined]
    _wait(lambda: page.board is not None and page.board.meeting is not None, timeout_ms=60_000)
    page.listed.selectRow(1)
    page.listed.setFocus()
    _save(window, out, "team-meeting", "")


if __name__ == "__main__":
    sys.exit(main())
