"""Regenerate the screenshots in this folder from the real app, on a demo profile.

    ONERECORD_PASSPHRASE=demo-only-not-secret .venv/bin/onerecord demo \\
        --profile /tmp/shots --people 200 --seed 2026
    ONERECORD_PASSPHRASE=demo-only-not-secret xvfb-run -s "-screen 0 1366x768x24" \\
        .venv/bin/python docs/screenshots/take.py --profile /tmp/shots
    # and one at 1280×720 (windows and dialogs fit themselves to the screen):
    SCREENSHOT_SIZE=1280x720 ONERECORD_PASSPHRASE=demo-only-not-secret \\
        xvfb-run -s "-screen 0 1280x720x24" .venv/bin/python docs/screenshots/take.py \\
        --profile /tmp/shots --out /tmp/shots-1280 --suffix=-1280x720
    # and at 200% (the same layout, every pixel doubled):
    ONERECORD_PASSPHRASE=demo-only-not-secret QT_SCALE_FACTOR=2 \\
        xvfb-run -s "-screen 0 3000x2000x24" \\
        .venv/bin/python docs/screenshots/take.py --profile /tmp/shots --suffix @2x

It drives the same AppController as `onerecord gui` and grabs each window from
Qt itself (QWidget.grab), so the pictures are exactly what the app draws. It
refuses a profile that is not a demo: screenshots show only synthetic people.
It works on a copy of the profile, so the demo caseload is left as it was.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

from app.services import clock  # noqa: E402
from app.services.changes import Change  # noqa: E402
from app.services.outcomes import episodes, experience, hospital_events  # noqa: E402
from app.services.record.record import open_record  # noqa: E402
from app.workspace import Workspace, is_demo_profile  # noqa: E402
from ui.app_controller import AppController  # noqa: E402
from ui.app_main import create_application  # noqa: E402
from ui.caseload.home_view import CASELOAD_TAB, TODAY_TAB  # noqa: E402
from ui.kit.tasks import TaskRunner  # noqa: E402
from ui.record.record_page import Section  # noqa: E402

HERE = Path(__file__).resolve().parent
# A typical field laptop; SCREENSHOT_SIZE=1280x720 for the smaller one.
LAPTOP = tuple(int(n) for n in os.environ.get("SCREENSHOT_SIZE", "1366x768").split("x"))

NOTE = (
    "Visited at home; her daughter was there. Dressing on the left shin changed: the wound "
    "is smaller and the edges look healthy. She has been walking to the end of the garden "
    "each morning and says she feels steadier."
)


def _wait(condition: Callable[[], object], timeout_ms: int = 20_000) -> None:
    loop = QEventLoop()
    poll = QTimer()

    def check() -> None:
        if condition():
            loop.quit()

    poll.timeout.connect(check)
    poll.start(20)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    poll.stop()
    if not condition():
        raise SystemExit("timed out waiting for the app")


def _settle(ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _save(widget: QWidget, out: Path, name: str, suffix: str) -> None:
    _settle()
    widget.grab().save(str(out / f"{name}{suffix}.png"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--suffix", default="", help="added to each file name, e.g. @2x")
    args = parser.parse_args()
    if not is_demo_profile(args.profile):
        raise SystemExit(
            f"{args.profile} is not a demo profile: screenshots show synthetic people only"
        )
    passphrase = os.environ["ONERECORD_PASSPHRASE"]
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(shutil.copytree(args.profile, Path(scratch) / "demo"))
        return _take(copy, passphrase, args.out, args.suffix)


def _first_run(scratch: Path, out: Path, suffix: str) -> None:
    """The screen a new laptop shows: an empty folder, nothing to hide."""
    runner = TaskRunner()
    controller = AppController(runner, scratch / "new-laptop")
    controller.start()
    window = controller.first_run_window
    _wait(window.isVisible)
    _save(window, out, "first-run", suffix)
    controller.shutdown()


def _take(profile: Path, passphrase: str, out: Path, suffix: str) -> int:
    create_application([])
    _first_run(profile.parent, out, suffix)
    runner = TaskRunner()
    controller = AppController(runner, profile)
    controller.start()
    unlock = controller.unlock_window
    _wait(unlock.demo_banner.isVisible)
    unlock.passphrase.setText("demo passphrase")  # shown as dots; not the real one
    unlock.passphrase.setFocus()
    _save(unlock, out, "unlock", suffix)

    unlock.passphrase.setText(passphrase)
    unlock.unlock_button.click()
    window = controller.main_window
    today = window.home.today
    _wait(lambda: controller.unlocked and controller.model.rowCount() > 0)
    _wait(lambda: today.model.rowCount() > 0)
    window.resize(*LAPTOP)
    window.home.setCurrentIndex(TODAY_TAB)
    today.table.setFocus()
    _save(window, out, "today", suffix)

    window.home.setCurrentIndex(CASELOAD_TAB)
    window.caseload.search.setFocus()
    _save(window, out, "caseload", suffix)

    # The person on today's round with the most alerts: the header has most to show.
    visits = today.model.rows
    person = max(visits, key=lambda v: (len(v.alert_kinds), v.due_at)).person_id
    controller.open_record(person)
    _wait(lambda: controller.record.record is not None)
    window.record.show_section(Section.PLAN)
    _save(window, out, "record-care-plan", suffix)

    window.record.show_section(Section.CONSENT)
    _save(window, out, "consent", suffix)

    window.record.show_section(Section.TIMELINE)
    _wait(lambda: controller.timeline.rowCount() > 0)
    _save(window, out, "timeline", suffix)

    window.record.show_section(Section.PLAN)
    controller.record.new_visit_note()
    _wait(lambda: controller.record.dialog is not None)
    dialog = controller.record.dialog
    assert dialog is not None
    dialog.widgets["narrative"].setPlainText(NOTE)  # type: ignore[attr-defined]
    _save(dialog, out, "visit-note", suffix)
    dialog.reject()
    _wait(lambda: controller.record.dialog is None)

    window.record.show_section(Section.CONTACTS)
    _save(window, out, "contacts", suffix)

    # Reablement and outcomes: a demo may have no episode yet, so one is made here
    # (through the services, on the copy) before the section is shown.
    controller.ops.write(lambda ws: _reablement_scene(ws, person))
    _wait(lambda: _has_episode(controller))
    window.record.show_section(Section.OUTCOMES)
    _settle()
    _save(window, out, "record-outcomes", suffix)
    if os.environ.get("SCREENSHOT_OUTCOMES_LOWER"):  # for checking the rest of it by eye
        bar = window.record.outcomes.verticalScrollBar()
        bar.setValue(bar.maximum())
        _settle()
        _save(window, out, "record-outcomes-lower", suffix)

    # New person…, typed as a referral might give the person already open: offered.
    record = controller.record.record
    assert record is not None
    header = record.header
    form = controller.register.open(window)
    assert form is not None
    form.set_values(
        {
            "given_name": header.given_name,
            "family_name": header.family_name.upper(),
            "date_of_birth": header.date_of_birth.strftime("%d/%m/%Y"),
            "postcode": header.postcode.replace(" ", "").lower(),
        }
    )
    form.submit()
    offer = controller.register.offer
    assert offer is not None
    _wait(offer.isVisible)
    _save(form, out, "register-person", suffix)

    controller.shutdown()
    return 0


def _has_episode(controller: AppController) -> bool:
    record = controller.record.record
    return bool(record and record.outcomes and record.outcomes.open_episode)


def _reablement_scene(ws: Workspace, person_id: str) -> Change:
    """An earlier episode with its 91-day check, one under way on day 10 working on the
    plan's open goals, an admission before it, and the experience statements asked."""
    today = clock.today()
    record = open_record(ws, person_id, viewed=False)
    if record.outcomes is not None and record.outcomes.open_episode is not None:
        return Change("nothing", person_id=person_id)
    earlier = today - timedelta(days=220)
    before = episodes.start_episode(ws, person_id=person_id, started_on=earlier)
    episodes.end_episode(
        ws,
        episode_id=str(before.entity_id),
        outcome="reduced_support",
        ended_on=earlier + timedelta(days=38),
    )
    episodes.record_follow_up(
        ws,
        episode_id=str(before.entity_id),
        result="at_home",
        follow_up_on=earlier + timedelta(days=93),
    )
    left = today - timedelta(days=9)
    hospital_events.record_hospital_event(
        ws,
        person_id=person_id,
        kind="unplanned_admission",
        occurred_on=left - timedelta(days=6),
        hospital="Friarage Hospital",
        detail="Fall at home; a week on the ward.",
    )
    hospital_events.record_hospital_event(
        ws, person_id=person_id, kind="discharge", occurred_on=left, hospital="Friarage Hospital"
    )
    open_goals = [g.id for g in record.plan.goals if g.status in ("in_progress", "not_started")]
    experience.record_experience(
        ws,
        person_id=person_id,
        answers={
            "tell_story_once": "yes_somewhat",
            "know_the_plan": "yes_definitely",
            "know_coordinator": "yes_definitely",
            "team_talks": "not_sure",
        },
        answered_by="together",
        asked_on=today - timedelta(days=30),
    )
    return episodes.start_episode(
        ws, person_id=person_id, started_on=left, discharged_on=left, goal_ids=open_goals[:2]
    )


if __name__ == "__main__":
    sys.exit(main())
