"""Screenshots of need-to-know and break-glass, from the real app on a demo profile.

    ONERECORD_PASSPHRASE=demo-only-not-secret .venv/bin/onerecord demo \\
        --profile /tmp/shots --people 200 --seed 2026
    ONERECORD_PASSPHRASE=demo-only-not-secret xvfb-run -s "-screen 0 1366x768x24" \\
        .venv/bin/python docs/screenshots/take_break_glass.py --profile /tmp/shots

Writes break-glass.png (the caseload with a neighbouring team's person shown by
name, year of birth and locality, and the break-glass question over it) and
break-glass-record.png (the record open under its banner). Works on a copy of
the profile; refuses a profile that is not a demo.
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

from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtGui import QPainter  # noqa: E402

from app.workspace import is_demo_profile  # noqa: E402
from docs.screenshots.take import LAPTOP, _save, _settle, _wait  # noqa: E402
from ui.app_controller import AppController  # noqa: E402
from ui.app_main import create_application  # noqa: E402
from ui.caseload.caseload_model import Column  # noqa: E402
from ui.caseload.home_view import CASELOAD_TAB  # noqa: E402
from ui.kit.tasks import TaskRunner  # noqa: E402
from ui.record.break_glass_dialog import BreakGlassDialog  # noqa: E402

HERE = Path(__file__).resolve().parent
REASON = "Called by the out-of-hours GP: fall at home, his own team is not answering."


def _take(profile: Path, passphrase: str, out: Path) -> int:
    create_application([])
    controller = AppController(TaskRunner(), profile)
    controller.start()
    unlock = controller.unlock_window
    _wait(unlock.isVisible)
    unlock.passphrase.setText(passphrase)
    unlock.unlock_button.click()
    window = controller.main_window
    _wait(lambda: controller.unlocked and controller.model.rowCount() > 0)
    window.resize(*LAPTOP)
    window.home.setCurrentIndex(CASELOAD_TAB)
    window.caseload.whole_team.setChecked(True)
    model = controller.model
    _wait(lambda: any((r := model.row_at(i)) and r.limited for i in range(model.rowCount())))
    row = next(i for i in range(model.rowCount()) if (r := model.row_at(i)) and r.limited)
    view = window.caseload.table
    view.scrollTo(model.index(row, Column.NAME))
    view.setCurrentIndex(model.index(row, Column.NAME))
    asked: list[BreakGlassDialog] = []
    controller.record.break_glass.asked.connect(asked.append)
    window.caseload._activated(model.index(row, Column.NAME))  # as Enter on the row
    _wait(lambda: bool(asked))
    dialog = asked[0]
    dialog.reason.setPlainText(REASON)
    _settle(500)
    # The dialog is its own window: paint it over the main window, as seen on screen.
    picture = window.grab()
    front = dialog.grab()
    painter = QPainter(picture)
    painter.drawPixmap(
        QPoint((picture.width() - front.width()) // 2, (picture.height() - front.height()) // 3),
        front,
    )
    painter.end()
    picture.save(str(out / "break-glass.png"))
    dialog.open_button.click()
    _wait(lambda: controller.record.record is not None)
    _save(window, out, "break-glass-record", "")
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
