"""A screenshot of the access report, from the real app on a demo profile.

    ONERECORD_PASSPHRASE=demo-only-not-secret .venv/bin/onerecord demo \\
        --profile /tmp/shots --people 200 --seed 2026
    ONERECORD_PASSPHRASE=demo-only-not-secret xvfb-run -s "-screen 0 1366x768x24" \\
        .venv/bin/python docs/screenshots/take_access_report.py --profile /tmp/shots

On a copy of the profile, signs in as the demo team's coordinator, opens a few
records, breaks the glass on a neighbouring team's person with a reason, and
mistypes the passphrase once; then shows the app's Access report over the main
window (access-report.png). Refuses a profile that is not a demo.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtGui import QPainter  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.errors import WrongPassphraseError  # noqa: E402
from app.services.caseload import caseload  # noqa: E402
from app.services.need_to_know.break_glass import break_glass  # noqa: E402
from app.services.record.record import open_record  # noqa: E402
from app.services.record.record_view import person_record  # noqa: E402
from app.workspace import is_demo_profile, unlock  # noqa: E402
from docs.screenshots.take import LAPTOP, _settle, _wait  # noqa: E402
from storage import settings  # noqa: E402
from storage.tables import StaffMember  # noqa: E402
from ui.app_controller import AppController  # noqa: E402
from ui.app_main import create_application  # noqa: E402
from ui.kit.tasks import TaskRunner  # noqa: E402

HERE = Path(__file__).resolve().parent
REASON = "Out-of-hours call from the GP: fall at home, his own team not answering."


def _as_coordinator(profile: Path, passphrase: str) -> None:
    ws = unlock(profile, passphrase)
    with ws.store.write(ws.actor) as session:
        coordinator = session.execute(
            select(StaffMember).where(StaffMember.role == "coordinator").limit(1)
        ).scalar_one()
        settings.put(session, settings.SIGNED_IN_USER, coordinator.id)
        settings.put(session, settings.HOME_TEAM, coordinator.team_id)
    ws.close()
    ws = unlock(profile, passphrase)
    try:
        _, rows = caseload.fetch(ws, caseload.CaseloadQuery(limit=200))
        mine = [r for r in rows if not r.limited][:4]
        for row in mine:
            person_record(ws, row.nhs_number)
        outsider = next(r for r in rows if r.limited)
        break_glass(ws, outsider.person_id, REASON)
        open_record(ws, outsider.person_id)
    finally:
        ws.close()
    with contextlib.suppress(WrongPassphraseError):
        unlock(profile, "a mistyped passphrase")


def _take(profile: Path, passphrase: str, out: Path) -> int:
    _as_coordinator(profile, passphrase)
    create_application([])
    controller = AppController(TaskRunner(), profile)
    controller.start()
    window = controller.unlock_window
    _wait(window.isVisible)
    window.passphrase.setText(passphrase)
    window.unlock_button.click()
    main_window = controller.main_window
    _wait(lambda: controller.unlocked)
    _settle(1000)
    main_window.resize(*LAPTOP)
    main_window.access_report_action.trigger()
    dialog = controller.access_report.dialog
    assert dialog is not None
    _wait(lambda: dialog.model.rowCount() > 0)
    _settle(500)
    picture = main_window.grab()
    front = dialog.grab()
    painter = QPainter(picture)
    painter.drawPixmap(
        QPoint(max(0, (picture.width() - front.width()) // 2), 40),
        front.scaledToWidth(min(front.width(), picture.width())),
    )
    painter.end()
    picture.save(str(out / "access-report.png"))
    controller.shutdown()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    if not is_demo_profile(args.profile):
        raise SystemExit(f"{args.profile} is not a demo profile: synthetic people only")
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(shutil.copytree(args.profile, Path(scratch) / "demo"))
        return _take(copy, os.environ["ONERECORD_PASSPHRASE"], args.out)


if __name__ == "__main__":
    sys.exit(main())
