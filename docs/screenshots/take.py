"""Regenerate the screenshots in this folder from the real app, on a demo profile.

    ONERECORD_PASSPHRASE=demo-only-not-secret .venv/bin/onerecord demo \\
        --profile /tmp/demo-shot --people 200 --seed 2026
    ONERECORD_PASSPHRASE=demo-only-not-secret xvfb-run -s "-screen 0 1600x1000x24" \\
        .venv/bin/python docs/screenshots/take.py --profile /tmp/demo-shot

It drives the same AppController as `onerecord gui` and grabs each window from
Qt itself (QWidget.grab), so the pictures are exactly what the app draws. It
refuses a profile that is not a demo: screenshots show only synthetic people.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402

from app.workspace import is_demo_profile  # noqa: E402
from ui.app_controller import AppController  # noqa: E402
from ui.app_main import create_application  # noqa: E402
from ui.tasks import TaskRunner  # noqa: E402

HERE = Path(__file__).resolve().parent


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    if not is_demo_profile(args.profile):
        raise SystemExit(
            f"{args.profile} is not a demo profile: screenshots show synthetic people only"
        )
    passphrase = os.environ["ONERECORD_PASSPHRASE"]

    create_application([])
    runner = TaskRunner()
    controller = AppController(runner, args.profile)
    controller.start()
    unlock = controller.unlock_window
    _wait(unlock.demo_banner.isVisible)
    unlock.passphrase.setText("demo passphrase")  # shown as dots; not the real one
    unlock.passphrase.setFocus()
    _settle()
    unlock.grab().save(str(args.out / "unlock.png"))

    unlock.passphrase.setText(passphrase)
    unlock.unlock_button.click()
    _wait(lambda: controller.unlocked and controller.model.rowCount() > 0)
    window = controller.main_window
    window.resize(1366, 768)  # a typical field laptop
    _settle()
    window.grab().save(str(args.out / "caseload.png"))

    controller.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
