"""The user guide's screenshots (docs/user-guide.md) that take.py does not take.

    ONERECORD_PASSPHRASE=demo-only-not-secret .venv/bin/onerecord demo \\
        --profile /tmp/shots --people 200 --seed 2026
    ONERECORD_PASSPHRASE=demo-only-not-secret xvfb-run -a -s "-screen 0 1366x768x24" \\
        .venv/bin/python docs/screenshots/take_guide.py --profile /tmp/shots

The first-run screens come from an empty folder; finding a person, updating the plan
and printing come from a copy of the demo profile (synthetic people only: it refuses
any other profile); syncing and a conflict come from a throwaway partner server on
loopback with two laptops enrolled, holding one made-up person (999 test range). Every
picture is QWidget.grab() of the real app's windows.
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
sys.path.insert(0, str(ROOT / "docs" / "screenshots"))

from take import LAPTOP, _save, _wait  # noqa: E402

from app.services.record import people  # noqa: E402
from app.workspace import create, is_demo_profile, unlock  # noqa: E402
from storage.keyvault import KdfParams  # noqa: E402
from sync.client.enrol import enrol  # noqa: E402
from sync.client.session import SyncSession  # noqa: E402
from sync.server import directory  # noqa: E402
from sync.server.embedded import serve_in_thread  # noqa: E402
from sync.server.store import ServerStore  # noqa: E402
from ui.app_controller import AppController  # noqa: E402
from ui.app_main import create_application  # noqa: E402
from ui.caseload.home_view import CASELOAD_TAB  # noqa: E402
from ui.first_run.first_run_pages import DEMO, ENROL  # noqa: E402
from ui.kit.tasks import TaskRunner  # noqa: E402
from ui.record import editors  # noqa: E402
from ui.record.record_page import Section  # noqa: E402

HERE = Path(__file__).resolve().parent
# Scratch laptops only: a cheap KDF keeps the script quick (stored in each profile).
SCRATCH_KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
SCRATCH_PASSPHRASE = "scratch laptop only"  # noqa: S105 (throwaway profiles, no people)
ZOE = "9990000018"


def _step(what: str) -> None:
    print(f"take_guide: {what}", flush=True)


def _first_run(scratch: Path, out: Path) -> None:
    controller = AppController(TaskRunner(), scratch / "new-laptop")
    controller.start()
    window = controller.first_run_window
    _wait(window.isVisible)
    window.show_way(ENROL)  # take.py takes the choice itself (first-run.png)
    window.enrol_page.server.setText("https://onerecord.dales-health.example")
    window.enrol_page.code.setText("K7QM-3XPA-WD9R")
    window.passphrase.setText("kettle moorland lantern")
    window.passphrase.setFocus()
    _save(window, out, "first-run-enrol", "")
    # The demo: whom it signs in as, each role of the one made-up team.
    window.show_way(DEMO)
    window.demo_page.role.setCurrentIndex(window.demo_page.role.findData("coordinator"))
    window.demo_page.role.setFocus()
    _save(window, out, "first-run-demo", "")
    controller.shutdown()


def _demo(profile: Path, passphrase: str, out: Path) -> None:
    controller = AppController(TaskRunner(), profile)
    controller.start()
    controller.unlock_window.passphrase.setText(passphrase)
    controller.unlock_window.unlock_button.click()
    window = controller.main_window
    _wait(lambda: controller.unlocked and controller.model.rowCount() > 0)
    window.resize(*LAPTOP)
    window.home.setCurrentIndex(CASELOAD_TAB)
    window.caseload.whole_team.setChecked(True)
    _step("caseload")
    from PySide6.QtTest import QTest

    window.caseload.search.setFocus()
    QTest.keyClicks(window.caseload.search, "Rees")  # typed, as the search listens for typing
    model = controller.model
    _wait(lambda: model.query.search == "Rees" and not model.busy and 0 < model.total < 40)
    _save(window, out, "find-person", "")

    _step("record")
    first = controller.model.row_at(0)
    assert first is not None
    controller.open_record(first.person_id)
    _wait(lambda: controller.record.record is not None)
    window.record.show_section(Section.PLAN)
    _save(window, out, "record-plan", "")
    controller.record._edit(lambda r: editors.goal(r, r.plan.goals[0] if r.plan.goals else None))
    _wait(lambda: controller.record.dialog is not None)
    dialog = controller.record.dialog
    assert dialog is not None
    _save(dialog, out, "plan-goal", "")
    controller.record.close_dialog(keep_draft=False)

    _step("initial assessment")
    _initial_assessment(controller, first.person_id, out)

    _step("print")
    controller.record.print_plan()
    from ui.record.print_dialog import PrintDialog

    _wait(lambda: bool(window.findChildren(PrintDialog)))
    printing = window.findChildren(PrintDialog)[-1]
    _wait(lambda: printing.plan is not None and printing.document.pageCount() > 0)
    _save(printing, out, "print-dialog", "")
    printing.close()
    controller.shutdown()


def _initial_assessment(controller: AppController, person_id: str, out: Path) -> None:
    """Two parts written as the demo user (each signed), one agreed for the printed
    plan; then the section, and the form for the next part."""
    from app.services.care.joint_assessment import record_part

    ws = controller.ops.workspace
    assert ws is not None

    def write() -> None:
        record_part(
            ws,
            person_id=person_id,
            part="health",
            findings="Leg ulcer on the left shin, dressed twice a week; type 2 diabetes, "
            "diet-controlled. Sleeps in the chair since the fall.",
        )
        record_part(
            ws,
            person_id=person_id,
            part="daily_living",
            findings="Cannot get in or out of the bath; her daughter shops and cooks twice "
            "a week. Wants to manage her own breakfast again.",
            needs_help_with=["personal_hygiene", "nutrition"],
            shown_in_plan=True,
        )

    controller.runner.run(write).result()
    controller.open_record(person_id)
    _wait(
        lambda: controller.record.record is not None and bool(controller.record.record.assessments)
    )
    window = controller.main_window
    window.record.show_section(Section.ASSESSMENTS)
    _save(window, out, "initial-assessment", "")
    window.record.assessments.add_part_button.click()
    _wait(lambda: controller.record.dialog is not None)
    dialog = controller.record.dialog
    assert dialog is not None
    _save(dialog, out, "assessment-part", "")
    controller.record.close_dialog(keep_draft=False)


def _sign_in_as_coordinator(profile: Path, passphrase: str) -> None:
    """A copy of the demo, signed in as its coordinator (the Team view is theirs)."""
    from sqlalchemy import select

    from storage import settings
    from storage.tables import StaffMember

    ws = unlock(profile, passphrase)
    try:
        with ws.store.read() as session:
            coordinator = session.execute(
                select(StaffMember.id).where(StaffMember.role == "coordinator").limit(1)
            ).scalar_one()
        with ws.store.write(ws.actor) as session:
            settings.put(session, settings.SIGNED_IN_USER, coordinator)
    finally:
        ws.close()


def _team(profile: Path, passphrase: str, out: Path) -> None:
    _sign_in_as_coordinator(profile, passphrase)
    controller = AppController(TaskRunner(), profile)
    controller.start()
    controller.unlock_window.passphrase.setText(passphrase)
    controller.unlock_window.unlock_button.click()
    window = controller.main_window
    _wait(lambda: controller.unlocked and window.isVisible())  # a coordinator's own list is empty
    window.resize(*LAPTOP)
    window.home.setCurrentIndex(controller.team.tab)
    _wait(lambda: controller.team.model.rowCount() > 0)
    _save(window, out, "team-view", "")
    panel = controller.team.panel
    panel.tabs.setCurrentWidget(panel.charts)
    _wait(panel.charts.save.isEnabled)  # enabled once the charts are drawn
    _save(
        window,
        out,
        "team-charts",
        "",
    )
    controller.shutdown()


def _laptop(folder: Path, url: str, store: ServerStore, user: str):  # type: ignore[no-untyped-def]
    ws = create(folder, SCRATCH_PASSPHRASE, user_name=user, kdf=SCRATCH_KDF)
    enrol(ws, url, directory.new_enrolment_code(store, user), device_name=user)
    path = ws.store.path
    ws.close()
    return unlock(path, SCRATCH_PASSPHRASE, for_sync=True)


def _sync(ws) -> None:  # type: ignore[no-untyped-def]
    session = SyncSession(ws)
    try:
        session.run()
    finally:
        session.close()


def _sync_and_conflict(scratch: Path, out: Path) -> None:
    store = ServerStore(f"sqlite:///{scratch / 'server.db'}")
    directory.organisation(store, "Dales Community Health")
    directory.add_team(store, "Craven Locality")
    for name, role in (("Sam Taylor", "community_nurse"), ("Ceri Jones", "social_worker")):
        directory.add_user(store, name, role, "Craven Locality")
    server = serve_in_thread(store)
    try:
        nurse = _laptop(scratch / "nurse", server.url, store, "Sam Taylor")
        social = _laptop(scratch / "social", server.url, store, "Ceri Jones")
        _sync(social)  # the team's directory first, so the new person joins its caseload
        people.register(social, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
        _sync(social)
        _sync(nurse)
        people.edit(social, ZOE, {"level_of_need": "universal"})
        people.edit(nurse, ZOE, {"level_of_need": "specialist"})
        _sync(social)
        nurse_path = nurse.store.path
        nurse.close()
        social.close()

        _step("sync and conflict")
        controller = AppController(TaskRunner(), nurse_path)
        controller.start()
        controller.unlock_window.passphrase.setText(SCRATCH_PASSPHRASE)
        controller.unlock_window.unlock_button.click()
        window = controller.main_window
        _wait(lambda: controller.unlocked and window.conflicts_button.isVisible())
        window.resize(*LAPTOP)
        window.home.setCurrentIndex(CASELOAD_TAB)
        window.caseload.whole_team.setChecked(True)
        _wait(lambda: controller.model.rowCount() > 0)
        _save(window, out, "sync-status", "")
        window.conflicts_button.click()
        dialog = controller.conflicts.dialog
        assert dialog is not None
        _wait(lambda: len(dialog.conflicts) == 1)
        _save(dialog, out, "conflicts", "")
        controller.shutdown()
    finally:
        server.stop()
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    if not is_demo_profile(args.profile):
        raise SystemExit(f"{args.profile} is not a demo profile: synthetic people only")
    create_application([])
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        _first_run(folder, args.out)
        copy = Path(shutil.copytree(args.profile, folder / "demo"))
        _demo(copy, os.environ["ONERECORD_PASSPHRASE"], args.out)
        _step("team view")
        team = Path(shutil.copytree(args.profile, folder / "coordinator"))
        _team(team, os.environ["ONERECORD_PASSPHRASE"], args.out)
        _sync_and_conflict(folder, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
